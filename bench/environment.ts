import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'undici';
import { createApiKey } from '../infra/api-keys';
import { benchPerson } from './catalog';
import { LOOPBACK_EGRESS, loadConfig } from '../config';
import { connectMongo } from '../infra/mongo';
import { createModels, ensureIndexes, type Models } from '../infra/models';
import { startLocalStack, type LocalStack } from '../stack';
import { freePort } from '../stack/ports';
import { withNodeMallocEnv } from '../stack/node-env';
import { printProgress } from '../stack/progress';
import { cacheDir, repoRoot } from '../stack/paths';
import { defaultBundlePath } from '../worker/bundle';
import { startPostgresTemporal } from './postgres-temporal';
import { lineFrom, log, waitFor } from './measure';
import { BENCH_ROUTING_KEY, TASK_QUEUE, type BenchSettings } from './settings';
import { Sink } from './sink';
import { PROFILED_NODE_FLAGS } from './profile';

/** The processes the bench spawns, by role; all are killed at the end. */
export interface Processes {
  worker?: ChildProcess;
  api?: ChildProcess;
  api2?: ChildProcess;
  worker2?: ChildProcess;
  baseline?: ChildProcess;
}

/** The worker processes' ids (one beside the dev server, two beside PostgreSQL). */
export function workerPids(processes: Processes): number[] {
  return [processes.worker?.pid, processes.worker2?.pid].filter((pid): pid is number => !!pid);
}

type PostgresTemporal = Awaited<ReturnType<typeof startPostgresTemporal>>;

/** The servers, connections and child processes every scenario works against. */
export interface BenchServers {
  settings: BenchSettings;
  root: string;
  stack: LocalStack;
  pgTemporal: PostgresTemporal | undefined;
  sink: Sink;
  models: Models;
  client: Client;
  processes: Processes;
  /** The environment of every child process: the servers, the task queue and the sink's URLs. */
  childEnv: NodeJS.ProcessEnv;
  /** Node's arguments for a child process running `script` (a file under dist/bench). */
  nodeArgs(script: string): string[];
  /** Spawns a worker process into `slot`; how long it took to poll, as it reports. */
  startWorker(slot?: 'worker' | 'worker2'): Promise<{ readyMs: number }>;
  /** What the worker processes report once polling: the most workflows each keeps cached (the SDK's default, from its heap). */
  workerCache: { maxCachedWorkflows?: number };
  /** Fireline's own processes by role, for the CPU figures; the servers go by their names. */
  processRoles(): Map<number, string>;
  /** Appends a section to the results and logs it. */
  section(title: string, lines: string[]): void;
  /** The sections so far, as Markdown lines. */
  results: string[];
  stop(): Promise<void>;
}

