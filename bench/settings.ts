import { MASS_INCIDENTS, MASS_TIMER_SECONDS, TIMER_SECONDS } from './catalog';

/** The benchmark's knobs, read from the environment once (bench/README.md says what each scenario does with them). */
export interface BenchSettings {
  /** BENCH_SECONDS: length of each sustained ingestion run. */
  seconds: number;
  /** BENCH_CONCURRENCY: requests in flight in sustained runs (storms use twice as many senders). */
  concurrency: number;
  /** BENCH_OPEN_INCIDENTS: incidents held open for the memory and timer scenarios. */
  openIncidents: number;
  /** BENCH_STORM_ALERTS: alerts sent in each storm. */
  stormAlerts: number;
  /** BENCH_RUNBOOK_RUNS: runs of scale-out-queue in the runbook step scenario. */
  runbookRuns: number;
  /** BENCH_TIMER_SECONDS: level-1 wait of the timer incidents, read where the worker's catalog reads it. */
  timerSeconds: number;
  /** BENCH_MASS_INCIDENTS: incidents the mass scenario opens on one worker, read where the worker's catalog reads it. */
  massIncidents: number;
  /** BENCH_MASS_TIMER_SECONDS: level-1 wait of the mass scenario's incidents (default from BENCH_MASS_INCIDENTS). */
  massTimerSeconds: number;
  /** BENCH_TEMPORAL: `dev` (the Temporal CLI dev server, SQLite) or `postgresql` (the Temporal server with PostgreSQL, see postgres-temporal.ts). */
  temporal: 'dev' | 'postgresql';
  /** Worker processes: one beside the dev server; two, as a self-hosted cluster would run, beside the PostgreSQL one. */
  workers: number;
  /** BENCH_PROJECTION_CAP_SECONDS: how long to wait for the worker's MongoDB projection to catch up before reporting how far it got. */
  projectionCapSeconds: number;
  /** BENCH_PROFILE=1: where each busy process spends its CPU in the storms, the burst and ingestion (Linux perf; see profile.ts). */
  profile: boolean;
  /** BENCH_ONLY: scenarios to run (cost, burst, runbook, memory, timers, postmortem, ingestion, storms, grouped, mass); all when unset. */
  only?: string[];
}

export const TASK_QUEUE = 'fireline-bench';

/** The PagerDuty Events v2 integration key of the `bench-pd` service (FIRELINE_ROUTING_KEYS of the bench's APIs). */
export const BENCH_ROUTING_KEY = 'bench0routing0key0for0bench0pd00';

export function benchSettings(env: NodeJS.ProcessEnv): BenchSettings {
  const temporal = env.BENCH_TEMPORAL ?? 'dev';
  if (temporal !== 'dev' && temporal !== 'postgresql')
    throw new Error(`BENCH_TEMPORAL must be dev or postgresql, not ${temporal}`);
  return {
    seconds: Number(env.BENCH_SECONDS ?? 60),
    concurrency: Number(env.BENCH_CONCURRENCY ?? 32),
    openIncidents: Number(env.BENCH_OPEN_INCIDENTS ?? 1000),
    stormAlerts: Number(env.BENCH_STORM_ALERTS ?? 5000),
    runbookRuns: Number(env.BENCH_RUNBOOK_RUNS ?? 40),
    timerSeconds: TIMER_SECONDS,
    massIncidents: MASS_INCIDENTS,
    massTimerSeconds: MASS_TIMER_SECONDS,
    temporal,
    workers: temporal === 'postgresql' ? 2 : 1,
    projectionCapSeconds: Number(env.BENCH_PROJECTION_CAP_SECONDS ?? 120),
    profile: env.BENCH_PROFILE === '1',
    ...(env.BENCH_ONLY ? { only: env.BENCH_ONLY.split(',').map((name) => name.trim()) } : {}),
  };
}
