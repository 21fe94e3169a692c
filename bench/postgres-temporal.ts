import { execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { type Progress, formatElapsed, heartbeat } from '../stack/progress';
import { freePort, isPortFree } from '../stack/ports';
import { findOnPath, runCommand, spawnServer, type ServerProcess } from '../stack/server-process';
import { searchAttributes } from '../workflows/search-attributes';

/**
 * A Temporal server as a self-hosted cluster runs it, for `BENCH_TEMPORAL=postgresql`:
 * the server (`go.temporal.io/server`, all four services in one process) with
 * PostgreSQL persistence and visibility, on a throw-away PostgreSQL cluster.
 * Builds the server and its SQL tool once into the cache with `go install`,
 * and installs Debian's `postgresql` when it is missing (as root).
 */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
const serverModule = `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`;
/** History shards: a small cluster's setting; the dev server has one. */
const historyShards = 4;

export interface PostgresTemporal {
  address: string;
  description: string;
  stop(): Promise<void>;
}

async function goInstall(cacheDir: string, pkg: string, name: string, progress: Progress): Promise<string> {
  const binDir = path.join(cacheDir, 'bin');
  const target = path.join(binDir, `${name}-${TEMPORAL_SERVER_VERSION}`);
  if (existsSync(target)) return target;
  const go = findOnPath('go');
  if (!go)
    throw new Error(`BENCH_TEMPORAL=postgresql needs Go to build ${pkg}: install Go (https://go.dev/dl/)`);
  const gobin = mkdtempSync(path.join(os.tmpdir(), 'fireline-gobin-'));
  progress(
    `building ${pkg}@v${TEMPORAL_SERVER_VERSION} with ${go}; this happens once and takes several minutes`,
  );
  const started = Date.now();
  const stop = heartbeat(progress, `building ${name}`);
  try {
    await runCommand(go, ['install', `${pkg}@v${TEMPORAL_SERVER_VERSION}`], {
      env: { ...process.env, GOBIN: gobin },
      onLine: (line) => {
        if (line.startsWith('go: downloading')) progress(`  ${line}`);
      },
    });
  } finally {
    stop();
  }
  const [built] = readdirSync(gobin);
  if (!built) throw new Error(`go install ${pkg} produced no binary`);
  mkdirSync(binDir, { recursive: true });
  renameSync(path.join(gobin, built), target);
  rmSync(gobin, { recursive: true, force: true });
  progress(`built ${name} in ${formatElapsed(Date.now() - started)}: ${target}`);
  return target;
}

/** The directory of PostgreSQL's server binaries, installing Debian's package if there is none. */
async function postgresBinDir(progress: Progress): Promise<string> {
  const find = () => {
    const root = '/usr/lib/postgresql';
    if (!existsSync(root)) return undefined;
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    return versions.map((v) => path.join(root, v, 'bin')).find((dir) => existsSync(path.join(dir, 'initdb')));
  };
  const found = find();
  if (found) return found;
  if (process.getuid?.() !== 0)
    throw new Error(
      'BENCH_TEMPORAL=postgresql needs PostgreSQL: run `sudo apt-get install -y postgresql` first',
    );
  progress('installing PostgreSQL (apt-get install postgresql)');
  await runCommand('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    onLine: (line) => {
      if (/^(Setting up|Unpacking) postgresql/.test(line)) progress(`  ${line}`);
    },
  });
  const installed = find();
  if (!installed)
    throw new Error('apt-get installed postgresql, but no initdb was found under /usr/lib/postgresql');
  return installed;
}

