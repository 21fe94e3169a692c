import type { RunbookEvent } from '../../domain/runbook';
import { firelineActor, runbookActor } from '../../domain/actors';
import { trimRunbookLists } from '../../domain/runbook-lists';
import type { IncidentNotifier } from './notifier';
import type { IncidentState } from './state';

/** A runbook run reporting a step, an approval, a notification or a note: on the timeline, and announced where it asks. */
export async function recordRunbookProgress(
  state: IncidentState,
  notifier: IncidentNotifier,
  event: Exclude<RunbookEvent, { type: 'finished' }>,
): Promise<void> {
  const incident = state.current;
  const actor = runbookActor(event.runbookId);
  switch (event.type) {
    case 'step': {
      const { step } = event;
      const message =
        step.outcome === 'running'
          ? `${event.runbookId}: ${step.name} started`
          : `${event.runbookId}: ${step.name} ${step.outcome}` +
            `${step.attempts ? ` after ${step.attempts} attempt${step.attempts === 1 ? '' : 's'}` : ''}: ${step.summary}`;
      state.record('runbook.step', actor, message, { runId: event.runId, ...step });
      break;
    }
    case 'approval': {
      const { approval } = event;
      const index = incident.approvals.findIndex((a) => a.approvalId === approval.approvalId);
      if (index >= 0) incident.approvals[index] = approval;
      else incident.approvals.push(approval);
      trimRunbookLists(incident);
      if (approval.status === 'pending') {
        state.record(
          'approval.requested',
          actor,
          `Approval needed (${approval.approvalId}): ${approval.prompt}`,
          {
            approvalId: approval.approvalId,
            approvers: approval.approvers,
            expiresAt: approval.expiresAt,
          },
        );
        // The parameters go with the request: an approver sees what they approve.
        await notifier.notifyCurrentLevel(
          `approval-${approval.approvalId}`,
          `approval needed: ${approval.prompt} (${approval.runbookId} ${approval.approvalId}, ` +
            `requested by ${approval.requestedBy}, parameters ${JSON.stringify(approval.params)})`,
        );
      } else {
        state.record(
          'approval.decided',
          approval.decidedBy ?? firelineActor,
          `Approval ${approval.approvalId} ${approval.status}${approval.comment ? `: ${approval.comment}` : ''}`,
          { approvalId: approval.approvalId, status: approval.status },
        );
      }
      break;
    }
    case 'notify': {
      const entry = state.record('note', actor, `Runbook notification: ${event.message}`);
      await notifier.notifyCurrentLevel(
        `rb-${event.runId}-${entry.seq}`,
        `runbook ${event.runbookId}: ${event.message}`,
      );
      break;
    }
    case 'note':
      state.record('note', actor, event.text);
      break;
  }
}
