import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActionImpl } from './actions';
import type {
  ActionRequest,
  ActionResponse,
  HttpStepRequest,
  HttpStepResponse,
  RunbookMeta,
  RunbookResult,
} from '../domain/runbook';
import { failureMessage } from '../domain/failure';
import { isRedirect, type EgressPolicy, type EgressResponse } from '../infra/egress';
import { metrics } from '../infra/metrics';
import { isDuplicateKeyError } from '../infra/mongo';
import type { Models } from '../infra/models';

/** Sends one HTTP request of a runbook step and answers its status and body. */
export type HttpTransport = (
  request: HttpStepRequest & { method: NonNullable<HttpStepRequest['method']> },
  signal: AbortSignal,
) => Promise<{ status: number; body: string }>;

export interface RunbookActivityDeps {
  models: Pick<Models, 'ActionLedger' | 'DrillReport'>;
  actions: Record<string, ActionImpl>;
  /** The worker's environment; each action sees only what its runbook declares. */
  secrets: Record<string, string | undefined>;
  /** Metadata of the runbooks, for the secrets each one declares. */
  runbookMetas: RunbookMeta[];
  /** Where HTTP steps and actions may connect (FIRELINE_EGRESS_ALLOW). */
  egress: EgressPolicy;
  /** How HTTP steps reach the network; default fetch through `egress`. The runbook test kit swaps in its mocks. */
  httpTransport?: HttpTransport;
}

/**
 * The real network through the egress policy, with the step's timeout. A
 * redirect is not followed: unless the step expects that status, it fails
 * without retries.
 */
export function fetchTransport(egress: EgressPolicy): HttpTransport {
  return async (request, signal) => {
    const response = await egress.fetch(request.url, {
      method: request.method,
      headers: {
        ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...request.headers,
      },
      body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
      signal: AbortSignal.any([signal, AbortSignal.timeout(request.timeoutMs ?? 10_000)]),
    });
    if (isRedirect(response.status) && !request.expectStatus?.includes(response.status)) {
      throw ApplicationFailure.nonRetryable(
        `redirect (status ${response.status}${redirectTarget(response)}) refused: redirects are not followed`,
        'EgressRefused',
      );
    }
    return { status: response.status, body: await response.text() };
  };
}

/** Where a redirect points, for the step's summary: its host only. */
function redirectTarget(response: EgressResponse): string {
  const location = response.headers.get('location');
  if (!location) return '';
  try {
    return ` to ${new URL(location, 'http://relative.invalid').host}`;
  } catch {
    return '';
  }
}

/** The variables a runbook declares, and only those (undefined when unset). */
function declaredSecrets(
  meta: RunbookMeta,
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  return Object.fromEntries((meta.secrets ?? []).map((name) => [name, env[name]]));
}

/** The activity's attempt number and cancellation signal (1 and a fresh signal outside an activity, for tests). */
function activityInfo(): { attempt: number; signal: AbortSignal } {
  try {
    const ctx = Context.current();
    return { attempt: ctx.info.attempt, signal: ctx.cancellationSignal };
  } catch {
    return { attempt: 1, signal: new AbortController().signal };
  }
}

/**
 * Heartbeats while `work` runs, so that when the worker dies mid-step the
 * server notices within the step's heartbeat timeout instead of waiting for
 * the whole start-to-close timeout before retrying on another worker.
 */
async function withHeartbeats<T>(work: () => Promise<T>): Promise<T> {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return work();
  }
  const everyMs = Math.max(200, (ctx.info.heartbeatTimeoutMs ?? 10_000) / 3);
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** Failure type of an action attempt that will not re-send after one that never reported back. */
export const ActionOutcomeUnknown = 'ActionOutcomeUnknown';

/** Where a person checks whether an action happened, named without secrets (a URL's variable, a command's id). */
export function actionTarget(request: Pick<ActionRequest, 'action' | 'input'>): string {
  const { urlEnv, command } = request.input;
  if (typeof urlEnv === 'string') return `the receiver of ${urlEnv}`;
  if (typeof command === 'string') return `the effect of command ${command} on the worker host`;
  return `the target of action ${request.action}`;
}

