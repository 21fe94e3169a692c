import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as prettier from 'prettier';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'undici';
import { createPostmortemActivities } from '../activities/postmortems';
import { createApiKey } from '../infra/api-keys';
import { groupedIncidentWorkflowId, incidentWorkflowId } from '../workflows/incident/ids';
import { incidentQuery } from '../workflows/incident/messages';
import { LOOPBACK_EGRESS, loadConfig } from '../config';
import { connectMongo } from '../infra/mongo';
import { createModels, ensureIndexes, fromPostmortemDocument, type Models } from '../infra/models';
import { saveTimelineEntries } from '../infra/timeline-store';
import type { TimelineType } from '../domain/incident';
import { toMarkdown } from '../api/postmortems/render';
import { startLocalStack, type LocalStack } from '../stack';
import { freePort } from '../stack/ports';
import { cacheDir, repoRoot } from '../stack/paths';
import { startPostgresTemporal } from './postgres-temporal';
import { defaultBundlePath } from '../worker/bundle';
import { COST_LEVEL1_SECONDS, TIMER_SECONDS } from './catalog';
import { closedLoop, summary } from './stats';
import { runbookWorkflowId } from '../workflows/runbook/ids';
import { postmortemWorkflowId } from '../workflows/postmortem/ids';

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
/** `dev` (the Temporal CLI dev server, SQLite) or `postgresql` (the Temporal server with PostgreSQL, see postgres-temporal.ts). */
const TEMPORAL_KIND = process.env.BENCH_TEMPORAL ?? 'dev';
if (TEMPORAL_KIND !== 'dev' && TEMPORAL_KIND !== 'postgresql')
  throw new Error(`BENCH_TEMPORAL must be dev or postgresql, not ${TEMPORAL_KIND}`);
/** Worker processes: one beside the dev server; two, as a self-hosted cluster would run, beside the PostgreSQL one. */
const WORKERS = TEMPORAL_KIND === 'postgresql' ? 2 : 1;
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
  api2?: ChildProcess;
  worker2?: ChildProcess;
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

/** CPU seconds used so far by every process on the machine: its component (known pids by role, others by name) and time. */
function cpuByProcess(roles: Map<number, string>): Map<number, { component: string; seconds: number }> {
  const ticks = 100; // USER_HZ on Linux
  const byPid = new Map<number, { component: string; seconds: number }>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / ticks;
    // Kernel threads rename themselves after their current work: one component for them all.
    const component =
      roles.get(pid) ??
      (/^(kworker|ksoftirqd|kswapd|kcompactd|kdamond|kthreadd|rcu_|migration)/.test(name)
        ? 'kernel'
        : name.replace(/-[\d.]+$/, ''));
    byPid.set(pid, { component, seconds });
  }
  return byPid;
}

/** Each component's share of the machine's CPUs between two snapshots, busiest first. */
function cpuShares(
  before: Map<number, { seconds: number }>,
  after: Map<number, { component: string; seconds: number }>,
  seconds: number,
): string {
  const used = new Map<string, number>();
  for (const [pid, { component, seconds: total }] of after)
    used.set(component, (used.get(component) ?? 0) + total - (before.get(pid)?.seconds ?? 0));
  return [...used]
    .map(([component, cpu]) => [component, cpu / seconds] as const)
    .filter(([, share]) => share >= 0.02)
    .sort((a, b) => b[1] - a[1])
    .map(([component, share]) => `${component} ${(share * 100).toFixed(0)}%`)
    .join(', ')
    .concat(` (of ${os.cpus().length * 100}%)`);
}

/** What runs of a workflow cost the Temporal server: history events and workflow tasks, by kind. */
interface HistoryCost {
  runs: number;
  events: number;
  workflowTasks: number;
  signals: number;
  activities: Map<string, number>;
  timers: number;
  markers: number;
  upserts: number;
}

