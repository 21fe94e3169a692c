import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const baselineAlertSignal = defineSignal<[unknown]>('alert');

/**
 * The raw-Temporal baseline: an empty workflow that counts the signals it
 * receives and stays open, started by a bare client with signal-with-start.
 */
export async function baselineWorkflow(): Promise<number> {
  let alerts = 0;
  setHandler(baselineAlertSignal, () => {
    alerts += 1;
  });
  await condition(() => alerts < 0);
  return alerts;
}
