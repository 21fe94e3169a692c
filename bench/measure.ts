import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';

export function log(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

export async function waitFor(
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

/** Polls until check() holds or capMs passes; the time it took, or undefined. */
// Every 2 s: on FerretDB each count reads the whole collection, and the bench must not be the load.
export const catchUp = async (check: () => Promise<boolean>, capMs: number): Promise<number | undefined> =>
  waitFor('catch-up', check, capMs, 2_000).catch(() => undefined);

/** Resolves with the first stdout line matching `pattern`. */
export function lineFrom(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
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

/** The processes' RSS, summed. */
export function summedRss(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb * 1024;
}

/** CPU seconds used so far by every process on the machine: its component (known pids by role, others by name) and time. */
export function cpuByProcess(
  roles: Map<number, string>,
): Map<number, { component: string; seconds: number }> {
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
export function cpuShares(
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
