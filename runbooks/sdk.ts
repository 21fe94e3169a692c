// The runbook SDK: what a runbook's body uses. Workflow code — it runs in
// Temporal's sandbox, so a runbook resumes at the step it was on after a crash.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  sleep,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import ms from 'ms';
import type { Activities } from '../activities';
import { isUnsafeMethod, runbookMetaProblems } from '../domain/runbook';
import type {
  ApprovalRequest,
  HttpStepRequest,
  RunbookEvent,
  RunbookIncident,
  RunbookMeta,
  RunbookRunInput,
  StepKind,
  StepRecord,
} from '../domain/runbook';

import { runbookEventSignal } from '../workflows/runbook/messages';
import { approvalId } from '../workflows/runbook/ids';
import { failureMessage } from '../domain/failure';

export type { HttpStepRequest, RunbookIncident, RunbookMeta } from '../domain/runbook';

/** Per-step timeout and retries; defaults: 30 seconds, 3 attempts. */
export interface StepOptions {
  timeout?: Duration;
  retry?: RetryPolicy;
}

/** Options of an `rb.http` step. */
export interface HttpStepOptions extends StepOptions {
  /**
   * For a POST, PUT, PATCH or DELETE: the target honours the `Idempotency-Key`
   * header (or repeating the request is harmless), so an attempt after one whose
   * outcome is unknown re-sends it with the same key. Otherwise (the default)
   * the step ends `outcome_unknown` and a person is paged to check.
   */
  idempotent?: boolean;
}

export interface ActionStep {
  /** Registered action: `webhook`, `command`, or one registered in actions/index.ts. */
  action: string;
  input: Record<string, unknown>;
  /**
   * The target honours the `Idempotency-Key` header (or repeating the action is harmless).
   * Then an attempt after one that died mid-call re-sends with the same key; otherwise
   * (the default) the step ends `outcome_unknown` and a person is paged to check.
   */
  idempotent?: boolean;
  /** Undoes this step if a later step fails or the run is cancelled (saga, newest first). */
  compensate?: { action: string; input: Record<string, unknown>; idempotent?: boolean };
}

export interface ApprovalStep {
  prompt: string;
  /**
   * Actors allowed to decide, e.g. `user:alice`. Default: the people the incident's
   * escalation level reached when the run started; nobody there = anyone.
   */
  approvers?: string[];
  /** The actor who started the run may decide too (default: `meta.allowSelfApproval`, else false). */
  allowSelfApproval?: boolean;
  /** How long to wait; default 30 minutes. */
  timeout?: Duration;
  /** On timeout: `reject` fails the run; `escalate` also fails it, and the incident escalates. Default reject. */
  onTimeout?: 'reject' | 'escalate';
}

export interface VerifyStep {
  check: HttpStepRequest;
  /** Time between checks; default 5 seconds. */
  interval?: Duration;
  /** Give up after this long; default 2 minutes. */
  deadline?: Duration;
}

export interface Runbook<P extends Record<string, unknown> = Record<string, unknown>> {
  meta: RunbookMeta;
  run(rb: RunbookContext<P>): Promise<void>;
}

/**
 * Declares a runbook: metadata plus a body that uses the context's steps.
 * Throws when the metadata lets alerts supply a URL, host or environment
 * variable name, so such a runbook stops the worker and the API at start.
 */
export function defineRunbook<P extends Record<string, unknown>>(runbook: Runbook<P>): Runbook<P> {
  const problems = runbookMetaProblems(runbook.meta);
  if (problems.length > 0) throw new Error(`runbook ${runbook.meta.id}: ${problems.join('; ')}`);
  return runbook;
}

/** Failure types a runbook run ends with. */
export const RunbookFailure = {
  stepFailed: 'RunbookStepFailed',
  rejected: 'ApprovalRejected',
  approvalTimedOut: 'ApprovalTimedOut',
  /** An action may or may not have run (its attempt died mid-call and it is not idempotent). */
  outcomeUnknown: 'ActionOutcomeUnknown',
} as const;

/**
 * Step activities heartbeat; a worker that dies mid-step is noticed within
 * this and the step retried elsewhere, instead of after its whole timeout.
 */
const STEP_HEARTBEAT_TIMEOUT = '5 seconds';

const { runbookHttp, runAction } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT,
  retry: { maximumAttempts: 3 },
});

/**
 * Milliseconds of a Duration (`'1 day'`, `'10 mins'`, `500`). Parsed by `ms`, the
 * parser the SDK's own timers use and the one its `Duration` type is defined by,
 * so every value the type accepts works here too. (The SDK's `msToNumber` is
 * marked internal, hence `ms` itself, pinned to the SDK's version.)
 */
