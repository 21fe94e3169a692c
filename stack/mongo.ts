import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { repoRoot } from './paths';
import { formatElapsed, heartbeat, type Progress } from './progress';
import { findOnPath, runCommand, spawnServer, type ServerProcess } from './server-process';
import { MissingPrerequisiteError } from './temporal';

export interface MongoServer {
  uri: string;
  kind: 'mongod' | 'ferretdb';
  stop(): Promise<void>;
  /** SIGSTOP: the process stays alive and its sockets open, but it answers nothing (a hung server). */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
}

export interface MongoServerOptions {
  cacheDir: string;
  port: number;
  /** Directory for the server's data files. */
  dataDir: string;
  logFile: string;
  progress: Progress;
}

/** Source of the embedded FerretDB program; its hash decides whether the cached binary is current. */
function ferretdbSourceHash(sourceDir: string): string {
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(path.join(sourceDir, file)));
  return hash.digest('hex');
}

/** Builds stack/ferretdb (FerretDB v1.24.2 as a library, SQLite backend) once, into the cache. */
export async function findOrBuildFerretdb(options: {
  cacheDir: string;
  progress: Progress;
}): Promise<string> {
  const sourceDir = path.join(repoRoot(), 'stack', 'ferretdb');
  const binary = path.join(options.cacheDir, 'bin', 'ferretdb');
  const stampFile = `${binary}.source-sha256`;
  const wanted = ferretdbSourceHash(sourceDir);
  if (existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === wanted)
    return binary;

  const go = findOnPath('go');
  if (!go) {
    throw new MissingPrerequisiteError(
      'Fireline needs a MongoDB server and could not start one:\n' +
        '  MONGODB_URI is not set, there is no `mongod` on PATH, and there is no Go to build the embedded FerretDB server.\n' +
        '  Fix: set MONGODB_URI to an existing MongoDB (>= 6), install MongoDB, or install Go (https://go.dev/dl/).',
    );
  }
  mkdirSync(path.dirname(binary), { recursive: true });
  options.progress('building the embedded MongoDB-wire server (FerretDB v1.24.2, SQLite); this happens once');
  const started = Date.now();
  const stopHeartbeat = heartbeat(options.progress, 'building FerretDB');
  try {
    await runCommand(go, ['build', '-o', binary, '.'], {
      cwd: sourceDir,
      onLine: (line) => {
        if (line.startsWith('go: downloading')) options.progress(`  ${line}`);
      },
    });
  } finally {
    stopHeartbeat();
  }
  writeFileSync(stampFile, `${wanted}\n`);
  options.progress(`built FerretDB in ${formatElapsed(Date.now() - started)}: ${binary}`);
  return binary;
}

/** Starts `mongod` from PATH if there is one, otherwise the embedded FerretDB; waits until it answers a ping. */
export async function startMongoServer(options: MongoServerOptions): Promise<MongoServer> {
  mkdirSync(options.dataDir, { recursive: true });
  const uriBase = `mongodb://127.0.0.1:${options.port}`;
  const mongod = findOnPath('mongod');
  let server: ServerProcess;
  let kind: MongoServer['kind'];
  if (mongod) {
    kind = 'mongod';
    options.progress(`starting mongod on 127.0.0.1:${options.port} (data ${options.dataDir})`);
    server = spawnServer(
      'mongod',
      mongod,
      ['--dbpath', options.dataDir, '--port', String(options.port), '--bind_ip', '127.0.0.1'],
      { logFile: options.logFile },
    );
  } else {
    kind = 'ferretdb';
    const binary = await findOrBuildFerretdb(options);
    options.progress(
      `starting FerretDB (MongoDB wire protocol) on 127.0.0.1:${options.port} (data ${options.dataDir})`,
    );
    server = spawnServer(
      'ferretdb',
      binary,
      ['-listen', `127.0.0.1:${options.port}`, '-data-dir', options.dataDir],
      { logFile: options.logFile },
    );
  }
  try {
    await waitForMongo(`${uriBase}/admin`, server);
  } catch (err) {
    await server.stop();
    throw err;
  }
  let paused = false;
  const resume = () => {
    if (!paused || server.hasExited()) return;
    process.kill(server.pid, 'SIGCONT');
    paused = false;
  };
  return {
    uri: `${uriBase}/fireline`,
    kind,
    // A stopped process would not act on SIGTERM until continued.
    stop: () => (resume(), server.stop()),
    pause: () => {
      if (paused || server.hasExited()) return;
      process.kill(server.pid, 'SIGSTOP');
      paused = true;
    },
    resume,
  };
}

async function waitForMongo(uri: string, server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (server.hasExited())
      throw new Error(`${server.name} exited during start-up:\n${server.recentOutput()}`);
    const connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 1_000 });
    try {
      await connection.asPromise();
      await connection.db?.admin().command({ ping: 1 });
      return;
    } catch (err) {
      lastError = err;
    } finally {
      await connection.close().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `${server.name} did not answer in ${timeoutMs / 1000}s: ${String(lastError)}\n${server.recentOutput()}`,
  );
}
