// The `rb` a runbook body calls: each step, recorded through the run's runtime.
import { ApplicationFailure, sleep } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { durationToMs } from '../../domain/duration';
import { failureMessage } from '../../domain/failure';
import type { HttpStepRequest, RunbookIncident } from '../../domain/runbook';
import type {
  ActionStep,
  ApprovalStep,
  HttpStepOptions,
  RunbookContext,
  StepOptions,
  VerifyStep,
} from '../../runbooks/sdk';
import type { RunbookRuntime } from './runtime';

export class RecordedRunbookContext<P extends Record<string, unknown>> implements RunbookContext<P> {
  constructor(
    private readonly runtime: RunbookRuntime,
    readonly params: P,
  ) {}

  get incident(): RunbookIncident {
    return this.runtime.input.incident;
  }

  get dryRun(): boolean {
    return this.runtime.input.dryRun;
  }

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

  async approval(name: string, step: ApprovalStep): Promise<void> {
    await this.runtime.requestApproval(name, step);
  }

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

  async wait(name: string, duration: Duration): Promise<void> {
    await this.runtime.step(name, 'wait', async () => {
      await sleep(duration, { summary: `${this.runtime.meta.id}: ${name}` });
      return {
        result: undefined,
        summary: `waited ${typeof duration === 'number' ? `${duration} ms` : duration}`,
      };
    });
  }

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
