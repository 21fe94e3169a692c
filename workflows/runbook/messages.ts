import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalRequest, RunbookEvent, StepRecord } from '../../domain/runbook';

// Messages of the runbook workflow and the runbook → incident channel, defined once.

export interface ApprovalDecision {
  approvalId: string;
  decision: 'approve' | 'reject';
  actor: string;
  comment?: string;
}

/** Approve or reject a pending approval; refused when decided, expired, or the actor may not decide. */
export const decideApprovalUpdate = defineUpdate<ApprovalRequest, [ApprovalDecision]>('decideApproval');

export interface RunbookProgress {
  steps: StepRecord[];
  approvals: ApprovalRequest[];
}
export const runbookProgressQuery = defineQuery<RunbookProgress>('runbookProgress');

/** A runbook run reporting its steps, approvals, notes and notifications to its incident. */
export const runbookEventSignal = defineSignal<[RunbookEvent]>('runbookEvent');
