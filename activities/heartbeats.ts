import { Context } from '@temporalio/activity';

/** The activity's attempt number and cancellation signal (1 and a fresh signal outside an activity, for tests). */
export function activityInfo(): { attempt: number; signal: AbortSignal } {
  try {
    const ctx = Context.current();
    return { attempt: ctx.info.attempt, signal: ctx.cancellationSignal };
  } catch {
    return { attempt: 1, signal: new AbortController().signal };
  }
}

/**
 * Heartbeats while `work` runs, so that when the worker dies mid-step the
 * server notices within the step's heartbeat timeout instead of waiting for
 * the whole start-to-close timeout before retrying on another worker. The
 * heartbeat timeout counts from the attempt's start, so the first heartbeat is
 * due a third of it in, not at once: a step that ends sooner (most do) sends
 * none, and its completion does not wait behind a heartbeat call.
 */
export async function withHeartbeats<T>(work: () => Promise<T>): Promise<T> {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return work();
  }
  const everyMs = Math.max(200, (ctx.info.heartbeatTimeoutMs ?? 10_000) / 3);
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