export function createRunbookActivities(deps: RunbookActivityDeps) {
  return {
    /** One HTTP request of a runbook step; throws (so it is retried) unless the expectation holds. */
    async runbookHttp(request: HttpStepRequest): Promise<HttpStepResponse> {
      const { attempt, signal } = activityInfo();
      const method = request.method ?? 'GET';
      const transport = deps.httpTransport ?? fetchTransport(deps.egress);
      let response: { status: number; body: string };
      try {
        response = await withHeartbeats(() => transport({ ...request, method }, signal));
      } catch (err) {
        // A refusal will not change on retry: it stays non-retryable, with the step's request named.
        if (err instanceof ApplicationFailure && err.nonRetryable)
          throw ApplicationFailure.nonRetryable(`${method} ${request.url}: ${err.message}`, err.type);
        throw new Error(`${method} ${request.url}: ${failureMessage(err)}`);
      }
      const body = response.body.slice(0, 500);
      const statusOk = request.expectStatus
        ? request.expectStatus.includes(response.status)
        : response.status >= 200 && response.status <= 299;
      const bodyOk = request.expectBodyContains === undefined || body.includes(request.expectBodyContains);
      if (!statusOk || !bodyOk) {
        const problem = !statusOk
          ? `status ${response.status}, expected ${request.expectStatus?.join('/') ?? '2xx'}`
          : `body does not contain ${JSON.stringify(request.expectBodyContains)}`;
        throw new Error(`${method} ${request.url}: ${problem}`);
      }
      return { ok: true, status: response.status, body, attempt };
    },

    /**
     * Runs a registered action at most once per idempotency key: the ledger in
     * MongoDB remembers completed actions, so a retry after a crash returns the
     * earlier result instead of acting again. An earlier attempt that started
     * and never reported back (its worker died mid-call) may or may not have
     * acted: unless the action is declared idempotent, this attempt refuses to
     * re-send blindly and fails with a non-retryable `ActionOutcomeUnknown`.
     */
    async runAction(request: ActionRequest): Promise<ActionResponse> {
      const { attempt, signal } = activityInfo();
      const impl = deps.actions[request.action];
      if (!impl)
        throw ApplicationFailure.nonRetryable(`no action ${request.action} is registered`, 'UnknownAction');
      const meta = deps.runbookMetas.find((m) => m.id === request.runbookId);
      if (!meta)
        throw ApplicationFailure.nonRetryable(
          `no runbook ${request.runbookId} is registered`,
          'UnknownRunbook',
        );
      const done = await deps.models.ActionLedger.findById(request.idempotencyKey).lean();
      if (done?.state === 'completed') {
        metrics.runbookActions.inc({ action: request.action, outcome: 'replayed' });
        return { summary: done.summary ?? 'done', output: done.output, attempt, replayed: true };
      }
      if (done?.state === 'started' && !request.idempotent) {
        metrics.runbookActions.inc({ action: request.action, outcome: 'unknown' });
        const target = actionTarget(request);
        throw ApplicationFailure.create({
          message:
            `an earlier attempt of ${request.action} started at ${done.startedAt.toISOString()} and never ` +
            `reported back: it may or may not have run; check ${target} before retrying ` +
            `(idempotency key ${request.idempotencyKey})`,
          type: ActionOutcomeUnknown,
          nonRetryable: true,
          details: [{ action: request.action, target, idempotencyKey: request.idempotencyKey }],
        });
      }
      if (!done) {
        try {
          await deps.models.ActionLedger.create({
            _id: request.idempotencyKey,
            action: request.action,
            state: 'started',
            startedAt: new Date(),
          });
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
      } else if (done.state === 'failed') {
        // The last attempt ended with an error it saw: this one may act again.
        await deps.models.ActionLedger.updateOne(
          { _id: request.idempotencyKey },
          { $set: { state: 'started', startedAt: new Date() }, $unset: { error: '' } },
        );
      }
      let result: Awaited<ReturnType<ActionImpl>>;
      try {
        result = await withHeartbeats(() =>
          impl(request.input, {
            idempotencyKey: request.idempotencyKey,
            runbookId: request.runbookId,
            secrets: declaredSecrets(meta, deps.secrets),
            signal,
            fetch: deps.egress.fetch,
          }),
        );
      } catch (err) {
        await deps.models.ActionLedger.updateOne(
          { _id: request.idempotencyKey },
          { $set: { state: 'failed', error: failureMessage(err).slice(0, 500) } },
        );
        throw err;
      }
      await deps.models.ActionLedger.updateOne(
        { _id: request.idempotencyKey },
        {
          $set: {
            state: 'completed',
            summary: result.summary,
            output: result.output ?? {},
            completedAt: new Date(),
          },
        },
      );
      return { summary: result.summary, output: result.output, attempt, replayed: false };
    },

    /** Stores a drill's report (keyed by its run id). */
    async saveDrillReport(report: RunbookResult): Promise<void> {
      const { runId, startedAt, endedAt, ...rest } = report;
      await deps.models.DrillReport.updateOne(
        { _id: runId },
        {
          $set: {
            ...rest,
            startedAt: new Date(startedAt),
            endedAt: new Date(endedAt),
            durationMs: Date.parse(endedAt) - Date.parse(startedAt),
          },
        },
        { upsert: true },
      );
    },
  };
}
