// The state of one runbook run and the recording of its steps: what the
// context a runbook body calls (./context.ts) is built on.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  type RetryPolicy,
  sleep,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { durationToMs } from '../../domain/duration';
import { failureMessage } from '../../domain/failure';
import { isUnsafeMethod, nobodyMayApprove } from '../../domain/runbook';
import type {
  ApprovalRequest,
  HttpStepRequest,
  RunbookEvent,
  RunbookMeta,
  RunbookRunInput,
  StepKind,
  StepRecord,
} from '../../domain/runbook';
import type { ActionStep, ApprovalStep, HttpStepOptions, StepOptions } from '../../runbooks/sdk';
import { attemptsOf, outcomeUnknownOf, RunbookFailure, stepFailure } from './failures';
import { approvalId } from './ids';
import { runbookEventSignal } from './messages';

/**
 * Step activities heartbeat; a worker that dies mid-step is noticed within
 * this and the step retried elsewhere, instead of after its whole timeout.
 */
const STEP_HEARTBEAT_TIMEOUT = '5 seconds';

/** A step running activities reports its start once it has run this long, or with its end if sooner:
 * a signal sent while it runs brings workflow tasks its result would wait behind. */
const STEP_START_REPORT_DELAY_MS = 500;
const reportsStartWhenRunning: ReadonlySet<StepKind> = new Set(['action', 'http', 'verify', 'compensation']);

const { runbookHttp, runAction } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT,
  retry: { maximumAttempts: 3 },
});

/** What a step's body returns: its result, and what its record says. */
export interface StepOutcome<T> {
  result: T;
  summary: string;
  attempts?: number;
  simulated?: boolean;
}

/** Names the input's keys only: values may carry tokens. */
function describeInput(input: Record<string, unknown>): string {
  const keys = Object.keys(input);
  return keys.length > 0 ? `input {${keys.join(', ')}}` : 'no input';
}

const now = () => new Date(Date.now()).toISOString();

/** The state of one run, shared by its context and its workflow. */
export class RunbookRuntime {
  readonly steps: StepRecord[] = [];
  readonly approvals: ApprovalRequest[] = [];
  private readonly compensations: Array<{ step: string } & NonNullable<ActionStep['compensate']>> = [];
  verified = false;
  private runApproved = false;

  constructor(
    readonly input: RunbookRunInput,
    readonly meta: RunbookMeta,
  ) {}

  async emit(event: RunbookEvent): Promise<void> {
    if (!this.input.parentWorkflowId) return;
    try {
      await getExternalWorkflowHandle(this.input.parentWorkflowId).signal(runbookEventSignal, event);
    } catch {
      // The incident closed; the run's own record (query, result) still has it.
    }
  }

  private report(step: StepRecord): Promise<void> {
    return this.emit({ type: 'step', runId: this.input.runId, runbookId: this.meta.id, step: { ...step } });
  }

  /** Runs one step, recording its start, end, attempts, outcome and summary. */
  async step<T>(
    name: string,
    kind: StepKind,
    body: () => Promise<StepOutcome<T>>,
    retry?: RetryPolicy,
  ): Promise<T> {
    const record: StepRecord = { name, kind, startedAt: now(), outcome: 'running', summary: '' };
    this.steps.push(record);
    // The end is reported only once the start has reached the incident, so its timeline keeps the order.
    const start = reportsStartWhenRunning.has(kind)
      ? this.reportStartWhenRunning(record)
      : { reported: this.report(record), ended: () => undefined };
    const startReported = start.reported;
    try {
      const done = await body();
      start.ended();
      Object.assign(record, {
        outcome: done.simulated ? 'simulated' : 'succeeded',
        summary: done.summary,
        endedAt: now(),
        ...(done.attempts !== undefined ? { attempts: done.attempts } : {}),
      });
      await startReported;
      await this.report(record);
      return done.result;
    } catch (err) {
      start.ended();
      const attempts = attemptsOf(err, retry);
      const unknown = outcomeUnknownOf(err);
      Object.assign(record, {
        outcome: unknown ? 'outcome_unknown' : 'failed',
        summary: failureMessage(err),
        endedAt: now(),
        ...(attempts ? { attempts } : {}),
      });
      await startReported;
      await this.report(record);
      throw stepFailure(name, err, unknown);
    }
  }

  /** Reports the start after STEP_START_REPORT_DELAY_MS or at `ended`; also in a cancelled run. */
  private reportStartWhenRunning(record: StepRecord): { reported: Promise<void>; ended: () => void } {
    const started = { ...record };
    const delay = new CancellationScope();
    const reported = delay
      .run(() => sleep(STEP_START_REPORT_DELAY_MS))
      .catch(() => undefined)
      .then(() => CancellationScope.nonCancellable(() => this.report(started)));
    return { reported, ended: () => delay.cancel() };
  }

  /** In `approval` mode nothing with side effects runs before a human approved the run. */
  async ensureRunApproved(): Promise<void> {
    if (this.meta.mode !== 'approval' || this.runApproved) return;
    this.runApproved = true;
    await this.requestApproval('approve run', {
      prompt: `Run "${this.meta.title}" on ${this.input.incident.incidentId}?`,
    });
  }

