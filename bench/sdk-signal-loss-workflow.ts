import * as wf from '@temporalio/workflow';

/** A local activity as Fireline's incident workflow used them (bench/sdk-signal-loss.ts). */
const { hold } = wf.proxyLocalActivities<{ hold(ms: number): Promise<void> }>({
  startToCloseTimeout: '10 seconds',
  localRetryThreshold: '1 second',
});

export const numberSignal = wf.defineSignal<[number]>('number');
export const receivedQuery = wf.defineQuery<number[]>('received');

/** Keeps every number signalled; its first workflow task waits on a local activity for `holdMs`. */
export async function signalCounter(holdMs: number): Promise<void> {
  const received: number[] = [];
  wf.setHandler(numberSignal, (n) => void received.push(n));
  wf.setHandler(receivedQuery, () => received);
  await hold(holdMs);
  await wf.condition(() => false);
}