export function durationToMs(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  const millis = ms(duration);
  if (Number.isNaN(millis)) throw new TypeError(`Invalid duration string: '${duration}'`);
  return millis;
}

/** The activity's `ActionOutcomeUnknown` failure, if that is why it failed. */
function outcomeUnknownOf(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === RunbookFailure.outcomeUnknown
    ? cause
    : undefined;
}

/** Attempts an activity made before failing: all of them when retries ran out. */
function attemptsOf(err: unknown, retry: RetryPolicy | undefined): number | undefined {
  if (err instanceof ActivityFailure && err.retryState === 'MAXIMUM_ATTEMPTS_REACHED')
    return retry?.maximumAttempts ?? 3;
  return undefined;
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
    body: () => Promise<{ result: T; summary: string; attempts?: number; simulated?: boolean }>,
    retry?: RetryPolicy,
  ): Promise<T> {
    const record: StepRecord = { name, kind, startedAt: now(), outcome: 'running', summary: '' };
    this.steps.push(record);
    // The start is reported while the step runs, not before it: the signal and
    // the step's activity leave in one workflow task. The end is reported only
    // once the start has reached the incident, so its timeline keeps the order.
    const startReported = this.report(record);
    try {
      const done = await body();
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
      if (isCancellation(err)) throw err;
      if (unknown) {
        throw ApplicationFailure.create({
          message: `step "${name}" may or may not have run: ${unknown.message}`,
          type: RunbookFailure.outcomeUnknown,
          nonRetryable: true,
          details: [{ step: name, ...(unknown.details?.[0] as object) }],
        });
      }
      if (err instanceof ApplicationFailure && Object.values(RunbookFailure).includes(err.type as never))
        throw err;
      throw ApplicationFailure.nonRetryable(
        `step "${name}" failed: ${failureMessage(err)}`,
        RunbookFailure.stepFailed,
      );
    }
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
      const approval: ApprovalRequest = {
        approvalId: approvalId(this.input.runId, this.approvals.length + 1),
        runId: this.input.runId,
        runbookId: this.meta.id,
        step: name,
        prompt: step.prompt,
        // Never from the run's parameters: the requester must not pick who approves.
        approvers: step.approvers ?? this.input.policyApprovers ?? [],
        requestedBy: this.input.requestedBy,
        allowSelfApproval: step.allowSelfApproval ?? this.meta.allowSelfApproval ?? false,
        params: this.input.params,
        requestedAt: now(),
        expiresAt: new Date(Date.now() + timeoutMs).toISOString(),
        onTimeout: step.onTimeout ?? 'reject',
        status: 'pending',
      };
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
      if (approval.status === 'approved') {
        return {
          result: undefined,
          summary: `approved by ${approval.decidedBy}${approval.comment ? `: ${approval.comment}` : ''}`,
        };
      }
      if (approval.status === 'expired') {
        throw ApplicationFailure.nonRetryable(
          `approval "${name}" expired after ${Math.round(timeoutMs / 1000)}s`,
          approval.onTimeout === 'escalate' ? RunbookFailure.approvalTimedOut : RunbookFailure.rejected,
        );
      }
      throw ApplicationFailure.nonRetryable(
        `approval "${name}" rejected by ${approval.decidedBy}${approval.comment ? `: ${approval.comment}` : ''}`,
        RunbookFailure.rejected,
      );
    });
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
  ): Promise<{
    result: Record<string, unknown> | undefined;
    summary: string;
    attempts?: number;
    simulated?: boolean;
  }> {
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

/** Names the input's keys only: values may carry tokens. */
function describeInput(input: Record<string, unknown>): string {
  const keys = Object.keys(input);
  return keys.length > 0 ? `input {${keys.join(', ')}}` : 'no input';
}

/** What a runbook body works with. Every step is recorded in the incident's timeline. */
export class RunbookContext<P extends Record<string, unknown>> {
  constructor(
    private readonly runtime: RunbookRuntime,
    readonly params: P,
  ) {}

  get incident(): RunbookIncident {
    return this.runtime.input.incident;
  }

  /** True in a drill: side effects are replaced by recorded no-ops. */
  get dryRun(): boolean {
    return this.runtime.input.dryRun;
  }

  /**
   * An HTTP check or call; fails the step unless the expectation holds (after
   * retries). A POST, PUT, PATCH or DELETE is sent at most once, with an
   * `Idempotency-Key` header, through the action ledger like an action: a
   * timeout, reset or 5xx after it was sent ends the step `outcome_unknown`
   * unless `options.idempotent`.
   */
  async http(
    name: string,
    request: HttpStepRequest,
    options: HttpStepOptions = {},
  ): Promise<{ status: number; body: string }> {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') await this.runtime.ensureRunApproved();
    return this.runtime.step(
      name,
      'http',
      async () => {
        const simulate =
          this.dryRun && (!this.runtime.input.realHttpInDryRun || (method !== 'GET' && method !== 'HEAD'));
        if (simulate) {
          return {
            result: { status: 200, body: '' },
            summary: `would ${method} ${request.url} (simulated)`,
            simulated: true,
          };
        }
        const response = await this.runtime.httpOnce(
          request,
          options,
          `${this.runtime.meta.id}: ${name}`,
          name,
        );
        return {
          result: { status: response.status, body: response.body },
          summary:
            `${method} ${request.url} → ${response.status}` +
            (response.replayed ? ' (already sent, not repeated)' : ''),
          attempts: response.attempt,
        };
      },
      options.retry,
    );
  }

  /** A registered remediation action (an activity); its compensation runs if the run later fails. */
  async action(
    name: string,
    step: ActionStep,
    options: StepOptions = {},
  ): Promise<Record<string, unknown> | undefined> {
    await this.runtime.ensureRunApproved();
    const output = await this.runtime.step(
      name,
      'action',
      () =>
        this.runtime.performAction(name, step.action, step.input, {
          ...options,
          idempotent: step.idempotent,
        }),
      options.retry,
    );
    this.runtime.pushCompensation(name, step.compensate);
    return output;
  }

  /** A human gate: waits for approve or reject through the API. */
  async approval(name: string, step: ApprovalStep): Promise<void> {
    await this.runtime.requestApproval(name, step);
  }

  /** Polls a check until it passes or the deadline; a pass marks the run verified. */
  async verify(name: string, step: VerifyStep): Promise<void> {
    await this.runtime.step(name, 'verify', async () => {
      // Read inside the step, so a bad duration fails this step by name.
      const intervalMs = durationToMs(step.interval ?? '5 seconds');
      const deadlineMs = durationToMs(step.deadline ?? '2 minutes');
      const method = step.check.method ?? 'GET';
      if (this.dryRun && !this.runtime.input.realHttpInDryRun) {
        this.runtime.verified = true;
        return {
          result: undefined,
          summary: `would poll ${method} ${step.check.url} until healthy (simulated)`,
          simulated: true,
        };
      }
      const started = Date.now();
      let checks = 0;
      let last = '';
      for (;;) {
        checks += 1;
        try {
          const response = await this.runtime.httpOnce(
            step.check,
            { retry: { maximumAttempts: 1 } },
            `${this.runtime.meta.id}: ${name} check ${checks}`,
          );
          this.runtime.verified = true;
          return {
            result: undefined,
            summary: `healthy after ${checks} check(s): ${method} ${step.check.url} → ${response.status}`,
            attempts: checks,
          };
        } catch (err) {
          last = failureMessage(err);
        }
        if (Date.now() - started + intervalMs > deadlineMs) {
          throw ApplicationFailure.nonRetryable(
            `not healthy after ${checks} check(s) in ${Math.round(deadlineMs / 1000)}s: ${last}`,
          );
        }
        await sleep(intervalMs, { summary: `${name}: next check` });
      }
    });
  }

  /** Waits (a durable timer). */
  async wait(name: string, duration: Duration): Promise<void> {
    await this.runtime.step(name, 'wait', async () => {
      await sleep(duration, { summary: `${this.runtime.meta.id}: ${name}` });
      return {
        result: undefined,
        summary: `waited ${typeof duration === 'number' ? `${duration} ms` : duration}`,
      };
    });
  }

  /** Sends a message through the incident's notification channels (its current escalation level). */
  async notify(name: string, message: string): Promise<void> {
    await this.runtime.step(name, 'notify', async () => {
      if (this.dryRun) return { result: undefined, summary: `would notify: ${message}`, simulated: true };
      await this.runtime.emit({
        type: 'notify',
        runId: this.runtime.input.runId,
        runbookId: this.runtime.meta.id,
        message,
      });
      return { result: undefined, summary: `notified: ${message}` };
    });
  }

  /** Adds a note to the incident's timeline. */
  async note(text: string): Promise<void> {
    await this.runtime.step('note', 'note', async () => {
      await this.runtime.emit({
        type: 'note',
        runId: this.runtime.input.runId,
        runbookId: this.runtime.meta.id,
        text,
      });
      return { result: undefined, summary: text };
    });
  }
}
