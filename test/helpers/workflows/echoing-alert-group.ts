import { condition, defineQuery, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import type { AlertEvent } from '../../../domain/incident';
import { incidentClosedSignal } from '../../../workflows/alert-group/messages';
import { alertsSignal } from '../../../workflows/incident/messages';

/** What the echoing router's answer to each closed incident came to. */
export const echoOutcomesQuery = defineQuery<Array<'delivered' | 'not-found'>>('echoOutcomes');

/**
 * A stand-in for a time-based group's router, for a test of the race it can
 * cause: the moment an incident says it is leaving the group, a trigger goes
 * back to it, as a router would send one it received just before.
 */
export async function echoingAlertGroup(trigger: AlertEvent): Promise<void> {
  const closed: string[] = [];
  const outcomes: Array<'delivered' | 'not-found'> = [];
  setHandler(incidentClosedSignal, ({ workflowId }) => void closed.push(workflowId));
  setHandler(alertsSignal, () => undefined);
  setHandler(echoOutcomesQuery, () => outcomes);
  for (;;) {
    await condition(() => closed.length > 0);
    const workflowId = closed.shift()!;
    try {
      await getExternalWorkflowHandle(workflowId).signal(alertsSignal, { events: [trigger] });
      outcomes.push('delivered');
    } catch {
      outcomes.push('not-found');
    }
  }
}
