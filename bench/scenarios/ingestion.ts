import { spawn } from 'node:child_process';
import type { Client } from '@temporalio/client';
import type { Bench } from '../environment';
import { alertsInWorkflows, sustained, type SustainedRun } from '../load';
import { catchUp, lineFrom, log, ms } from '../measure';
import { profiled } from '../profile';

/**
 * Sustained ingestion, Fireline against raw Temporal. The duplicates are
 * measured before the storms and new incidents after them (new incidents leave
 * the worker a backlog of openings to work off); one section reports both.
 */

const dupKeys = 20;

/** The duplicate half's figures, kept for the section the new-incident half writes. */
export interface DuplicateIngestion {
  raw: SustainedRun;
  fireline: SustainedRun;
  /** Accepted duplicates counted by the incident workflows. */
  folded: number;
  /** How long after the run MongoDB's alert counts caught up, if they did within the cap. */
  catchUpMs: number | undefined;
  /** Duplicates counted in MongoDB when the wait ended. */
  stored: number;
}

const baselineSignal = (client: Client, workflowId: string) =>
  client.workflow.signalWithStart('baselineWorkflow', {
    workflowId,
    taskQueue: 'bench-baseline',
    signal: 'alert',
    signalArgs: [{ summary: 'benchmark alert' }],
  });