async function historyCost(client: Client, workflowIds: string[]): Promise<HistoryCost> {
  const cost: HistoryCost = {
    runs: 0,
    events: 0,
    workflowTasks: 0,
    signals: 0,
    activities: new Map(),
    timers: 0,
    markers: 0,
    upserts: 0,
  };
  for (const workflowId of workflowIds) {
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      cost.runs += 1;
      const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      for (const e of history.events ?? []) {
        cost.events += 1;
        if (e.workflowTaskCompletedEventAttributes) cost.workflowTasks += 1;
        if (e.workflowExecutionSignaledEventAttributes) cost.signals += 1;
        if (e.timerStartedEventAttributes) cost.timers += 1;
        if (e.markerRecordedEventAttributes) cost.markers += 1;
        if (e.upsertWorkflowSearchAttributesEventAttributes || e.workflowPropertiesModifiedEventAttributes)
          cost.upserts += 1;
        const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
        if (type) cost.activities.set(type, (cost.activities.get(type) ?? 0) + 1);
      }
    }
  }
  return cost;
}

const activityList = (cost: HistoryCost) =>
  [...cost.activities].map(([type, n]) => `${n} ${type}`).join(', ') || 'none';

async function main(): Promise<void> {
  const root = repoRoot();
  const results: string[] = [];
  const section = (title: string, lines: string[]) => {
    results.push(`## ${title}`, '', ...lines, '');
    log(`${title}: ${lines.join(' | ')}`);
  };

  const onPostgres = TEMPORAL_KIND === 'postgresql';
  log(
    `starting a throw-away ${onPostgres ? 'Temporal server with PostgreSQL' : 'Temporal dev server'} and MongoDB-wire server`,
  );
  const pgTemporal = onPostgres
    ? await startPostgresTemporal(cacheDir(process.env.FIRELINE_CACHE_DIR), log)
    : undefined;
  const config = loadConfig({ ...process.env, TEMPORAL_ADDRESS: pgTemporal?.address ?? '', MONGODB_URI: '' });
  const stack: LocalStack = await startLocalStack({ config, mode: 'ephemeral' }).catch(
    async (err: unknown) => {
      await pgTemporal?.stop();
      throw err;
    },
  );
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
  const startWorker = async (slot: 'worker' | 'worker2' = 'worker'): Promise<{ readyMs: number }> => {
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, [path.join(root, 'dist', 'bench', 'worker.js')], {
      env: { ...childEnv, BENCH_SPAWNED_AT: String(spawnedAt) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    processes[slot] = child;
    const [, readyMs] = await lineFrom(child, /ready (\d+)/);
    return { readyMs: Number(readyMs) };
  };

  /** Fireline's own processes by role, for the CPU figures; the servers go by their names. */
  const processRoles = () => {
    const roles = new Map<number, string>([[process.pid, 'load generator']]);
    for (const [role, child] of Object.entries(processes))
      if (child?.pid) roles.set(child.pid, role.replace(/2$/, '').replace(/^api$/, 'API'));
    return roles;
  };

  try {
    // Two API processes (the second shares one storm with the first), with an admin key for the load generator.
    const startApi = async (): Promise<{ url: string; child: ChildProcess }> => {
      const port = await freePort();
      const child = spawn(process.execPath, [path.join(root, 'dist', 'bench', 'api.js')], {
        env: { ...childEnv, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const url = `http://127.0.0.1:${port}`;
      await waitFor(
        'the API',
        async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.ok === true,
        60_000,
      );
      return { url, child };
    };
    const firstApi = await startApi();
    processes.api = firstApi.child;
    const secondApi = await startApi();
    processes.api2 = secondApi.child;
    const { token } = await createApiKey(models, 'bench', ['admin']);
    // undici's pool, not fetch: on a 2-core machine the load generator's own CPU is part of the result.
    const pools = [firstApi.url, secondApi.url].map((url) => new Pool(url, { connections: CONCURRENCY * 4 }));
    const postTo = async (
      pool: Pool,
      p: string,
      body: unknown,
    ): Promise<{ status: number; json: Record<string, unknown> }> => {
      const res = await pool.request({
        path: p,
        method: 'POST',
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
    };
    const post = (p: string, body: unknown) => postTo(pools[0]!, p, body);
    const alert = (
      service: string,
      dedupKey: string,
      labels: Record<string, string> = {},
      pool = pools[0]!,
    ) =>
      postTo(pool, '/v1/alerts', {
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
    // A self-hosted cluster runs more than one worker: the second shares every task queue from here on.
    if (WORKERS > 1) await startWorker('worker2');
    section('Worker cold start', [
      `- process spawn → polling with the pre-built bundle: **${ms(readyMs)}**`,
      `- process spawn → an incident queued before the worker existed triaged and saved: **${ms(firstSavedMs)}** (upper bound: MongoDB polled every 250 ms)`,
    ]);

    // --- What one incident costs the Temporal server, for the standard scenario.
    log('one incident, open → level 2 → acknowledge → resolve: counting its history');
    await alert('bench-cost', 'cost');
    const costWorkflowId = incidentWorkflowId('bench-cost', 'cost');
    const costIncident = await waitFor(
      'the level-2 page of the cost incident',
      async () =>
        sink.received.some(
          (r) =>
            r.path === '/level2' &&
            (r.body as { incident?: { service?: string } }).incident?.service === 'bench-cost',
        ),
      60_000,
    ).then(() => client.workflow.getHandle(costWorkflowId).query(incidentQuery));
    if (!costIncident) throw new Error('the cost incident is not open');
    for (const action of ['acknowledge', 'resolve']) {
      const res = await post(`/v1/incidents/${costIncident.incidentId}/${action}`, { actor: 'bench' });
      if (res.status !== 200) throw new Error(`${action} refused: ${JSON.stringify(res.json)}`);
    }
    await client.workflow.getHandle(costWorkflowId).result();
    const cost = await historyCost(client, [costWorkflowId]);
    const pmCost = await historyCost(client, [postmortemWorkflowId(costIncident.incidentId)]);
    section('What one incident costs Temporal', [
      `- open (triage, level-1 page) → level-2 page ${COST_LEVEL1_SECONDS} s later → acknowledge → resolve → post-mortem started: **${cost.events} history events, ${cost.workflowTasks} workflow tasks** in the incident workflow`,
      `- of which: activities ${activityList(cost)} (3 events each); ${cost.markers} local activities (triage, planning: 1 marker each); ${cost.timers} timers; ${cost.upserts} search-attribute and memo upserts; ${cost.signals} signal`,
      `- the post-mortem workflow it starts: ${pmCost.events} events, ${pmCost.workflowTasks} workflow tasks, while the draft waits for review`,
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
    const workerPids = [processes.worker?.pid, processes.worker2?.pid].filter((pid): pid is number => !!pid);
    const workersRss = () => workerPids.reduce((sum, pid) => sum + rssBytes(pid), 0);
    await new Promise((r) => setTimeout(r, 3_000));
    const rssBefore = workersRss();
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
    const rssAfter = workersRss();
    section(`Worker memory at ${OPEN_INCIDENTS} open incidents`, [
      `- worker RSS${workerPids.length > 1 ? ` (${workerPids.length} processes, summed)` : ''} before: ${(rssBefore / 2 ** 20).toFixed(0)} MiB; with ${OPEN_INCIDENTS} open incidents waiting on their escalation timers: ${(rssAfter / 2 ** 20).toFixed(0)} MiB`,
      `- **${((rssAfter - rssBefore) / OPEN_INCIDENTS / 1024).toFixed(1)} KiB per open incident** (workflow cache, state and the SDK's buffers; RSS, so an upper bound)`,
      `- incidents opened through the API in ${((openedAllAt - openStart) / 1000).toFixed(1)} s; ${savedBeforeRss} of ${OPEN_INCIDENTS} triaged, notified and saved in MongoDB ${(savedAfterMs / 1000).toFixed(1)} s after the last 202, when RSS was read`,
    ]);

    log(`waiting for ${OPEN_INCIDENTS} escalation timers (${TIMER_SECONDS} s each) to fire`);
    // Not fatal when some are late: on the embedded FerretDB the worker's activity slots can be
    // busy with slow MongoDB writes, and how many arrived is itself the result.
    const level2WaitSeconds = TIMER_SECONDS + 300;
    const timerPages = () =>
      sink.received.filter(
        (r) =>
          r.path === '/level2' &&
          (r.body as { incident?: { service?: string } }).incident?.service === 'bench-timer',
      );
    await waitFor(
      'level-2 notifications',
      async () => timerPages().length >= OPEN_INCIDENTS,
      level2WaitSeconds * 1000,
    ).catch(() => undefined);
    const secondLevel = new Map<string, number>();
    for (const r of timerPages()) {
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
      // Real entry kinds, interleaved so that none folds: a post-mortem line per entry.
      const kinds: TimelineType[] = ['alert', 'notification.sent', 'note', 'runbook.step'];
      const entries = Array.from({ length: size }, (_, i) => ({
        seq: i + 1,
        at: new Date(openedAt.getTime() + i * 1000).toISOString(),
        type: kinds[i % kinds.length]!,
        actor: i % 4 === 2 ? 'user:bench' : 'fireline',
        message: `benchmark event ${i + 1}`,
        data: {},
      }));
      for (let i = 0; i < entries.length; i += 1000)
        await saveTimelineEntries(models.TimelinePage, incidentId, entries.slice(i, i + 1000));
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
      const latencies: number[] = [];
      const cpuBefore = cpuByProcess(processRoles());
      const started = Date.now();
      await closedLoop(
        CONCURRENCY * 2,
        () => next >= STORM_ALERTS,
        async () => {
          const i = next++;
          if (i >= STORM_ALERTS) return;
          const t0 = performance.now();
          const res = await send(i).catch(() => ({ status: 0 }));
          if (res.status === 202) {
            accepted += 1;
            latencies.push(performance.now() - t0);
          } else failed += 1;
        },
      );
      const seconds = (Date.now() - started) / 1000;
      const cpu = cpuShares(cpuBefore, cpuByProcess(processRoles()), seconds);
      return { accepted, failed, seconds, latency: summary(latencies), cpu };
    };
    /** Distinct workflow ids of a service: an incident that continued as new is one incident over several runs. */
    const incidentWorkflowsOf = async (service: string) => {
      const ids = new Set<string>();
      let runs = 0;
      for await (const run of client.workflow.list({
        query: `WorkflowType = 'incidentWorkflow' AND FirelineService = '${service}'`,
      })) {
        ids.add(run.workflowId);
        runs += 1;
      }
      return { ids: [...ids], runs };
    };
    const groupCommit = (cost: HistoryCost, alerts: number) =>
      `- group commit: ${cost.signals} signals carried them (**${(alerts / cost.signals).toFixed(1)} alerts per signal**); ${cost.workflowTasks} workflow tasks and ${cost.events} history events in all (${(cost.events / alerts).toFixed(2)} per alert), ${activityList(cost)}`;

    // --- Duplicate storm, through one API process and then shared by two.
    const stormKeys = 5;
    const duplicateStorm = async (service: string, apiPools: Pool[]) => {
      log(
        `duplicate storm (${service}): ${STORM_ALERTS} alerts for ${stormKeys} keys, concurrency ${CONCURRENCY * 2}, ${apiPools.length} API process(es)`,
      );
      const result = await storm((i) =>
        alert(service, `s${i % stormKeys}`, {}, apiPools[i % apiPools.length]),
      );
      let folded = 0;
      const caughtUp = await catchUp(
        async () => (folded = await alertsInWorkflows(service, stormKeys)) >= result.accepted,
        120_000,
      );
      const { ids, runs } = await incidentWorkflowsOf(service);
      const cost = await historyCost(client, ids);
      return [
        `- ${STORM_ALERTS} alerts for ${stormKeys} keys sent by ${CONCURRENCY * 2} concurrent senders${apiPools.length > 1 ? `, alternating between ${apiPools.length} API processes` : ''}: all answered in ${result.seconds.toFixed(1)} s (**${(result.accepted / result.seconds).toFixed(0)} alerts/s**), ${result.accepted} accepted, ${result.failed} failed; request → 202 p50 ${ms(result.latency.p50)}, **p99 ${ms(result.latency.p99)}**`,
        `- **${ids.length} incidents**${runs > ids.length ? ` (${runs} workflow runs: an incident continues as new as its history grows)` : ''}, ${folded} alerts folded into them (loss: ${result.accepted - folded}), all counted by the workflows ${((caughtUp ?? Number.NaN) / 1000).toFixed(1)} s after the last answer`,
        groupCommit(cost, result.accepted),
        `- CPU while it ran: ${result.cpu}`,
      ];
    };
    section('Duplicate storm', await duplicateStorm('bench-storm', pools.slice(0, 1)));
    section('Duplicate storm, two API processes', await duplicateStorm('bench-storm-2', pools));

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
      latency: groupedLatency,
      cpu: groupedCpu,
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
    const { ids: groupedWorkflowIds } = await incidentWorkflowsOf('bench-grouped');
    const groupedCost = await historyCost(client, groupedWorkflowIds);
    section('Grouped storm', [
      `- ${STORM_ALERTS} alerts under ${groupedKeys} dedup keys, one grouping rule (by a label with ${groupedIncidents} values), ${CONCURRENCY * 2} concurrent senders: all answered in ${groupedSeconds.toFixed(1)} s (**${(groupedAccepted / groupedSeconds).toFixed(0)} alerts/s**), ${groupedAccepted} accepted, ${groupedFailed} failed; request → 202 p50 ${ms(groupedLatency.p50)}, p99 ${ms(groupedLatency.p99)}`,
      `- **${groupedWorkflowIds.length} incidents** (target ${groupedIncidents}), ${grouped.alerts} alerts counted by them (loss: ${groupedAccepted - grouped.alerts}), listing ${grouped.listed} distinct alerts (dedup keys: ${groupedKeys}), ${((groupedCatchUp ?? Number.NaN) / 1000).toFixed(1)} s after the last answer`,
      groupCommit(groupedCost, groupedAccepted),
      `- CPU while it ran: ${groupedCpu}`,
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
            `- Accepting an incident is one signal-with-start; opening it is the incident workflow's first steps (triage, the level-1 page, SLA and escalation timers, saves to MongoDB), many more workflow tasks and events. With ${onPostgres ? 'the Temporal server and PostgreSQL' : 'the Temporal dev server'}, FerretDB, the workers, the APIs and the load generator sharing this machine's CPUs, ${newStored} incidents were opened end to end in the ${newStoredSeconds.toFixed(0)} s from the start of the run (**${(newStored / newStoredSeconds).toFixed(1)} incidents/s**); the rest wait, durably, in Temporal and are worked off in order.`,
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
      `Everything on this one machine: ${pgTemporal ? pgTemporal.description : 'the Temporal CLI dev server (SQLite)'}, the MongoDB-wire server (${stack.started.find((s) => s.includes('mongo') || s.includes('ferret')) ?? stack.mongoUri}), Fireline's ${WORKERS} worker process(es) and 2 API processes, the load generator and the notification sink.`,
      `Settings: BENCH_SECONDS=${SECONDS}, BENCH_CONCURRENCY=${CONCURRENCY}, BENCH_OPEN_INCIDENTS=${OPEN_INCIDENTS}, BENCH_TIMER_SECONDS=${TIMER_SECONDS}, BENCH_STORM_ALERTS=${STORM_ALERTS}, BENCH_RUNBOOK_RUNS=${RUNBOOK_RUNS}.`,
      '',
    ];
    // Formatted as the repository's other Markdown, so `npm run lint` passes on a fresh result.
    const resultsPath = path.join(root, 'bench', onPostgres ? 'RESULTS-postgresql.md' : 'RESULTS.md');
    const markdown = [...header, ...results].join('\n');
    const options = { ...(await prettier.resolveConfig(resultsPath)), filepath: resultsPath };
    writeFileSync(resultsPath, await prettier.format(markdown, options));
    log(`wrote ${path.relative(root, resultsPath)}`);
  } finally {
    for (const child of Object.values(processes)) child?.kill('SIGKILL');
    sink.stop();
    await connection.close();
    await mongo.close();
    await stack.stop();
    await pgTemporal?.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
