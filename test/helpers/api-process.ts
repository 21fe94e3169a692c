import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../stack/paths';
import { eventually } from './http-receiver';
import type { TestEnv } from './test-env';

const printedBy = new WeakMap<ChildProcess, () => string>();

/** The last of what an API process printed on stderr. */
export function stderrOf(child: ChildProcess | undefined): string {
  return (child && printedBy.get(child)?.()) ?? '';
}

/**
 * Fireline's API as its own process (the code the global setup compiled), on
 * this env's servers, listening on `port`; resolves once it answers /healthz.
 */
export async function spawnApiProcess(env: TestEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'api', 'main.js')], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.config.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: env.taskQueue,
      MONGODB_URI: env.config.MONGODB_URI,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // Tests send bursts; the rate limit has a test of its own.
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // What it printed on stderr (a crash's stack), for a test's failure message.
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  printedBy.set(child, () => stderr);
  const exited = new Promise<never>((_resolve, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`the API process exited (${code ?? signal})`))),
  );
  exited.catch(() => undefined);
  await Promise.race([
    exited,
    eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    }, 30_000),
  ]);
  return child;
}
