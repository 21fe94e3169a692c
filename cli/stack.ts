import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir, repoRoot } from '../stack/paths';
import { CliError, ExitCode } from './api-client';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function files(cacheDirSetting: string | undefined) {
  const dir = cacheDir(cacheDirSetting);
  return {
    dir,
    pid: path.join(dir, 'fireline-stack.pid'),
    log: path.join(dir, 'logs', 'fireline-stack.log'),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `fireline stack up`: what `npm start` runs (Temporal dev server, MongoDB-wire
 * server, worker and API). In the foreground by default; with --detach in the
 * background, logging to the cache folder, until `fireline stack down`.
 */
export async function stackUp(options: { detach: boolean; cacheDir?: string; info: (t: string) => void }) {
  const f = files(options.cacheDir);
  const running = existsSync(f.pid) ? Number(readFileSync(f.pid, 'utf8')) : undefined;
  if (running && alive(running))
    throw new CliError(
      `the local stack already runs (pid ${running}); fireline stack down stops it`,
      ExitCode.conflict,
    );
  if (!options.detach) {
    const child = spawn(npm, ['start', '--silent'], { cwd: repoRoot(), stdio: 'inherit' });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
    const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
    return code;
  }
  mkdirSync(path.dirname(f.log), { recursive: true });
  const log = openSync(f.log, 'w');
  const child = spawn(npm, ['start', '--silent'], {
    cwd: repoRoot(),
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  writeFileSync(f.pid, String(child.pid));
  child.unref();
  options.info(`starting the local stack in the background (pid ${child.pid}, log ${f.log})`);
  const started = Date.now();
  let lastLine = '';
  // Building the Temporal CLI the first time takes minutes; show the log's progress lines meanwhile.
  for (;;) {
    const text = existsSync(f.log) ? readFileSync(f.log, 'utf8') : '';
    const lines = text.split('\n').filter(Boolean);
    const last = lines.at(-1) ?? '';
    if (last !== lastLine) {
      lastLine = last;
      options.info(`  ${last}`);
    }
    if (text.includes('Press Ctrl-C to stop everything.')) {
      const summary = text.slice(text.indexOf('Fireline is running'));
      process.stdout.write(
        summary.replace('Press Ctrl-C to stop everything.', 'Stop it with: fireline stack down'),
      );
      return ExitCode.ok;
    }
    if (child.pid && !alive(child.pid)) {
      rmSync(f.pid, { force: true });
      throw new CliError(`the local stack stopped while starting; see ${f.log}`, ExitCode.failure);
    }
    if (Date.now() - started > 30 * 60_000)
      throw new CliError(`still not up after 30 minutes; see ${f.log}`, ExitCode.failure);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** `fireline stack down`: stops a stack started with `stack up --detach` (its whole process group). */
export async function stackDown(options: { cacheDir?: string; info: (t: string) => void }) {
  const f = files(options.cacheDir);
  const pid = existsSync(f.pid) ? Number(readFileSync(f.pid, 'utf8')) : undefined;
  if (!pid || !alive(pid)) {
    rmSync(f.pid, { force: true });
    options.info('the local stack is not running');
    return ExitCode.ok;
  }
  options.info(`stopping the local stack (pid ${pid})…`);
  process.kill(-pid, 'SIGINT');
  const started = Date.now();
  while (alive(pid)) {
    if (Date.now() - started > 60_000) {
      options.info('still running after 60 s: sending SIGKILL');
      process.kill(-pid, 'SIGKILL');
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  rmSync(f.pid, { force: true });
  options.info('stopped');
  return ExitCode.ok;
}
