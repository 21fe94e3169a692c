import { incidentWorkflowId } from '../workflows/incident/ids';
import { incidentQuery } from '../workflows/incident/messages';
import type { Bench } from './environment';
import { log } from './measure';
import { cpuWindow } from './profile';
import { closedLoop, summary } from './stats';

/** A sustained run's figures: accepted requests per second and their latency. */
export interface SustainedRun {
  perSecond: number;
  accepted: number;
  failed: number;
  latency: ReturnType<typeof summary>;
  /** Each component's share of the CPUs while it ran. */
  cpu: string;
  /** With BENCH_PROFILE=1, where the busy components spent it. */
  profile: string[];
}

/** Sends from BENCH_CONCURRENCY loops for BENCH_SECONDS; `send` says whether a request was accepted. */
export async function sustained(
  bench: Bench,
  label: string,
  send: (i: number) => Promise<boolean>,
): Promise<SustainedRun> {
  const { seconds, concurrency } = bench.settings;
  log(`${label}: ${seconds} s at concurrency ${concurrency}`);
  const latencies: number[] = [];
  let failed = 0;
  const window = cpuWindow(() => bench.processRoles(), bench.settings.profile);
  const started = Date.now();
  const end = started + seconds * 1000;
  await closedLoop(
    concurrency,
    () => Date.now() >= end,
    async (i) => {
      const t0 = performance.now();
      const ok = await send(i).catch(() => false);
      if (ok) latencies.push(performance.now() - t0);
      else failed += 1;
    },
  );
  const elapsed = (Date.now() - started) / 1000;
  const { cpu, profile } = await window.end();
  return {
    perSecond: latencies.length / elapsed,
    accepted: latencies.length,
    failed,
    latency: summary(latencies),
    cpu,
    profile,
  };
}

/** BENCH_STORM_ALERTS alerts from 2 × BENCH_CONCURRENCY senders, as fast as they are answered. */
export async function storm(
  bench: Bench,
  send: (i: number) => Promise<{ status: number }>,
  senders = bench.settings.concurrency * 2,
) {
  const { stormAlerts } = bench.settings;
  let next = 0;
  let accepted = 0;
  let failed = 0;
  const latencies: number[] = [];
  const window = cpuWindow(() => bench.processRoles(), bench.settings.profile);
  const started = Date.now();
  await closedLoop(
    senders,
    () => next >= stormAlerts,
    async () => {
      const i = next++;
      if (i >= stormAlerts) return;
      const t0 = performance.now();
      const res = await send(i).catch(() => ({ status: 0 }));
      if (res.status === 202) {
        accepted += 1;
        latencies.push(performance.now() - t0);
      } else failed += 1;
    },
  );
  const seconds = (Date.now() - started) / 1000;
  const { cpu, profile } = await window.end();
  return { accepted, failed, seconds, latency: summary(latencies), cpu, profile };
}

/**
 * Alerts the incident workflows of a service hold (their own state, asked with
 * a query), for dedup keys `d0`… (`bench-dup`) or `s0`… (the storms).
 */
export async function alertsInWorkflows(bench: Bench, service: string, keys: number): Promise<number> {
  let total = 0;
  for (let k = 0; k < keys; k++) {
    const state = await bench.client.workflow
      .getHandle(incidentWorkflowId(service, `${service === 'bench-dup' ? 'd' : 's'}${k}`))
      .query(incidentQuery);
    total += state?.alertCount ?? 0;
  }
  return total;
}

/** Distinct workflow ids of a service: an incident that continued as new is one incident over several runs. */
export async function incidentWorkflowsOf(
  bench: Bench,
  service: string,
): Promise<{ ids: string[]; runs: number }> {
  const ids = new Set<string>();
  let runs = 0;
  for await (const run of bench.client.workflow.list({
    query: `WorkflowType = 'incidentWorkflow' AND FirelineService = '${service}'`,
  })) {
    ids.add(run.workflowId);
    runs += 1;
  }
  return { ids: [...ids], runs };
}