function serverConfig(ports: Record<string, number>, pgPort: number, dynamicConfig: string): string {
  const store = (database: string, conns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: 127.0.0.1:${pgPort}
        connectProtocol: tcp
        user: temporal
        password: temporal
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const service = (name: string) => `
  ${name}:
    rpc:
      grpcPort: ${ports[`${name}Grpc`]}
      membershipPort: ${ports[`${name}Membership`]}
      bindOnLocalHost: true`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${historyShards}
  datastores:
    default:${store('temporal', 20)}
    visibility:${store('temporal_visibility', 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:${['frontend', 'history', 'matching', 'worker'].map(service).join('')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${ports.frontendGrpc}
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: ${dynamicConfig}
  pollInterval: 10s
`;
}

/** A free port below 32768: the server keeps membership ports in a PostgreSQL smallint. */
async function freeLowPort(taken: number[]): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.includes(port) && (await isPortFree(port))) return port;
  }
  throw new Error('no free port below 32768 for the Temporal server');
}

export async function startPostgresTemporal(cacheDir: string, progress: Progress): Promise<PostgresTemporal> {
  const server = await goInstall(cacheDir, 'go.temporal.io/server/cmd/server', 'temporal-server', progress);
  const sqlTool = await goInstall(
    cacheDir,
    'go.temporal.io/server/cmd/tools/sql',
    'temporal-sql-tool',
    progress,
  );
  const pgBin = await postgresBinDir(progress);
  const goModCache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const schemaDir = path.join(goModCache, serverModule, 'schema', 'postgresql', 'v12');
  if (!existsSync(schemaDir)) throw new Error(`no PostgreSQL schema for Temporal at ${schemaDir}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'fireline-pg-temporal-'));
  // PostgreSQL refuses to run as root: as root, its files and process belong to the postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), 0);
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? runCommand('runuser', ['-u', 'postgres', '--', path.join(pgBin, tool), ...args], {})
      : runCommand(path.join(pgBin, tool), args, {});
  const pgPort = await freePort();
  const dataDir = path.join(dir, 'data');
  progress(`starting PostgreSQL (${pgBin}) on 127.0.0.1:${pgPort}`);
  await pg('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  await pg('pg_ctl', [
    '-D',
    dataDir,
    '-l',
    path.join(dir, 'postgres.log'),
    '-w',
    '-o',
    `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
    'start',
  ]);
  let temporalServer: ServerProcess | undefined;
  const stop = async () => {
    await temporalServer?.stop();
    await pg('pg_ctl', ['-D', dataDir, '-m', 'fast', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pg('psql', [
      '-h',
      '127.0.0.1',
      '-p',
      String(pgPort),
      '-U',
      'postgres',
      '-c',
      "CREATE ROLE temporal LOGIN SUPERUSER PASSWORD 'temporal'",
    ]);
    progress('creating the Temporal schema in PostgreSQL');
    const tool = [
      '--plugin',
      'postgres12',
      '--ep',
      '127.0.0.1',
      '-p',
      String(pgPort),
      '-u',
      'temporal',
      '--pw',
      'temporal',
    ];
    for (const [database, schema] of [
      ['temporal', 'temporal'],
      ['temporal_visibility', 'visibility'],
    ] as const) {
      await runCommand(sqlTool, [...tool, '--db', database, 'create-database'], {});
      await runCommand(sqlTool, [...tool, '--db', database, 'setup-schema', '-v', '0.0'], {});
      await runCommand(
        sqlTool,
        [...tool, '--db', database, 'update-schema', '-d', path.join(schemaDir, schema, 'versioned')],
        {},
      );
    }

    const ports: Record<string, number> = {};
    for (const name of ['frontend', 'history', 'matching', 'worker'])
      for (const kind of ['Grpc', 'Membership'])
        ports[`${name}${kind}`] = await freeLowPort(Object.values(ports));
    const configDir = path.join(dir, 'config');
    mkdirSync(configDir);
    const dynamicConfig = path.join(configDir, 'dynamic.yaml');
    // The dev server turns these on by itself; a self-hosted cluster sets them in its dynamic config.
    writeFileSync(
      dynamicConfig,
      [
        'frontend.enableUpdateWorkflowExecution:\n  - value: true',
        'frontend.enableUpdateWorkflowExecutionAsyncAccepted:\n  - value: true',
        'system.forceSearchAttributesCacheRefreshOnRead:\n  - value: true',
        // As Fireline's own dev servers (stack/index.ts serverSettings) and docs/deployment.md say.
        'system.enableActivityEagerExecution:\n  - value: true',
        'history.transferProcessorMaxPollRPS:\n  - value: 200',
      ].join('\n') + '\n',
    );
    writeFileSync(path.join(configDir, 'development.yaml'), serverConfig(ports, pgPort, dynamicConfig));
    const address = `127.0.0.1:${ports.frontendGrpc}`;
    progress(`starting Temporal server ${TEMPORAL_SERVER_VERSION} (PostgreSQL persistence) on ${address}`);
    temporalServer = spawnServer(
      'temporal-server',
      server,
      ['--root', dir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'],
      { logFile: path.join(dir, 'temporal-server.log'), cwd: dir },
    );
    await registerNamespace(address, temporalServer);
    return {
      address,
      description: `Temporal server ${TEMPORAL_SERVER_VERSION} (frontend, history, matching and worker services in one process, ${historyShards} history shards) with PostgreSQL ${path.basename(path.dirname(pgBin))} persistence and visibility`,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Registers the `default` namespace and Fireline's search attributes, as the dev server's flags do. */
async function registerNamespace(address: string, server: ServerProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (server.hasExited()) throw new Error(`the Temporal server exited:\n${server.recentOutput()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService
          .registerNamespace({ namespace: 'default', workflowExecutionRetentionPeriod: msToTs('1 day') })
          .catch((err: unknown) => {
            if (!/already exists|AlreadyExists/i.test(String(err))) throw err;
          });
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        const wanted: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
        for (const key of Object.values(searchAttributes))
          wanted[key.name] =
            temporal.api.enums.v1.IndexedValueType[
              `INDEXED_VALUE_TYPE_${key.type}` as keyof typeof temporal.api.enums.v1.IndexedValueType
            ];
        const { customAttributes } = await connection.operatorService.listSearchAttributes({
          namespace: 'default',
        });
        const missing = Object.fromEntries(
          Object.entries(wanted).filter(([name]) => !customAttributes || !(name in customAttributes)),
        );
        if (Object.keys(missing).length === 0) return;
        await connection.operatorService.addSearchAttributes({
          namespace: 'default',
          searchAttributes: missing,
        });
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`the Temporal server did not become ready: ${String(lastError)}`);
}
