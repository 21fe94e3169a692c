import { ParentClosePolicy, getExternalWorkflowHandle, startChild, workflowInfo } from '@temporalio/workflow';
import type { RunbookInvocation, RunbookRunSummary } from '../../domain/incident';
import {
  ignoredFromAlertMessage,
  type RunbookEvent,
  type RunbookResult,
  type UnknownOutcome,
} from '../../domain/runbook';
import { failureMessage } from '../../domain/failure';
import type { runbookWorkflow } from '../runbook';
import type { IncidentNotifier } from './notifier';
import { lookups, lookupOptions } from './activity-proxies';
import { policyTargets } from '../../domain/escalation';
import { type IncidentState, now } from './state';
import { runbookRunId, runbookWorkflowId } from '../runbook/ids';
import { firelineActor, runbookActor } from '../../domain/actors';
import { trimRunbookLists } from '../../domain/runbook-lists';
import { recordRunbookProgress } from './runbook-events';

/**
 * The incident's runbooks: child workflows whose steps and outcome feed the
 * incident. A child outlives a continue-as-new of its incident and reports to
 * it by workflow id, so the incident may continue as new while runbooks run
 * (an approval can wait for half an hour).
 */
export class IncidentRunbooks {
  /** Automatic runbooks still to run, in order, after the running one: carried to the next run at continue-as-new. */
  readonly automaticQueue: RunbookInvocation[];

  constructor(
    private readonly state: IncidentState,
    private readonly notifier: IncidentNotifier,
    private readonly actionsTaskQueue: string,
    automaticQueue: RunbookInvocation[] = [],
  ) {
    this.automaticQueue = [...automaticQueue];
  }

  /** Runbooks the triage chose run one after another, in order, until one does not succeed. */
  runAutomatic(list: RunbookInvocation[]): void {
    this.automaticQueue.push(...list);
    this.startNextAutomatic();
  }

  private startNextAutomatic(): void {
    if (this.state.resolved) return;
    const automaticRunning = this.state.current.runbookRuns.some(
      (r) => r.status === 'running' && r.requestedBy === firelineActor,
    );
    if (automaticRunning) return;
    const invocation = this.automaticQueue.shift();
    if (!invocation) return;
    this.begin(invocation, firelineActor).catch((err: unknown) => {
      this.automaticQueue.splice(0);
      this.state.record(
        'runbook.failed',
        firelineActor,
        `Runbook ${invocation.id} could not start: ${failureMessage(err)}`,
      );
    });
  }