  async requestApproval(name: string, step: ApprovalStep): Promise<void> {
    this.runApproved = true;
    await this.step(name, 'approval', async () => {
      const timeoutMs = durationToMs(step.timeout ?? '30 minutes');
      if (this.input.dryRun) {
        return { result: undefined, summary: `would ask for approval: ${step.prompt}`, simulated: true };
      }
      const approval = this.newApproval(name, step, timeoutMs);
      const nobody = nobodyMayApprove(approval);
      // Never open to anyone, and no timeout to wait out: the run fails now, saying why.
      if (nobody)
        throw ApplicationFailure.nonRetryable(`approval "${name}": ${nobody}`, RunbookFailure.rejected);
      this.approvals.push(approval);
      await this.emit({
        type: 'approval',
        runId: this.input.runId,
        runbookId: this.meta.id,
        approval: { ...approval },
      });
      const decided = await condition(() => approval.status !== 'pending', timeoutMs);
      if (!decided) approval.status = 'expired';
      await this.emit({
        type: 'approval',
        runId: this.input.runId,
        runbookId: this.meta.id,
        approval: { ...approval },
      });
      const decision = `${approval.decidedBy}${approval.comment ? `: ${approval.comment}` : ''}`;
      if (approval.status === 'approved') return { result: undefined, summary: `approved by ${decision}` };
      if (approval.status === 'expired') {
        throw ApplicationFailure.nonRetryable(
          `approval "${name}" expired after ${Math.round(timeoutMs / 1000)}s`,
          approval.onTimeout === 'escalate' ? RunbookFailure.approvalTimedOut : RunbookFailure.rejected,
        );
      }
      throw ApplicationFailure.nonRetryable(
        `approval "${name}" rejected by ${decision}`,
        RunbookFailure.rejected,
      );
    });
  }

  private newApproval(name: string, step: ApprovalStep, timeoutMs: number): ApprovalRequest {
    return {
      approvalId: approvalId(this.input.runId, this.approvals.length + 1),
      runId: this.input.runId,
      runbookId: this.meta.id,
      step: name,
      prompt: step.prompt,
      // Never from the run's parameters: the requester must not pick who approves.
      approvers: [...new Set(step.approvers ?? this.input.policyApprovers ?? [])],
      requestedBy: this.input.requestedBy,
      allowSelfApproval: step.allowSelfApproval ?? this.meta.allowSelfApproval ?? false,
      params: this.input.params,
      requestedAt: now(),
      expiresAt: new Date(Date.now() + timeoutMs).toISOString(),
      onTimeout: step.onTimeout ?? 'reject',
      status: 'pending',
    };
  }

  pushCompensation(step: string, compensation: ActionStep['compensate']): void {
    if (compensation) this.compensations.push({ step, ...compensation });
  }

  /** The compensations that would run, newest first (held back when an outcome is unknown). */
  get pendingCompensations(): string[] {
    return this.compensations.map((c) => `undo ${c.step}`).reverse();
  }

  /** Runs the compensations of completed steps, newest first; each is recorded. */
  async compensate(): Promise<void> {
    while (this.compensations.length > 0) {
      const { step, action, input, idempotent } = this.compensations.pop()!;
      try {
        await this.step(`undo ${step}`, 'compensation', () =>
          this.performAction(`undo:${step}`, action, input, { idempotent }),
        );
      } catch {
        // Recorded as a failed step; the other compensations still run.
      }
    }
  }

  async performAction(
    name: string,
    action: string,
    input: Record<string, unknown>,
    options: StepOptions & { idempotent?: boolean | undefined },
  ): Promise<StepOutcome<Record<string, unknown> | undefined>> {
    if (this.input.dryRun) {
      return {
        result: undefined,
        summary: `would run ${action} with ${describeInput(input)}`,
        simulated: true,
      };
    }
    const response = await runAction.executeWithOptions(
      {
        taskQueue: this.input.actionsTaskQueue,
        startToCloseTimeout: options.timeout ?? '30 seconds',
        heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT,
        retry: options.retry ?? { maximumAttempts: 3 },
        summary: `${this.meta.id}: ${name} (${action})`,
      },
      [
        {
          runbookId: this.meta.id,
          action,
          input,
          idempotencyKey: `${this.input.runId}:${name}`,
          ...(options.idempotent ? { idempotent: true } : {}),
        },
      ],
    );
    return {
      result: response.output,
      summary: response.replayed ? `${response.summary} (already done, not repeated)` : response.summary,
      attempts: response.attempt,
    };
  }

  /**
   * One HTTP request. With a step name, a POST, PUT, PATCH or DELETE is sent at
   * most once through the action ledger, keyed like an action step.
   */
  async httpOnce(request: HttpStepRequest, options: HttpStepOptions, summary: string, step?: string) {
    const unsafe = step !== undefined && isUnsafeMethod(request.method ?? 'GET');
    return runbookHttp.executeWithOptions(
      {
        taskQueue: this.input.actionsTaskQueue,
        startToCloseTimeout: options.timeout ?? '30 seconds',
        heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT,
        retry: options.retry ?? { maximumAttempts: 3 },
        summary,
      },
      [
        unsafe
          ? {
              ...request,
              idempotencyKey: `${this.input.runId}:${step}`,
              ...(options.idempotent ? { idempotent: true } : {}),
            }
          : request,
      ],
    );
  }
}
