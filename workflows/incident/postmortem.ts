// The SDK's own class (exported by @temporalio/common, not re-exported by @temporalio/workflow).
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import { failureMessage } from '../../domain/failure';
import type { postmortemWorkflow } from '../postmortem';
import type { IncidentState } from './state';
import { postmortemWorkflowId } from '../postmortem/ids';
import { firelineActor } from '../../domain/actors';

/** The post-mortem outlives the incident: a child workflow of its own, started once per incident. */
export async function startPostmortem(state: IncidentState): Promise<void> {
  const current = state.current;
  try {
    await startChild<typeof postmortemWorkflow>('postmortemWorkflow', {
      workflowId: postmortemWorkflowId(current.incidentId),
      args: [{ incidentId: current.incidentId }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `post-mortem of ${current.incidentId}: ${current.title}`.slice(0, 200),
    });
    state.record(
      'postmortem.started',
      firelineActor,
      `Post-mortem drafting started (${postmortemWorkflowId(current.incidentId)})`,
    );
  } catch (err) {
    // Started before (a replayed resolution): one post-mortem per incident.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
      state.record(
        'postmortem.started',
        firelineActor,
        `Post-mortem could not start: ${failureMessage(err)}`,
      );
    }
  }
}