  /** Starts a runbook as a child workflow; its outcome reaches the incident through `finish`. */
  async begin(invocation: RunbookInvocation, requestedBy: string): Promise<{ runId: string }> {
    const current = this.state.requireOpen();
    const runId = runbookRunId(
      current.incidentId,
      (current.unlistedRunbookRuns ?? 0) + current.runbookRuns.length + 1,
    );
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
    // Approvers come from the escalation policy (or the runbook), never from the requester's parameters.
    const policyApprovers = await lookups.approversFor.executeWithOptions(
      { ...lookupOptions, summary: `who may approve ${invocation.id}` },
      [
        {
          targets: policyTargets(current.escalation.policy),
          at: now(),
          incident: { incidentId: current.incidentId, service: current.service, team: current.team },
        },
      ],
    );
    let child;
    try {
      child = await startChild<typeof runbookWorkflow>('runbookWorkflow', {
        workflowId: runbookWorkflowId(runId),
        // On the queue of its steps: the worker that runs the run gets each step's activity back
        // with the workflow task that schedules it (eager dispatch), without a trip through matching.
        taskQueue: this.actionsTaskQueue,
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
            policyApprovers,
            actionsTaskQueue: this.actionsTaskQueue,
          },
        ],
        // It must outlive a continue-as-new; resolving the incident cancels it (cancelRunning).
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `runbook ${invocation.id} for ${current.incidentId}`,
      });
    } catch (err) {
      summary.status = 'failed';
      summary.reason = failureMessage(err);
      summary.endedAt = now();
      throw err;
    }
    // In this run the handle reports the outcome too (and a child that was terminated has no
    // other way to); after a continue-as-new, the child's `finished` event does.
    void child.result().then(
      (result) => this.finish(runId, result),
      (err: unknown) =>
        this.finish(runId, {
          status: 'failed',
          reason: failureMessage(err),
          verified: false,
          resolveIncident: false,
        }),
    );
    return { runId };
  }

  /** Resolution cancels the runbooks still running, which runs their compensations. */
  async cancelRunning(): Promise<void> {
    const running = this.state.current.runbookRuns.filter((r) => r.status === 'running');
    this.automaticQueue.splice(0);
    await Promise.all(
      running.map(async (run) => {
        run.status = 'cancelled';
        run.reason = 'the incident was resolved';
        run.endedAt = now();
        try {
          await getExternalWorkflowHandle(runbookWorkflowId(run.runId)).cancel();
        } catch {
          // Already finished: nothing to cancel.
        }
      }),
    );
    if (running.length > 0) this.state.touch();
  }

  /** A runbook's outcome feeds the incident: mitigated (maybe resolved), or escalated with the reason. */
  private finish(
    runId: string,
    {
      status,
      reason,
      verified,
      resolveIncident,
      unknownOutcome,
    }: Pick<RunbookResult, 'status' | 'reason' | 'verified' | 'resolveIncident' | 'unknownOutcome'>,
  ): void {
    const { state } = this;
    const current = state.current;
    // Reported twice in the run that started it (handle and event), or for an earlier incident.
    const summary = current.runbookRuns.find((r) => r.runId === runId);
    if (!summary || summary.status !== 'running') return;
    summary.status = status;
    summary.endedAt = now();
    if (reason) summary.reason = reason;
    trimRunbookLists(current);
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
      if (summary.requestedBy === firelineActor) this.startNextAutomatic();
      return;
    }
    if (summary.requestedBy === firelineActor) this.automaticQueue.splice(0);
    if (status === 'outcome_unknown') {
      // A person has to look before anyone retries: paged now, whatever the incident's status.
      if (current.status !== 'resolved')
        this.outcomeUnknown(actor, summary.runId, summary.runbookId, unknownOutcome);
      return;
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
  }

  /**
   * A runbook action may or may not have run: the timeline says what to check
   * before anyone retries it, and the incident escalates to the next level now
   * (triggered again even if acknowledged), so a person looks.
   */
  private outcomeUnknown(
    actor: string,
    runId: string,
    runbookId: string,
    unknown: UnknownOutcome | undefined,
  ): void {
    const action = unknown ? `action "${unknown.step}" (${unknown.action})` : 'an action';
    const held = unknown?.heldCompensations.length
      ? `; compensations not run: ${unknown.heldCompensations.join(', ')}`
      : '';
    this.state.record(
      'runbook.outcome_unknown',
      actor,
      `Outcome unknown: ${action} of runbook ${runbookId} may or may not have run: ` +
        `check ${unknown?.target ?? 'its target'} before retrying; ` +
        `idempotency key ${unknown?.idempotencyKey ?? 'unknown'}${held}`,
      { runId, ...(unknown ? { ...unknown } : {}) },
    );
    this.state.escalate(
      actor,
      (fromLevel) =>
        `Escalated from level ${fromLevel}: runbook ${runbookId} outcome unknown, a person has to check`,
    );
  }

  /** A runbook run reporting a step, an approval, a notification or a note. */
  async onEvent(event: RunbookEvent): Promise<void> {
    const { state } = this;
    const incident = state.incident;
    // A run of an earlier incident of this key reports to the workflow id, which this run now holds.
    if (!incident?.runbookRuns.some((r) => r.runId === event.runId)) return;
    if (event.type === 'finished') {
      this.finish(event.runId, event.result);
      return;
    }
    await recordRunbookProgress(state, this.notifier, event);
  }
}
