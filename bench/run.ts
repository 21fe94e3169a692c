import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import * as prettier from 'prettier';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createPostmortemActivities } from '../activities/postmortems';
import { createApiKey } from '../infra/api-keys';
import { groupedIncidentWorkflowId, incidentWorkflowId } from '../workflows/incident/ids';
import { incidentQuery } from '../workflows/incident/messages';
import { LOOPBACK_EGRESS, loadConfig } from '../config';
import { connectMongo } from '../infra/mongo';
import { createModels, ensureIndexes, fromPostmortemDocument, type Models } from '../infra/models';
import { timelineEntryId } from '../infra/models/timeline-entry';
import { toMarkdown } from '../api/postmortems/render';
import { startLocalStack, type LocalStack } from '../stack';
import { freePort } from '../stack/ports';
import { repoRoot } from '../stack/paths';
import { defaultBundlePath } from '../worker/bundle';
import { TIMER_SECONDS } from './catalog';
import { closedLoop, summary } from './stats';
import { runbookWorkflowId } from '../workflows/runbook/ids';

/**
 * `npm run bench`: starts a throw-away Temporal dev server and MongoDB-wire
 * server, runs Fireline's worker and API as separate processes (as deployed),
 * measures each scenario of issue 6 against a raw-Temporal baseline, and
 * writes bench/RESULTS.md. Knobs: BENCH_SECONDS (sustained runs, default 60),
 * BENCH_CONCURRENCY (in-flight requests, default 32), BENCH_OPEN_INCIDENTS
 * (default 1000), BENCH_TIMER_SECONDS (default 120).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const OPEN_INCIDENTS = Number(process.env.BENCH_OPEN_INCIDENTS ?? 1000);
const STORM_ALERTS = Number(process.env.BENCH_STORM_ALERTS ?? 5000);
const RUNBOOK_RUNS = Number(process.env.BENCH_RUNBOOK_RUNS ?? 40);
const TASK_QUEUE = 'fireline-bench';
/** How long to wait for the worker's MongoDB projection to catch up before reporting how far it got. */
const PROJECTION_CAP_SECONDS = Number(process.env.BENCH_PROJECTION_CAP_SECONDS ?? 120);

