import { getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
import { alertGroupWorkflowId } from '../alert-group/ids';
import { incidentClosedSignal } from '../alert-group/messages';
import type { IncidentState } from './state';

/**
 * An incident of a time-based group tells the group's router it has ended, so
 * the router stops sending it alerts and ends with its last incident. A router
 * already gone has nothing to forget. Triggers the router sent before it knew
 * reach this run's last check and open the next incident of this workflow,
 * which lives on its own, outside the group's routing.
 */
export async function leaveAlertGroup(state: IncidentState): Promise<void> {
  const grouping = state.current.grouping;
  if (grouping?.windowSeconds === undefined) return;
  await getExternalWorkflowHandle(alertGroupWorkflowId(grouping.ruleId, grouping.values))
    .signal(incidentClosedSignal, { workflowId: workflowInfo().workflowId })
    .catch(() => undefined);
}