/** The bench with its two API processes up and an admin key to call them with. */
export interface Bench extends BenchServers {
  /** One undici pool per API process: on a 2-core machine the load generator's own CPU is part of the result. */
  pools: Pool[];
  post(p: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  alert(
    service: string,
    dedupKey: string,
    labels?: Record<string, string>,
    pool?: Pool,
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  /** A PagerDuty Events v2 trigger for the `bench-pd` service (its routing key is the only credential). */
  enqueue(dedupKey: string, pool?: Pool): Promise<{ status: number; json: Record<string, unknown> }>;
}

/** Starts a throw-away Temporal server and MongoDB-wire server, the sink, and the connections to them. */
export async function startServers(settings: BenchSettings): Promise<BenchServers> {
  const root = repoRoot();
  const results: string[] = [];
  const onPostgres = settings.temporal === 'postgresql';
  log(
    `starting a throw-away ${onPostgres ? 'Temporal server with PostgreSQL' : 'Temporal dev server'} and MongoDB-wire server`,
  );
  const pgTemporal = onPostgres
    ? await startPostgresTemporal(cacheDir(process.env.FIRELINE_CACHE_DIR), log)
    : undefined;
  const config = loadConfig({ ...process.env, TEMPORAL_ADDRESS: pgTemporal?.address ?? '', MONGODB_URI: '' });
  const stack: LocalStack = await startLocalStack({
    config,
    mode: 'ephemeral',
    // Continue-as-new where a production cluster suggests it, not after the tests' few hundred events.
    runLimits: 'server',
    progress: printProgress,
  }).catch(async (err: unknown) => {
    await pgTemporal?.stop();
    throw err;
  });
  const sink = await new Sink().start();
  const processes: Processes = {};
  const workerCache: { maxCachedWorkflows?: number } = {};
  const mongo = await connectMongo(stack.mongoUri);
  const models: Models = createModels(mongo);
  await ensureIndexes(models);
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const childEnv = {
    // The allocator settings of Fireline's images.
    ...withNodeMallocEnv(process.env),
    TEMPORAL_ADDRESS: stack.temporalAddress,
    MONGODB_URI: stack.mongoUri,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    FIRELINE_WORKFLOW_BUNDLE: defaultBundlePath(),
    BENCH_LEVEL1_URL: sink.url('/level1'),
    BENCH_LEVEL2_URL: sink.url('/level2'),
    SCALE_WEBHOOK_URL: sink.url('/scale'),
    // The sink the runbooks check and call listens on loopback, which the egress policy refuses by default.
    FIRELINE_EGRESS_ALLOW: [process.env.FIRELINE_EGRESS_ALLOW, LOOPBACK_EGRESS].filter(Boolean).join(','),
    FIRELINE_ROUTING_KEYS: `${BENCH_ROUTING_KEY}=bench-pd`,
    RATE_LIMIT_PER_MINUTE: '100000000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000000',
    ROUTING_KEY_RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'warn',
  };
  const nodeArgs = (script: string) => [
    ...(settings.profile ? PROFILED_NODE_FLAGS : []),
    path.join(root, 'dist', 'bench', script),
  ];
  return {
    settings,
    root,
    stack,
    pgTemporal,
    sink,
    models,
    client,
    processes,
    childEnv,
    results,
    workerCache,
    nodeArgs,
    async startWorker(slot = 'worker') {
      const spawnedAt = Date.now();
      const child = spawn(process.execPath, nodeArgs('worker.js'), {
        env: { ...childEnv, BENCH_SPAWNED_AT: String(spawnedAt) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      processes[slot] = child;
      const [, readyMs, cached] = await lineFrom(child, /ready (\d+) cache (\d+)/);
      workerCache.maxCachedWorkflows = Number(cached);
      return { readyMs: Number(readyMs) };
    },
    processRoles() {
      const roles = new Map<number, string>([[process.pid, 'load generator']]);
      for (const [role, child] of Object.entries(processes))
        if (child?.pid) roles.set(child.pid, role.replace(/2$/, '').replace(/^api$/, 'API'));
      return roles;
    },
    section(title, lines) {
      results.push(`## ${title}`, '', ...lines, '');
      log(`${title}: ${lines.join(' | ')}`);
    },
    async stop() {
      for (const child of Object.values(processes)) child?.kill('SIGKILL');
      sink.stop();
      await connection.close();
      await mongo.close();
      await stack.stop();
      await pgTemporal?.stop();
    },
  };
}

/** Two API processes (the second shares one storm with the first), with an admin key for the load generator. */
export async function startApis(servers: BenchServers): Promise<Bench> {
  const { childEnv, processes, models, settings } = servers;
  const startApi = async (): Promise<{ url: string; child: ChildProcess }> => {
    const port = await freePort();
    const child = spawn(process.execPath, servers.nodeArgs('api.js'), {
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
  // Acts as the benchmark catalog's person, to acknowledge and resolve.
  const { token } = await createApiKey(models, 'bench', ['admin'], { person: benchPerson });
  const pools = [firstApi.url, secondApi.url].map(
    (url) => new Pool(url, { connections: settings.concurrency * 4 }),
  );
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
  return {
    ...servers,
    pools,
    post: (p, body) => postTo(pools[0]!, p, body),
    alert: (service, dedupKey, labels = {}, pool = pools[0]!) =>
      postTo(pool, '/v1/alerts', {
        service,
        summary: `${service} benchmark alert`,
        severity: 'warning',
        dedupKey,
        labels,
      }),
    enqueue: (dedupKey, pool = pools[0]!) =>
      postTo(pool, '/v2/enqueue', {
        routing_key: BENCH_ROUTING_KEY,
        event_action: 'trigger',
        dedup_key: dedupKey,
        payload: { summary: 'bench-pd benchmark alert', source: 'bench', severity: 'warning' },
      }),
  };
}
