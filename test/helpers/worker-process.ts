import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../stack/paths';
import type { TestEnv } from './test-env';

/**
 * Fireline's worker as its own process (the code the global setup compiled), on this env's servers
 * and task queue. The repository's catalog names channel variables no test sets: pages for them are
 * kept in the development inbox unless `extraEnv` turns it off. `output: 'pipe'` keeps what it prints.
 */
export function spawnWorkerProcess(
  env: TestEnv,
  extraEnv: Record<string, string>,
  options: { output?: 'ignore' | 'pipe' } = {},
): ChildProcess {
  return spawn(process.execPath, [path.join(repoRoot(), 'dist', 'worker', 'main.js')], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.config.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: env.taskQueue,
      MONGODB_URI: env.config.MONGODB_URI,
      FIRELINE_WORKFLOW_BUNDLE: process.env.FIRELINE_TEST_WORKFLOW_BUNDLE,
      FIRELINE_DEV_INBOX: 'true',
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', options.output ?? 'ignore', options.output ?? 'ignore'],
  });
}

/** SIGKILLs the process (as a crash would) and waits until it has exited. */
export async function killProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
