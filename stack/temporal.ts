import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeCliTypes, searchAttributes } from '../workflows/search-attributes';
import { heartbeat, formatElapsed, type Progress } from './progress';
import { findOnPath, runCommand, spawnServer, type ServerProcess } from './server-process';

/** The Temporal CLI release Fireline builds; tags from v1.6.0 on carry a `replace` directive that `go install` refuses. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export class MissingPrerequisiteError extends Error {
  override readonly name = 'MissingPrerequisiteError';
}

export type TemporalCliSource = 'TEMPORAL_CLI' | 'PATH' | 'cache' | 'built';

/**
 * Finds a `temporal` CLI: $TEMPORAL_CLI, then PATH, then the cached build,
 * then builds it with `go install` into the cache. Returns undefined when
 * there is no CLI and no Go to build one (the caller may then download one).
 */
export async function findOrBuildTemporalCli(options: {
  cacheDir: string;
  explicitPath?: string;
  progress: Progress;
}): Promise<{ path: string; source: TemporalCliSource } | undefined> {
  if (options.explicitPath) {
    if (!existsSync(options.explicitPath)) {
      throw new MissingPrerequisiteError(
        `TEMPORAL_CLI points at ${options.explicitPath}, which does not exist`,
      );
    }
    return { path: options.explicitPath, source: 'TEMPORAL_CLI' };
  }
  const onPath = findOnPath('temporal');
  if (onPath) return { path: onPath, source: 'PATH' };

  const binDir = path.join(options.cacheDir, 'bin');
  const cached = path.join(binDir, 'temporal');
  if (existsSync(cached)) return { path: cached, source: 'cache' };

  const go = findOnPath('go');
  if (!go) return undefined;

  mkdirSync(binDir, { recursive: true });
  options.progress(
    `building the Temporal CLI (${TEMPORAL_CLI_MODULE}) with ${go}; this happens once and takes a few minutes`,
  );
  const started = Date.now();
  const stopHeartbeat = heartbeat(options.progress, 'building the Temporal CLI');
  try {
    await runCommand(go, ['install', TEMPORAL_CLI_MODULE], {
      env: { ...process.env, GOBIN: binDir },
      onLine: (line) => {
        // `go: downloading module version` lines are the only progress go prints.
        if (line.startsWith('go: downloading')) options.progress(`  ${line}`);
      },
    });
  } finally {
    stopHeartbeat();
  }
  options.progress(`built the Temporal CLI in ${formatElapsed(Date.now() - started)}: ${cached}`);
  return { path: cached, source: 'built' };
}

export interface TemporalServer {
  address: string;
  uiUrl: string;
  namespace: string;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  cacheDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** SQLite file that keeps workflows across restarts. */
  dbFile: string;
  logFile: string;
  cliPath?: string;
  /** Dynamic config overrides (`--dynamic-config-value key=value`), e.g. to make continue-as-new testable. */
  dynamicConfig?: Record<string, string | number | boolean>;
  progress: Progress;
}

function searchAttributeArgs(): string[] {
  return Object.values(searchAttributes).flatMap((key) => [
    '--search-attribute',
    `${key.name}=${searchAttributeCliTypes[key.type]}`,
  ]);
}

/**
 * Starts `temporal server start-dev` with the Web UI, a SQLite database and
 * Fireline's search attributes, and waits until it answers. Falls back to the
 * SDK's downloaded dev server when there is no CLI and no Go.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<TemporalServer> {
  const cli = await findOrBuildTemporalCli({
    cacheDir: options.cacheDir,
    explicitPath: options.cliPath,
    progress: options.progress,
  });
  mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = `http://127.0.0.1:${options.uiPort}`;
  const pragmas = ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'];

  if (!cli) return startDownloadedDevServer(options, address, uiUrl, pragmas);

  options.progress(`starting the Temporal dev server on ${address} (UI ${uiUrl}, data ${options.dbFile})`);
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--db-filename',
    options.dbFile,
    ...pragmas,
    '--log-level',
    'warn',
    ...(options.namespace === 'default' ? [] : ['--namespace', options.namespace]),
    ...searchAttributeArgs(),
    ...Object.entries(options.dynamicConfig ?? {}).flatMap(([key, value]) => [
      '--dynamic-config-value',
      `${key}=${JSON.stringify(value)}`,
    ]),
  ];
  const server = spawnServer('temporal', cli.path, args, { logFile: options.logFile });
  try {
    await waitForTemporal(address, options.namespace, server, options.progress);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { address, uiUrl, namespace: options.namespace, stop: () => server.stop() };
}

async function startDownloadedDevServer(
  options: DevServerOptions,
  address: string,
  uiUrl: string,
  pragmas: string[],
): Promise<TemporalServer> {
  options.progress('no temporal CLI on PATH and no Go to build one: downloading the Temporal dev server');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: '127.0.0.1',
        port: options.port,
        ui: true,
        uiPort: options.uiPort,
        dbFilename: options.dbFile,
        namespace: options.namespace,
        searchAttributes: Object.values(searchAttributes),
        extraArgs: pragmas,
      },
    });
    return { address, uiUrl, namespace: options.namespace, stop: () => env.teardown() };
  } catch (err) {
    throw new MissingPrerequisiteError(
      'Fireline needs a Temporal server and could not get one:\n' +
        '  no `temporal` CLI on PATH or in $TEMPORAL_CLI, no Go to build it, and downloading it failed ' +
        `(${err instanceof Error ? err.message : String(err)}).\n` +
        '  Fix: install Go (https://go.dev/dl/) and run `npm start` again, or install the Temporal CLI, ' +
        'or set TEMPORAL_ADDRESS to an existing Temporal server.',
    );
  }
}

/** Polls until the frontend answers, the namespace exists and the search attributes are registered. */
export async function waitForTemporal(
  address: string,
  namespace: string,
  server: ServerProcess | undefined,
  progress: Progress,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const wanted = Object.values(searchAttributes).map((key) => key.name);
  let lastError: unknown;
  let announced = Date.now();
  while (Date.now() < deadline) {
    if (server?.hasExited()) {
      throw new Error(`the Temporal dev server exited during start-up:\n${server.recentOutput()}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = wanted.filter((name) => !customAttributes || !(name in customAttributes));
        if (missing.length === 0) return;
        lastError = new Error(`search attributes not registered yet: ${missing.join(', ')}`);
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
    }
    if (Date.now() - announced > 10_000) {
      progress('still waiting for the Temporal dev server to answer…');
      announced = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `the Temporal server at ${address} did not become ready in ${timeoutMs / 1000}s: ${String(lastError)}` +
      (server ? `\n${server.recentOutput()}` : ''),
  );
}
