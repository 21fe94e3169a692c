import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** A server child process started by the local stack. */
export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
  /** The last lines the process printed, for error messages. */
  recentOutput(): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

// Last resort so no server outlives the process that started it, whatever way it exits.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function spawnServer(
  name: string,
  command: string,
  args: string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): ServerProcess {
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);

  let tail = '';
  const capture = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);

  let exitedFlag = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (err) => {
      tail += `\n${String(err)}`;
      exitedFlag = true;
      running.delete(child);
      log.end();
      resolve(-1);
    });
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      running.delete(child);
      log.end();
      resolve(code ?? signal ?? -1);
    });
  });

  return {
    name,
    pid: child.pid ?? -1,
    exited,
    hasExited: () => exitedFlag,
    recentOutput: () => tail.trim(),
    async stop(graceMs = 10_000) {
      if (exitedFlag) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a command to completion, handing each output line to onLine; rejects on a non-zero exit. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    let partial = '';
    const onData = (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail = (tail + line + '\n').slice(-4000);
        options.onLine?.(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (partial) options.onLine?.(partial);
      if (code === 0) resolve();
      else
        reject(
          new Error(`${command} ${args.join(' ')} failed (${code ?? signal}):\n${(tail + partial).trim()}`),
        );
    });
  });
}

/** The absolute path of an executable on PATH, or undefined. */
export function findOnPath(executable: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, executable);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}
