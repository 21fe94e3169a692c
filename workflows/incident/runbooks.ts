import { ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import type { RunbookInvocation, RunbookRunSummary } from '../../domain/incident';
import {
  ignoredFromAlertMessage,
  type RunbookEvent,
  type RunbookResult,
  type RunbookStatus,
} from '../../domain/runbook';
import { failureMessage } from '../../domain/failure';
import type { runbookWorkflow } from '../runbook';
import type { IncidentNotifier } from './notifier';
import { type IncidentState, now } from './state';
import { runbookRunId, runbookWorkflowId } from '../runbook/ids';
import { firelineActor, runbookActor } from '../../domain/actors';

/** The incident's runbooks: child workflows whose steps and outcome feed the incident. */
export class IncidentRunbooks {
  constructor(
    private readonly state: IncidentState,
    private readonly notifier: IncidentNotifier,
    private readonly actionsTaskQueue: string,
  ) {}

  /** A running runbook's result would be lost to a new run: continue as new only between runbooks. */
  get anyRunning(): boolean {
    return this.state.current.runbookRuns.some((r) => r.status === 'running');
  }

  /** Runbooks the triage chose run one after another, in order, until one does not succeed. */
  async runAutomatic(list: RunbookInvocation[]): Promise<void> {
    for (const invocation of list) {
      if (this.state.resolved) return;
      try {
        const { done } = await this.begin(invocation, firelineActor);
        if ((await done) !== 'succeeded') return;
      } catch (err) {
        this.state.record(
          'runbook.failed',
          firelineActor,
          `Runbook ${invocation.id} could not start: ${failureMessage(err)}`,
        );
        return;
      }
    }
  }

  /** Starts a runbook as a child workflow; `done` settles with its outcome applied to the incident. */
  async begin(
    invocation: RunbookInvocation,
    requestedBy: string,
  ): Promise<{ runId: string; done: Promise<RunbookStatus> }> {
    const current = this.state.requireOpen();
    const runId = runbookRunId(current.incidentId, current.runbookRuns.length + 1);
    const summary: RunbookRunSummary = {
      runId,
      runbookId: invocation.id,
      status: 'running',
      requestedBy,
      startedAt: now(),
    };
    current.runbookRuns.push(summary);
    const ignored = invocation.ignoredFromAlert ?? [];
    this.state.record(
      'runbook.started',
      requestedBy,
      `Runbook ${invocation.id} started (${runId})` +
        (ignored.length > 0 ? `; ${ignoredFromAlertMessage(ignored)}` : ''),
      {
        runId,
        runbookId: invocation.id,
        params: Object.keys(invocation.params),
        ...(ignored.length > 0 ? { ignoredFromAlert: ignored } : {}),
      },
    );
    const child = await startChild<typeof runbookWorkflow>('runbookWorkflow', {
      workflowId: runbookWorkflowId(runId),
      args: [
        {
          runbookId: invocation.id,
          runId,
          incident: {
            incidentId: current.incidentId,
            service: current.service,
            severity: current.severity,
            title: current.title,
            labels: current.labels,
          },
          params: invocation.params,
          dryRun: false,
          realHttpInDryRun: false,
          parentWorkflowId: workflowInfo().workflowId,
          requestedBy,
          actionsTaskQueue: this.actionsTaskQueue,
        },
      ],
      // Resolving the incident cancels its runbooks, which runs their compensations.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      staticSummary: `runbook ${invocation.id} for ${current.incidentId}`,
    });
    const done = child.result().then(
      (result) => this.finish(summary, result),
      (err: unknown) =>
        this.finish(summary, {
          status: 'failed',
          reason: failureMessage(err),
          verified: false,
          resolveIncident: false,
        }),
    );
    return { runId, done };
  }

  /** A runbook's outcome feeds the incident: mitigated (maybe resolved), or escalated with the reason. */
  private finish(
    summary: RunbookRunSummary,
    {
      status,
      reason,
      verified,
      resolveIncident,
    }: Pick<RunbookResult, 'status' | 'reason' | 'verified' | 'resolveIncident'>,
  ): RunbookStatus {
    const { state } = this;
    const current = state.current;
    summary.status = status;
    summary.endedAt = now();
    if (reason) summary.reason = reason;
    const actor = runbookActor(summary.runbookId);
    if (status === 'succeeded') {
      state.record(
        'runbook.succeeded',
        actor,
        `Runbook ${summary.runbookId} succeeded${verified ? ' and verified the fix' : ''}`,
        { runId: summary.runId },
      );
      if (verified && !current.mitigatedAt && current.status !== 'resolved') {
        current.mitigatedAt = now();
        state.record('mitigated', actor, `Mitigated by runbook ${summary.runbookId}`);
      }
      if (resolveIncident && current.status !== 'resolved')
        state.resolve(actor, `remediated by runbook ${summary.runbookId}`);
      return status;
    }
    state.record(
      'runbook.failed',
      actor,
      `Runbook ${summary.runbookId} ${status}: ${reason ?? 'no reason given'}`,
      {
        runId: summary.runId,
        status,
      },
    );
    // A person cancelled it: recorded, but nobody needs paging for that.
    if (current.status !== 'resolved' && status !== 'cancelled') {
      state.escalate(
        actor,
        (fromLevel) => `Escalated from level ${fromLevel}: runbook ${summary.runbookId} ${status}`,
      );
    }
    return status;
  }

  /** A runbook run reporting a step, an approval, a notification or a note. */
  async onEvent(event: RunbookEvent): Promise<void> {
    const { state } = this;
    const incident = state.incident;
    if (!incident) return;
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
          await this.notifier.notifyCurrentLevel(
            `approval-${approval.approvalId}`,
            `approval needed: ${approval.prompt}`,
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
        await this.notifier.notifyCurrentLevel(
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
}
