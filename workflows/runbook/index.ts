import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { RunbookResult, RunbookRunInput, RunbookStatus, UnknownOutcome } from '../../domain/runbook';
import { runbooks } from '../../runbooks';
import { RecordedRunbookContext } from './context';
import { type ApprovalDecision, decideApprovalUpdate, runbookProgressQuery } from './messages';
import { RunbookFailure } from './failures';
import { RunbookRuntime } from './runtime';

const { saveDrillReport } = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * One run of one runbook: a child workflow of its incident (or, for a drill,
 * a workflow of its own). A failure, rejection, timeout or cancellation runs
 * the compensations of the steps that completed, newest first. An action whose
 * outcome is unknown holds them back: undoing earlier steps beneath an action
 * that may have happened could make things worse, so a person decides.
 */
export async function runbookWorkflow(input: RunbookRunInput): Promise<RunbookResult> {
  const runbook = runbooks.get(input.runbookId);
  if (!runbook) throw ApplicationFailure.nonRetryable(`no runbook ${input.runbookId}`, 'UnknownRunbook');
  const runtime = new RunbookRuntime(input, runbook.meta);
  const startedAt = new Date(Date.now()).toISOString();

  setHandler(runbookProgressQuery, () => ({ steps: runtime.steps, approvals: runtime.approvals }));
  setHandler(
    decideApprovalUpdate,
    ({ approvalId, decision, actor, comment }) => {
      const approval = runtime.approvals.find((a) => a.approvalId === approvalId)!;
      approval.status = decision === 'approve' ? 'approved' : 'rejected';
      approval.decidedBy = actor;
      approval.decidedAt = new Date(Date.now()).toISOString();
      if (comment) approval.comment = comment;
      return approval;
    },
    {
      validator: ({ approvalId, actor, decision }: ApprovalDecision) => {
        const approval = runtime.approvals.find((a) => a.approvalId === approvalId);
        if (!approval) throw ApplicationFailure.nonRetryable(`No approval ${approvalId}`, 'NotFound');
        if (approval.status !== 'pending')
          throw new Error(`Approval ${approvalId} is already ${approval.status}`);
        // Four eyes: the requester may still reject (stop) their own run, not approve it.
        if (decision === 'approve' && !approval.allowSelfApproval && actor === approval.requestedBy) {
          throw ApplicationFailure.nonRetryable(
            `${actor} started this run and may not approve it too (approval ${approvalId}); ask someone else`,
            'NotAllowed',
          );
        }
        if (!approval.approvers.includes(actor)) {
          throw ApplicationFailure.nonRetryable(
            `${actor} may not decide approval ${approvalId}; approvers: ${approval.approvers.join(', ')}`,
            'NotAllowed',
          );
        }
      },
    },
  );

  const deadlineMs = (runbook.meta.deadlineSeconds ?? 3600) * 1000;
  const deadlineAt = Date.now() + deadlineMs;
  let status: RunbookStatus = 'succeeded';
  let reason: string | undefined;
  let unknownOutcome: UnknownOutcome | undefined;
  try {
    await CancellationScope.withTimeout(deadlineMs, () =>
      runbook.run(new RecordedRunbookContext(runtime, input.params as never)),
    );
  } catch (err) {
    if (isCancellation(err)) {
      status = Date.now() >= deadlineAt ? 'timed_out' : 'cancelled';
      reason = status === 'timed_out' ? `deadline of ${deadlineMs / 1000}s passed` : 'cancelled';
    } else if (err instanceof ApplicationFailure && err.type === RunbookFailure.rejected) {
      status = 'rejected';
      reason = err.message;
    } else if (err instanceof ApplicationFailure && err.type === RunbookFailure.approvalTimedOut) {
      status = 'timed_out';
      reason = err.message;
    } else if (err instanceof ApplicationFailure && err.type === RunbookFailure.outcomeUnknown) {
      status = 'outcome_unknown';
      reason = err.message;
      const details = (err.details?.[0] ?? {}) as Partial<UnknownOutcome>;
      const step = [...runtime.steps].reverse().find((s) => s.outcome === 'outcome_unknown');
      unknownOutcome = {
        step: details.step ?? step?.name ?? 'unknown',
        action: details.action ?? 'unknown',
        target: details.target ?? 'the action target',
        idempotencyKey: details.idempotencyKey ?? `${input.runId}:${details.step ?? step?.name}`,
        heldCompensations: runtime.pendingCompensations,
      };
    } else {
      status = 'failed';
      reason = err instanceof Error ? err.message : String(err);
    }
    // Compensations run even when the run itself was cancelled; not when an action may or may not have run.
    if (status !== 'outcome_unknown') await CancellationScope.nonCancellable(() => runtime.compensate());
  }

  const result: RunbookResult = {
    runId: input.runId,
    runbookId: input.runbookId,
    status,
    ...(reason ? { reason } : {}),
    verified: status === 'succeeded' && runtime.verified,
    resolveIncident: status === 'succeeded' && runtime.verified && runbook.meta.resolveOnSuccess === true,
    dryRun: input.dryRun,
    steps: runtime.steps,
    ...(unknownOutcome ? { unknownOutcome } : {}),
    startedAt,
    endedAt: new Date(Date.now()).toISOString(),
  };
  if (input.dryRun) await CancellationScope.nonCancellable(() => saveDrillReport(result));
  // Its incident may have continued as new since it started this run: tell the workflow id, not the handle.
  await CancellationScope.nonCancellable(() =>
    runtime.emit({
      type: 'finished',
      runId: input.runId,
      runbookId: input.runbookId,
      result: {
        status,
        ...(reason ? { reason } : {}),
        verified: result.verified,
        resolveIncident: result.resolveIncident,
        ...(unknownOutcome ? { unknownOutcome } : {}),
      },
    }),
  );
  return result;
}