/** Starts the raw-Temporal baseline worker, then measures duplicates: signals to 20 open workflows, alerts for 20 open incidents. */
export async function duplicateIngestion(bench: Bench): Promise<DuplicateIngestion> {
  const { client, models, settings } = bench;
  log('starting the raw-Temporal baseline worker');
  bench.processes.baseline = spawn(process.execPath, bench.nodeArgs('baseline-worker.js'), {
    env: bench.childEnv,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await lineFrom(bench.processes.baseline, /ready/);

  for (let k = 0; k < dupKeys; k++) await baselineSignal(client, `baseline-dup-${k}`);
  const raw = await sustained(bench, 'raw Temporal, signals to open workflows', async (i) => {
    await baselineSignal(client, `baseline-dup-${i % dupKeys}`);
    return true;
  });

  for (let k = 0; k < dupKeys; k++) await bench.alert('bench-dup', `d${k}`);
  const fireline = await sustained(
    bench,
    'Fireline, duplicates',
    async (i) => (await bench.alert('bench-dup', `d${i % dupKeys}`)).status === 202,
  );
  let folded = 0;
  await catchUp(
    async () =>
      (folded = (await alertsInWorkflows(bench, 'bench-dup', dupKeys)) - dupKeys) >= fireline.accepted,
    120_000,
  );
  const alertSum = async (service: string) =>
    (await models.Incident.find({ service }, { alertCount: 1 }).lean()).reduce((n, d) => n + d.alertCount, 0);
  const catchUpMs = await catchUp(
    async () => (await alertSum('bench-dup')) >= fireline.accepted + dupKeys,
    settings.projectionCapSeconds * 1000,
  );
  const stored = (await alertSum('bench-dup')) - dupKeys;
  return { raw, fireline, folded, catchUpMs, stored };
}

/** Measures new incidents against new baseline workflows and writes the ingestion section with the duplicates' figures. */
export async function newIncidentIngestion(bench: Bench, duplicates: DuplicateIngestion): Promise<void> {
  const { client, models, settings } = bench;
  const rawNew = await sustained(bench, 'raw Temporal, new workflows', async (i) => {
    await baselineSignal(client, `baseline-new-${i}`);
    return true;
  });

  const fireNewStartedAt = Date.now();
  const fireNew = await sustained(
    bench,
    'Fireline, new incidents',
    async (i) => (await bench.alert('bench-new', `n${i}`)).status === 202,
  );
  const newWorkflows = async () =>
    (await client.workflow.count(`WorkflowType = 'incidentWorkflow' AND FirelineService = 'bench-new'`))
      .count;
  await catchUp(async () => (await newWorkflows()) >= fireNew.accepted, 60_000);
  const newInTemporal = await newWorkflows();
  const newCatchUp = await catchUp(
    async () => (await models.Incident.countDocuments({ service: 'bench-new' })) >= fireNew.accepted,
    settings.projectionCapSeconds * 1000,
  );
  const newStored = await models.Incident.countDocuments({ service: 'bench-new' });
  const newStoredSeconds = (Date.now() - fireNewStartedAt) / 1000;

  const projection = (took: number | undefined, done: number, total: number) =>
    took !== undefined
      ? `all ${total} in MongoDB ${(took / 1000).toFixed(1)} s after the run`
      : `${done} of ${total} in MongoDB ${settings.projectionCapSeconds} s after the run`;
  const row = (label: string, fire: SustainedRun, raw: SustainedRun) =>
    `| ${label} | ${fire.perSecond.toFixed(1)}/s | ${raw.perSecond.toFixed(1)}/s | ${(fire.perSecond / raw.perSecond).toFixed(2)} | ${ms(fire.latency.p50)} / ${ms(fire.latency.p99)} | ${ms(raw.latency.p50)} / ${ms(raw.latency.p99)} |`;
  const fireDup = duplicates.fireline;
  bench.section(`Ingestion, sustained ${settings.seconds} s at ${settings.concurrency} requests in flight`, [
    '| | Fireline (HTTP API → Temporal) | raw Temporal (bare signal-with-start) | ratio | Fireline p50 / p99 latency | raw p50 / p99 latency |',
    '|---|---|---|---|---|---|',
    row('new incidents', fireNew, rawNew),
    row('duplicate alerts', fireDup, duplicates.raw),
    '',
    `- Latency is from sending the HTTP request to its 202, which Fireline returns only once Temporal has durably recorded the signal-with-start (the workflow is started).`,
    `- new incidents: ${fireNew.accepted} accepted, ${fireNew.failed} refused or failed; **${newInTemporal} incident workflows** in Temporal (loss: ${fireNew.accepted - newInTemporal}); ${projection(newCatchUp, newStored, fireNew.accepted)}${newCatchUp === undefined ? ' (see the last note)' : ''}.`,
    `- duplicates over ${dupKeys} open incidents: ${fireDup.accepted} accepted, ${fireDup.failed} failed; **${duplicates.folded} folded into the incident workflows** (loss: ${fireDup.accepted - duplicates.folded}); ${projection(duplicates.catchUpMs, duplicates.stored, fireDup.accepted)}.`,
    ...(newCatchUp === undefined
      ? [
          `- Accepting an incident is one signal-with-start; opening it is the incident workflow's first steps (triage, the level-1 page, SLA and escalation timers, saves to MongoDB), many more workflow tasks and events. With ${settings.temporal === 'postgresql' ? 'the Temporal server and PostgreSQL' : 'the Temporal dev server'}, FerretDB, the workers, the APIs and the load generator sharing this machine's CPUs, ${newStored} incidents were opened end to end in the ${newStoredSeconds.toFixed(0)} s from the start of the run (**${(newStored / newStoredSeconds).toFixed(1)} incidents/s**); the rest wait, durably, in Temporal and are worked off in order.`,
        ]
      : []),
    `- CPU while each ran: Fireline's new incidents ${fireNew.cpu}; raw new workflows ${rawNew.cpu}; Fireline's duplicates ${fireDup.cpu}; raw signals ${duplicates.raw.cpu}`,
    ...profiled(fireNew.profile, "where the CPU went while Fireline's new incidents ran (perf)"),
    ...profiled(rawNew.profile, 'while raw Temporal started new workflows'),
    ...profiled(fireDup.profile, "while Fireline's duplicates ran"),
    ...profiled(duplicates.raw.profile, 'while raw Temporal took signals'),
  ]);
}