function log(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

/** A local HTTP endpoint standing in for notification channels and runbook targets. */
class Sink {
  readonly received: { path: string; at: number; body: unknown }[] = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      this.received.push({ path: req.url ?? '/', at: Date.now(), body });
      res.end('ok');
    });
  });
  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }
  url(p: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${p}`;
  }
  stop(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

interface Processes {
  worker?: ChildProcess;
  api?: ChildProcess;
  baseline?: ChildProcess;
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb * 1024;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    // A check stuck on a stalled server must not hold the benchmark past its deadline.
    const remaining = timeoutMs - (Date.now() - started);
    const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), remaining).unref());
    if (await Promise.race([check(), timedOut])) return Date.now() - started;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Resolves with the first stdout line matching `pattern`. */
function lineFrom(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = pattern.exec(buffer);
      if (match) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`process exited (${code}) before printing ${pattern}`)));
  });
}

async function main(): Promise<void> {
  const root = repoRoot();
  const results: string[] = [];
  const section = (title: string, lines: string[]) => {
    results.push(`## ${title}`, '', ...lines, '');
    log(`${title}: ${lines.join(' | ')}`);
  };

  log('starting a throw-away Temporal dev server and MongoDB-wire server');
  const config = loadConfig({ ...process.env, TEMPORAL_ADDRESS: '', MONGODB_URI: '' });
  const stack: LocalStack = await startLocalStack({ config, mode: 'ephemeral' });
  const sink = await new Sink().start();
  const processes: Processes = {};
  const mongo = await connectMongo(stack.mongoUri);
  const models: Models = createModels(mongo);
  await ensureIndexes(models);
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const childEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    MONGODB_URI: stack.mongoUri,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    FIRELINE_WORKFLOW_BUNDLE: defaultBundlePath(),
    BENCH_LEVEL1_URL: sink.url('/level1'),
    BENCH_LEVEL2_URL: sink.url('/level2'),
    SCALE_WEBHOOK_URL: sink.url('/scale'),
    // The sink the runbooks check and call listens on loopback, which the egress policy refuses by default.
    FIRELINE_EGRESS_ALLOW: [process.env.FIRELINE_EGRESS_ALLOW, LOOPBACK_EGRESS].filter(Boolean).join(','),
    RATE_LIMIT_PER_MINUTE: '100000000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000000',
    LOG_LEVEL: 'warn',
  };
  const startWorker = async (): Promise<{ readyMs: number }> => {
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, [path.join(root, 'dist', 'bench', 'worker.js')], {
      env: { ...childEnv, BENCH_SPAWNED_AT: String(spawnedAt) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    processes.worker = child;
    const [, readyMs] = await lineFrom(child, /ready (\d+)/);
    return { readyMs: Number(readyMs) };
  };

  try {
    // API process, with an admin key for the load generator.
    const apiPort = await freePort();
    processes.api = spawn(process.execPath, [path.join(root, 'dist', 'bench', 'api.js')], {
      env: { ...childEnv, PORT: String(apiPort) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const api = `http://127.0.0.1:${apiPort}`;
    const { token } = await createApiKey(models, 'bench', ['admin']);
    await waitFor(
      'the API',
      async () => (await fetch(`${api}/readyz`).catch(() => undefined))?.ok === true,
      60_000,
    );
    const post = async (
      p: string,
      body: unknown,
    ): Promise<{ status: number; json: Record<string, unknown> }> => {
      const res = await fetch(`${api}${p}`, {
        signal: AbortSignal.timeout(60_000),
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const alert = (service: string, dedupKey: string, labels: Record<string, string> = {}) =>
      post('/v1/alerts', {
        service,
        summary: `${service} benchmark alert`,
        severity: 'warning',
        dedupKey,
        labels,
      });

    // --- Worker cold start: an alert waits in the queue before the worker exists.
    log('worker cold start (pre-built bundle)');
    const coldAlert = await alert('bench-cold', 'cold');
    if (coldAlert.status !== 202) throw new Error(`alert refused: ${JSON.stringify(coldAlert.json)}`);
    const spawnedAt = Date.now();
    const { readyMs } = await startWorker();
    await waitFor(
      'the first incident',
      async () => (await models.Incident.countDocuments({ service: 'bench-cold' })) === 1,
      60_000,
    );
    const firstSavedMs = Date.now() - spawnedAt;
    section('Worker cold start', [
      `- process spawn → polling with the pre-built bundle: **${ms(readyMs)}**`,
      `- process spawn → an incident queued before the worker existed triaged and saved: **${ms(firstSavedMs)}** (upper bound: MongoDB polled every 250 ms)`,
    ]);

    // --- Runbook step overhead.
    log(`runbook step overhead: ${RUNBOOK_RUNS} runs of scale-out-queue`);
    await alert('bench-runbook', 'rb');
    await waitFor(
      'the runbook incident',
      async () => (await models.Incident.countDocuments({ service: 'bench-runbook' })) === 1,
      30_000,
    );
    const rbIncident = await models.Incident.findOne({ service: 'bench-runbook' }).lean();
    const stepMs: number[] = [];
    for (let i = 0; i < RUNBOOK_RUNS; i++) {
      const started = await post(`/v1/incidents/${rbIncident?._id}/runbooks`, {
        runbookId: 'scale-out-queue',
        params: {
          scaleUrlEnv: 'SCALE_WEBHOOK_URL',
          queue: `q${i}`,
          settleSeconds: 0,
          backlogCheckUrl: sink.url('/backlog'),
        },
      });
      if (started.status !== 202) throw new Error(`runbook refused: ${JSON.stringify(started.json)}`);
      const runId = String(started.json.runId);
      const result = (await client.workflow.getHandle(runbookWorkflowId(runId)).result()) as {
        steps: { kind: string; startedAt: string; endedAt?: string }[];
      };
      for (const step of result.steps) {
        if ((step.kind === 'action' || step.kind === 'verify') && step.endedAt)
          stepMs.push(Date.parse(step.endedAt) - Date.parse(step.startedAt));
      }
    }
    const steps = summary(stepMs);
    section('Runbook step overhead', [
      `- ${steps.n} activity steps (webhook action, HTTP verification) against a local endpoint that answers at once, measured in workflow time from scheduling to the result being recorded: p50 **${ms(steps.p50)}**, p99 **${ms(steps.p99)}**`,
    ]);

    // --- Memory per open incident and escalation timer accuracy, 1,000 open incidents.
    log(`opening ${OPEN_INCIDENTS} incidents for the timer and memory benchmark`);
    const workerPid = processes.worker?.pid ?? 0;
    await new Promise((r) => setTimeout(r, 3_000));
    const rssBefore = rssBytes(workerPid);
    const openStart = Date.now();
    let opened = 0;
    await closedLoop(
      CONCURRENCY,
      () => opened >= OPEN_INCIDENTS,
      async () => {
        const i = opened++;
        if (i >= OPEN_INCIDENTS) return;
        const res = await alert('bench-timer', `t${i}`);
        if (res.status !== 202) throw new Error(`alert refused: ${JSON.stringify(res.json)}`);
      },
    );
    const openedAllAt = Date.now();
    // Measured once every incident is triaged, notified and saved (or shortly before the timers fire).
    const timerSaved = () => models.Incident.countDocuments({ service: 'bench-timer' });
    await waitFor(
      'timer incidents saved',
      async () => (await timerSaved()) >= OPEN_INCIDENTS,
      Math.max(5_000, openStart + (TIMER_SECONDS - 15) * 1000 - Date.now()),
      2_000,
    ).catch(() => undefined);
    const savedBeforeRss = await timerSaved();
    const savedAfterMs = Date.now() - openedAllAt;
    const rssAfter = rssBytes(workerPid);
    section(`Worker memory at ${OPEN_INCIDENTS} open incidents`, [
      `- worker RSS before: ${(rssBefore / 2 ** 20).toFixed(0)} MiB; with ${OPEN_INCIDENTS} open incidents waiting on their escalation timers: ${(rssAfter / 2 ** 20).toFixed(0)} MiB`,
      `- **${((rssAfter - rssBefore) / OPEN_INCIDENTS / 1024).toFixed(1)} KiB per open incident** (workflow cache, state and the SDK's buffers; RSS, so an upper bound)`,
      `- incidents opened through the API in ${((openedAllAt - openStart) / 1000).toFixed(1)} s; ${savedBeforeRss} of ${OPEN_INCIDENTS} triaged, notified and saved in MongoDB ${(savedAfterMs / 1000).toFixed(1)} s after the last 202, when RSS was read`,
    ]);

    log(`waiting for ${OPEN_INCIDENTS} escalation timers (${TIMER_SECONDS} s each) to fire`);
    // Not fatal when some are late: on the embedded FerretDB the worker's activity slots can be
    // busy with slow MongoDB writes, and how many arrived is itself the result.
    const level2WaitSeconds = TIMER_SECONDS + 300;
    await waitFor(
      'level-2 notifications',
      async () => sink.received.filter((r) => r.path === '/level2').length >= OPEN_INCIDENTS,
      level2WaitSeconds * 1000,
    ).catch(() => undefined);
    const secondLevel = new Map<string, number>();
    for (const r of sink.received.filter((x) => x.path === '/level2')) {
      const id = (r.body as { incident?: { incidentId?: string } }).incident?.incidentId;
      if (id && !secondLevel.has(id)) secondLevel.set(id, r.at);
    }
    const serverLag: number[] = [];
    const endToEndLag: number[] = [];
    // Workflow ids are business keys, so every timer incident is found in Temporal even if MongoDB lags.
    for (let i = 0; i < OPEN_INCIDENTS; i++) {
      const handle = client.workflow.getHandle(incidentWorkflowId('bench-timer', `t${i}`));
      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      const toMs = (t: { seconds?: unknown; nanos?: number | null }) =>
        Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
      // The level-1 wait: the first timer of at most TIMER_SECONDS, started late only by triage (SLA timers are far longer).
      const started = events.find((e) => {
        const timeout = e.timerStartedEventAttributes?.startToFireTimeout;
        if (!timeout) return false;
        const duration = toMs(timeout);
        return duration <= TIMER_SECONDS * 1000 && duration > (TIMER_SECONDS * 1000) / 2;
      });
      if (!started?.eventTime || !started.timerStartedEventAttributes?.startToFireTimeout) continue;
      const timerId = started.timerStartedEventAttributes.timerId;
      const fired = events.find((e) => e.timerFiredEventAttributes?.timerId === timerId);
      const scheduled =
        toMs(started.eventTime) + toMs(started.timerStartedEventAttributes.startToFireTimeout);
      if (fired?.eventTime) serverLag.push(toMs(fired.eventTime) - scheduled);
      const state = await handle.query(incidentQuery).catch(() => undefined);
      const notified = state ? secondLevel.get(state.incidentId) : undefined;
      if (notified) endToEndLag.push(notified - scheduled);
    }
    const server = summary(serverLag);
    const e2e = summary(endToEndLag);
    section(`Escalation timer accuracy, ${OPEN_INCIDENTS} open incidents firing together`, [
      `- timers measured: ${server.n}; timer fired − scheduled (Temporal history): p50 **${ms(server.p50)}**, p99 **${ms(server.p99)}**, max ${ms(server.max)}`,
      `- level-2 notifications received by the channel within ${level2WaitSeconds} s of the timers: ${secondLevel.size} of ${OPEN_INCIDENTS}; received − scheduled (end to end): p50 **${ms(e2e.p50)}**, p99 **${ms(e2e.p99)}**, max ${ms(e2e.max)}`,
    ]);

    // --- Post-mortem generation from 100, 1,000 and 10,000 timeline events.
    const pmActivities = createPostmortemActivities({
      models,
      catalog: { people: [], channels: [], schedules: [], policies: [] },
      postmortemReview: { reminderIntervalSeconds: 86_400, remindersBeforeEscalation: 3 },
      deliver: async () => ({ detail: 'unused' }),
    });
    const template = await models.Incident.findOne({ service: 'bench-runbook' }).lean();
    if (!template) throw new Error('no incident to copy');
    const pmLines: string[] = [];
    for (const size of [100, 1_000, 10_000]) {
      const incidentId = `INC-BENCH-PM-${size}`;
      const openedAt = new Date(Date.now() - size * 1000);
      await models.Incident.collection.insertOne({
        ...template,
        _id: incidentId,
        workflowId: `bench:${incidentId}`,
        status: 'resolved',
        openedAt,
        acknowledgedAt: new Date(openedAt.getTime() + 60_000),
        acknowledgedBy: 'bench',
        resolvedAt: new Date(),
        resolvedBy: 'bench',
        timelineLength: size,
      } as never);
      const kinds = ['alert.received', 'notification.sent', 'note.added', 'runbook.step'];
      const entries = Array.from({ length: size }, (_, seq) => ({
        _id: timelineEntryId(incidentId, seq),
        incidentId,
        seq,
        at: new Date(openedAt.getTime() + seq * 1000),
        type: kinds[seq % kinds.length],
        actor: seq % 4 === 2 ? 'user:bench' : 'fireline',
        message: `benchmark event ${seq}`,
        data: {},
      }));
      for (let i = 0; i < entries.length; i += 1000)
        await models.TimelineEntry.collection.insertMany(entries.slice(i, i + 1000) as never[]);
      const t0 = performance.now();
      const { postmortemId } = await pmActivities.generatePostmortem({ incidentId });
      const generateMs = performance.now() - t0;
      const pm = await models.Postmortem.findById(postmortemId).lean();
      if (!pm) throw new Error(`post-mortem ${postmortemId} was not stored`);
      const t1 = performance.now();
      const markdown = toMarkdown(fromPostmortemDocument(pm));
      const renderMs = performance.now() - t1;
      pmLines.push(
        `| ${size.toLocaleString('en')} | ${ms(generateMs)} | ${ms(renderMs)} | ${(markdown.length / 1024).toFixed(0)} KiB |`,
      );
    }
    section('Post-mortem generation', [
      '| timeline events | read incident + timeline, build, store (activity) | render Markdown | Markdown size |',
      '|---|---|---|---|',
      ...pmLines,
    ]);

    // --- Ingestion: new incidents and duplicates, Fireline vs raw Temporal.
    log('starting the raw-Temporal baseline worker');
    processes.baseline = spawn(process.execPath, [path.join(root, 'dist', 'bench', 'baseline-worker.js')], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await lineFrom(processes.baseline, /ready/);
    const baselineSignal = (workflowId: string) =>
      client.workflow.signalWithStart('baselineWorkflow', {
        workflowId,
        taskQueue: 'bench-baseline',
        signal: 'alert',
        signalArgs: [{ summary: 'benchmark alert' }],
      });

    async function sustained(
      label: string,
      send: (i: number) => Promise<boolean>,
    ): Promise<{ perSecond: number; accepted: number; failed: number; latency: ReturnType<typeof summary> }> {
      log(`${label}: ${SECONDS} s at concurrency ${CONCURRENCY}`);
      const latencies: number[] = [];
      let failed = 0;
      const started = Date.now();
      const end = started + SECONDS * 1000;
      await closedLoop(
        CONCURRENCY,
        () => Date.now() >= end,
        async (i) => {
          const t0 = performance.now();
          const ok = await send(i).catch(() => false);
          if (ok) latencies.push(performance.now() - t0);
          else failed += 1;
        },
      );
      const elapsed = (Date.now() - started) / 1000;
      return {
        perSecond: latencies.length / elapsed,
        accepted: latencies.length,
        failed,
        latency: summary(latencies),
      };
    }

    /** Polls until check() holds or capMs passes; the time it took, or undefined. */
    // Every 2 s: on FerretDB each count reads the whole collection, and the bench must not be the load.
    const catchUp = async (check: () => Promise<boolean>, capMs: number): Promise<number | undefined> =>
      waitFor('catch-up', check, capMs, 2_000).catch(() => undefined);
    const projection = (took: number | undefined, done: number, total: number) =>
      took !== undefined
        ? `all ${total} in MongoDB ${(took / 1000).toFixed(1)} s after the run`
        : `${done} of ${total} in MongoDB ${PROJECTION_CAP_SECONDS} s after the run`;

    const dupKeys = 20;
    for (let k = 0; k < dupKeys; k++) await baselineSignal(`baseline-dup-${k}`);
    const rawDup = await sustained('raw Temporal, signals to open workflows', async (i) => {
      await baselineSignal(`baseline-dup-${i % dupKeys}`);
      return true;
    });

    for (let k = 0; k < dupKeys; k++) await alert('bench-dup', `d${k}`);
    const fireDup = await sustained(
      'Fireline, duplicates',
      async (i) => (await alert('bench-dup', `d${i % dupKeys}`)).status === 202,
    );
    /** Alerts the incident workflows of a service hold (their own state, asked with a query). */
    const alertsInWorkflows = async (service: string, keys: number) => {
      let total = 0;
      for (let k = 0; k < keys; k++) {
        const state = await client.workflow
          .getHandle(incidentWorkflowId(service, `${service === 'bench-dup' ? 'd' : 's'}${k}`))
          .query(incidentQuery);
        total += state?.alertCount ?? 0;
      }
      return total;
    };
    let dupFolded = 0;
    await catchUp(
      async () => (dupFolded = (await alertsInWorkflows('bench-dup', dupKeys)) - dupKeys) >= fireDup.accepted,
      120_000,
    );
    const alertSum = async (service: string) =>
      (await models.Incident.find({ service }, { alertCount: 1 }).lean()).reduce(
        (n, d) => n + d.alertCount,
        0,
      );
    const dupCatchUp = await catchUp(
      async () => (await alertSum('bench-dup')) >= fireDup.accepted + dupKeys,
      PROJECTION_CAP_SECONDS * 1000,
    );
    const dupStored = (await alertSum('bench-dup')) - dupKeys;
    /** STORM_ALERTS alerts from 2 × CONCURRENCY senders, as fast as they are answered. */
    const storm = async (send: (i: number) => Promise<{ status: number }>) => {
      let next = 0;
      let accepted = 0;
      let failed = 0;
      const started = Date.now();
      await closedLoop(
        CONCURRENCY * 2,
        () => next >= STORM_ALERTS,
        async () => {
          const i = next++;
          if (i >= STORM_ALERTS) return;
          const res = await send(i).catch(() => ({ status: 0 }));
          if (res.status === 202) accepted += 1;
          else failed += 1;
        },
      );
      return { accepted, failed, seconds: (Date.now() - started) / 1000 };
    };

    // --- Duplicate storm.
    const stormKeys = 5;
    log(`duplicate storm: ${STORM_ALERTS} alerts for ${stormKeys} keys, concurrency ${CONCURRENCY * 2}`);
    const {
      accepted: stormAccepted,
      failed: stormFailed,
      seconds: stormSeconds,
    } = await storm((i) => alert('bench-storm', `s${i % stormKeys}`));
    let stormFolded = 0;
    const stormCatchUp = await catchUp(
      async () => (stormFolded = await alertsInWorkflows('bench-storm', stormKeys)) >= stormAccepted,
      120_000,
    );
    // Distinct workflow ids: an incident that continued as new is one incident over several runs.
    const stormWorkflowIds = new Set<string>();
    let stormRuns = 0;
    for await (const run of client.workflow.list({
      query: `WorkflowType = 'incidentWorkflow' AND FirelineService = 'bench-storm'`,
    })) {
      stormWorkflowIds.add(run.workflowId);
      stormRuns += 1;
    }
    const stormIncidents = stormWorkflowIds.size;
    section('Duplicate storm', [
      `- ${STORM_ALERTS} alerts for ${stormKeys} keys sent by ${CONCURRENCY * 2} concurrent senders: all answered in ${stormSeconds.toFixed(1)} s (**${(stormAccepted / stormSeconds).toFixed(0)} alerts/s**), ${stormAccepted} accepted, ${stormFailed} failed`,
      `- **${stormIncidents} incidents**${stormRuns > stormIncidents ? ` (${stormRuns} workflow runs: an incident continues as new as its history grows)` : ''}, ${stormFolded} alerts folded into them (loss: ${stormAccepted - stormFolded}), all counted by the workflows ${((stormCatchUp ?? Number.NaN) / 1000).toFixed(1)} s after the last answer`,
    ]);

    // --- Grouped storm: many dedup keys, one grouping rule folding them into a few incidents.
    const groupedKeys = 500;
    const groupedIncidents = 5;
    log(
      `grouped storm: ${STORM_ALERTS} alerts under ${groupedKeys} dedup keys, grouped into ${groupedIncidents} incidents, concurrency ${CONCURRENCY * 2}`,
    );
    const {
      accepted: groupedAccepted,
      failed: groupedFailed,
      seconds: groupedSeconds,
    } = await storm((i) => {
      const key = i % groupedKeys;
      return alert('bench-grouped', `g${key}`, { storm: `s${key % groupedIncidents}` });
    });
    const groupedState = async () => {
      let alerts = 0;
      let listed = 0;
      for (let k = 0; k < groupedIncidents; k++) {
        const state = await client.workflow
          .getHandle(groupedIncidentWorkflowId('bench-storm-label', ['bench-grouped', `s${k}`]))
          .query(incidentQuery);
        alerts += state?.alertCount ?? 0;
        listed += state?.alerts?.length ?? 0;
      }
      return { alerts, listed };
    };
    let grouped = { alerts: 0, listed: 0 };
    const groupedCatchUp = await catchUp(
      async () => (grouped = await groupedState()).alerts >= groupedAccepted,
      120_000,
    );
    const groupedWorkflowIds = new Set<string>();
    for await (const run of client.workflow.list({
      query: `WorkflowType = 'incidentWorkflow' AND FirelineService = 'bench-grouped'`,
    }))
      groupedWorkflowIds.add(run.workflowId);
    section('Grouped storm', [
      `- ${STORM_ALERTS} alerts under ${groupedKeys} dedup keys, one grouping rule (by a label with ${groupedIncidents} values), ${CONCURRENCY * 2} concurrent senders: all answered in ${groupedSeconds.toFixed(1)} s (**${(groupedAccepted / groupedSeconds).toFixed(0)} alerts/s**), ${groupedAccepted} accepted, ${groupedFailed} failed`,
      `- **${groupedWorkflowIds.size} incidents** (target ${groupedIncidents}), ${grouped.alerts} alerts counted by them (loss: ${groupedAccepted - grouped.alerts}), listing ${grouped.listed} distinct alerts (dedup keys: ${groupedKeys}), ${((groupedCatchUp ?? Number.NaN) / 1000).toFixed(1)} s after the last answer`,
    ]);

    const rawNew = await sustained('raw Temporal, new workflows', async (i) => {
      await baselineSignal(`baseline-new-${i}`);
      return true;
    });

    const fireNewStartedAt = Date.now();
    const fireNew = await sustained(
      'Fireline, new incidents',
      async (i) => (await alert('bench-new', `n${i}`)).status === 202,
    );
    const newWorkflows = async () =>
      (await client.workflow.count(`WorkflowType = 'incidentWorkflow' AND FirelineService = 'bench-new'`))
        .count;
    await catchUp(async () => (await newWorkflows()) >= fireNew.accepted, 60_000);
    const newInTemporal = await newWorkflows();
    const newCatchUp = await catchUp(
      async () => (await models.Incident.countDocuments({ service: 'bench-new' })) >= fireNew.accepted,
      PROJECTION_CAP_SECONDS * 1000,
    );
    const newStored = await models.Incident.countDocuments({ service: 'bench-new' });
    const newStoredSeconds = (Date.now() - fireNewStartedAt) / 1000;
    const row = (label: string, fire: typeof fireNew, raw: typeof rawNew) =>
      `| ${label} | ${fire.perSecond.toFixed(1)}/s | ${raw.perSecond.toFixed(1)}/s | ${(fire.perSecond / raw.perSecond).toFixed(2)} | ${ms(fire.latency.p50)} / ${ms(fire.latency.p99)} | ${ms(raw.latency.p50)} / ${ms(raw.latency.p99)} |`;
    section(`Ingestion, sustained ${SECONDS} s at ${CONCURRENCY} requests in flight`, [
      '| | Fireline (HTTP API → Temporal) | raw Temporal (bare signal-with-start) | ratio | Fireline p50 / p99 latency | raw p50 / p99 latency |',
      '|---|---|---|---|---|---|',
      row('new incidents', fireNew, rawNew),
      row('duplicate alerts', fireDup, rawDup),
      '',
      `- Latency is from sending the HTTP request to its 202, which Fireline returns only once Temporal has durably recorded the signal-with-start (the workflow is started).`,
      `- new incidents: ${fireNew.accepted} accepted, ${fireNew.failed} refused or failed; **${newInTemporal} incident workflows** in Temporal (loss: ${fireNew.accepted - newInTemporal}); ${projection(newCatchUp, newStored, fireNew.accepted)}${newCatchUp === undefined ? ' (see the last note)' : ''}.`,
      `- duplicates over ${dupKeys} open incidents: ${fireDup.accepted} accepted, ${fireDup.failed} failed; **${dupFolded} folded into the incident workflows** (loss: ${fireDup.accepted - dupFolded}); ${projection(dupCatchUp, dupStored, fireDup.accepted)}.`,
      ...(newCatchUp === undefined
        ? [
            `- Accepting an incident is one signal-with-start; opening it is the incident workflow's first steps (triage, the level-1 page, SLA and escalation timers, saves to MongoDB), many more workflow tasks and events. With the Temporal dev server, FerretDB, the worker, the API and the load generator sharing this machine's CPUs, ${newStored} incidents were opened end to end in the ${newStoredSeconds.toFixed(0)} s from the start of the run (**${(newStored / newStoredSeconds).toFixed(1)} incidents/s**); the rest wait, durably, in Temporal and are worked off in order.`,
          ]
        : []),
    ]);

    const cpu = os.cpus();
    const header = [
      '# Benchmark results',
      '',
      `Written by \`npm run bench\` on ${new Date().toISOString()}.`,
      '',
      `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}.`,
      `Everything on this one machine: the Temporal CLI dev server (SQLite), the MongoDB-wire server (${stack.started.find((s) => s.includes('mongo') || s.includes('ferret')) ?? stack.mongoUri}), Fireline's worker and API as separate processes, the load generator and the notification sink.`,
      `Settings: BENCH_SECONDS=${SECONDS}, BENCH_CONCURRENCY=${CONCURRENCY}, BENCH_OPEN_INCIDENTS=${OPEN_INCIDENTS}, BENCH_TIMER_SECONDS=${TIMER_SECONDS}, BENCH_STORM_ALERTS=${STORM_ALERTS}, BENCH_RUNBOOK_RUNS=${RUNBOOK_RUNS}.`,
      '',
    ];
    // Formatted as the repository's other Markdown, so `npm run lint` passes on a fresh result.
    const resultsPath = path.join(root, 'bench', 'RESULTS.md');
    const markdown = [...header, ...results].join('\n');
    const options = { ...(await prettier.resolveConfig(resultsPath)), filepath: resultsPath };
    writeFileSync(resultsPath, await prettier.format(markdown, options));
    log('wrote bench/RESULTS.md');
  } finally {
    for (const child of Object.values(processes)) child?.kill('SIGKILL');
    sink.stop();
    await connection.close();
    await mongo.close();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
