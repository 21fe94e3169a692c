import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActionImpl } from './actions';
import {
  isUnsafeMethod,
  type ActionRequest,
  type ActionResponse,
  type HttpStepRequest,
  type HttpStepResponse,
  type RunbookHttpRequest,
  type RunbookMeta,
  type RunbookResult,
} from '../domain/runbook';
import { failureMessage } from '../domain/failure';
import { isRedirect, type EgressPolicy, type EgressResponse } from '../infra/egress';
import { OutcomeUnknownError, readBoundedText, requestMayHaveArrived } from '../infra/http';
import { metrics } from '../infra/metrics';
import { isDuplicateKeyError } from '../infra/mongo';
import type { ActionLedgerEntry, Models } from '../infra/models';

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
  /** How long an attempt that finds another one holding its action waits for that one's report; default 10 s. */
  ledgerWaitMs?: number;
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
      await response.body?.cancel().catch(() => undefined);
      throw ApplicationFailure.nonRetryable(
        `redirect (status ${response.status}${redirectTarget(response)}) refused: redirects are not followed`,
        'EgressRefused',
      );
    }
    return { status: response.status, body: await readBoundedText(response) };
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

/** Where a person checks whether an HTTP step's request arrived: its origin and path, never its query. */
export function httpTarget(method: string, url: string): string {
  try {
    const { origin, pathname } = new URL(url);
    return `the receiver of ${method} ${origin}${pathname}`;
  } catch {
    return `the receiver of the ${method} request`;
  }
}

/** An error an action throws when its request may have arrived and its outcome is not known. */
function isOutcomeUnknown(err: unknown): boolean {
  return (
    err instanceof OutcomeUnknownError ||
    (err instanceof ApplicationFailure && err.type === ActionOutcomeUnknown)
  );
}

/** Id of the ledger document that locks the n-th claim (n ≥ 2) of an action: only one insert of it succeeds. */
export function ledgerClaimId(idempotencyKey: string, n: number): string {
  return `claim:${n}:${idempotencyKey}`;
}

/** One side effect as the ledger sees it. */
interface LedgerClaim {
  idempotencyKey: string;
  /** `webhook`, `http POST`: what the ledger entry records. */
  action: string;
  /** For messages: `webhook`, `POST https://…`. */
  label: string;
  /** Where a person checks whether it happened. */
  target: string;
  idempotent: boolean;
}

type Effect = { summary: string; output?: Record<string, unknown> };

/** The cancellation (or timeout) of this attempt, thrown before it acts. */
function stopIfCancelled(signal: AbortSignal): void {
  if (signal.aborted)
    throw signal.reason instanceof Error ? signal.reason : new Error('the attempt was cancelled');
}

export function createRunbookActivities(deps: RunbookActivityDeps) {
  const ledger = deps.models.ActionLedger;
  const waitForHolderMs = deps.ledgerWaitMs ?? 10_000;

  function outcomeUnknown(claim: LedgerClaim, why: string): ApplicationFailure {
    return ApplicationFailure.create({
      message:
        `${why}: it may or may not have run; check ${claim.target} before retrying ` +
        `(idempotency key ${claim.idempotencyKey})`,
      type: ActionOutcomeUnknown,
      nonRetryable: true,
      details: [{ action: claim.action, target: claim.target, idempotencyKey: claim.idempotencyKey }],
    });
  }

  function replay(claim: LedgerClaim, entry: ActionLedgerEntry): Effect & { replayed: boolean } {
    metrics.runbookActions.inc({ action: claim.action, outcome: 'replayed' });
    return { summary: entry.summary ?? 'done', output: entry.output, replayed: true };
  }

  /** Polls the entry until the attempt holding it reports (or the wait ends). */
  async function awaitHolder(
    key: string,
    claimLost: number,
    signal: AbortSignal,
  ): Promise<ActionLedgerEntry | null> {
    const deadline = Date.now() + waitForHolderMs;
    for (;;) {
      const entry = await ledger.findById(key).lean();
      const reported = entry && (entry.claims ?? 1) >= claimLost && entry.state !== 'started';
      if (reported || entry?.state === 'completed' || Date.now() >= deadline || signal.aborted) return entry;
      await delay(200, undefined, { signal }).catch(() => undefined);
    }
  }

  /**
   * Performs `act` at most once per idempotency key. Inserting the claim is
   * the lock: of attempts racing for an action, only the one whose insert
   * succeeds acts; the others wait for its report and answer it, and never act.
   * A completed action is answered from the ledger. An attempt that never
   * reported back, or one whose request may have arrived (a timeout, a reset,
   * a 5xx), leaves the outcome unknown: unless the action is idempotent, no
   * later attempt re-sends it; it fails with a non-retryable
   * `ActionOutcomeUnknown` for a person to check. The attempt heartbeats from
   * before its first ledger write, so a slow MongoDB does not time it out; and
   * one that was cancelled or timed out before acting does not act.
   */
  async function actOnce(
    claim: LedgerClaim,
    attempt: number,
    signal: AbortSignal,
    act: () => Promise<Effect>,
  ): Promise<Effect & { replayed: boolean }> {
    const key = claim.idempotencyKey;
    return withHeartbeats(async () => {
      stopIfCancelled(signal);
      const found = await ledger.findById(key).lean();
      if (found?.state === 'completed') return replay(claim, found);
      if (found && !claim.idempotent && (found.state === 'started' || found.state === 'unknown')) {
        metrics.runbookActions.inc({ action: claim.action, outcome: 'unknown' });
        throw outcomeUnknown(
          claim,
          found.state === 'started'
            ? `an earlier attempt of ${claim.label} started at ${found.startedAt.toISOString()} and never reported back`
            : `an earlier attempt of ${claim.label} ended with its outcome unknown (${found.error ?? 'no reason given'})`,
        );
      }

      const claimNumber = found ? (found.claims ?? 1) + 1 : 1;
      const owner = `${attempt}:${randomUUID()}`;
      const startedAt = new Date();
      try {
        await ledger.create(
          claimNumber === 1
            ? { _id: key, action: claim.action, state: 'started', startedAt, claims: 1, owner }
            : {
                _id: ledgerClaimId(key, claimNumber),
                action: claim.action,
                state: 'claim',
                startedAt,
                owner,
              },
        );
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        // Another attempt holds this action: it alone acts. Answer with its report.
        const held = await awaitHolder(key, claimNumber, signal);
        if (held?.state === 'completed') return replay(claim, held);
        stopIfCancelled(signal);
        if (!claim.idempotent && held?.state !== 'failed') {
          metrics.runbookActions.inc({ action: claim.action, outcome: 'unknown' });
          throw outcomeUnknown(
            claim,
            held?.state === 'unknown'
              ? `another attempt of ${claim.label} ended with its outcome unknown (${held.error ?? 'no reason given'})`
              : `another attempt of ${claim.label} holds it and has not reported back`,
          );
        }
        throw new Error(
          `${claim.label}: another attempt holds idempotency key ${key} (${held?.state ?? 'no entry'}); ` +
            'this one does not act, a retry looks again',
        );
      }
      if (claimNumber > 1) {
        await ledger.updateOne(
          { _id: key },
          { $set: { state: 'started', startedAt, claims: claimNumber, owner }, $unset: { error: '' } },
        );
      }

      // Timed out or cancelled while claiming: nothing was sent, so hand the action back.
      if (signal.aborted) {
        await ledger.updateOne(
          { _id: key },
          { $set: { state: 'failed', error: 'the attempt stopped before acting; nothing was sent' } },
        );
        stopIfCancelled(signal);
      }

      let effect: Effect;
      try {
        effect = await act();
      } catch (err) {
        // Cancelled or timed out mid-request: it may have arrived.
        const unknown = isOutcomeUnknown(err) || signal.aborted;
        const error = failureMessage(err).slice(0, 500);
        await ledger.updateOne({ _id: key }, { $set: { state: unknown ? 'unknown' : 'failed', error } });
        if (!unknown || signal.aborted) throw err;
        metrics.runbookActions.inc({ action: claim.action, outcome: 'unknown' });
        if (claim.idempotent)
          throw new Error(`${error}; the next attempt re-sends with the same idempotency key`);
        throw outcomeUnknown(claim, `${claim.label} may have reached its target and failed (${error})`);
      }
      await ledger.updateOne(
        { _id: key },
        {
          $set: {
            state: 'completed',
            summary: effect.summary,
            output: effect.output ?? {},
            completedAt: new Date(),
          },
        },
      );
      return { ...effect, replayed: false };
    });
  }

  /** The request, answered: its status and at most MAX_RESPONSE_BODY_BYTES of its body. */
  async function send(
    request: RunbookHttpRequest,
    method: NonNullable<HttpStepRequest['method']>,
    signal: AbortSignal,
  ): Promise<{ status: number; body: string }> {
    const transport = deps.httpTransport ?? fetchTransport(deps.egress);
    const { idempotencyKey, idempotent: _, ...step } = request;
    try {
      return await transport(
        {
          ...step,
          method,
          ...(idempotencyKey ? { headers: { ...step.headers, 'Idempotency-Key': idempotencyKey } } : {}),
        },
        signal,
      );
    } catch (err) {
      // A refusal will not change on retry: it stays non-retryable, with the step's request named.
      if (err instanceof ApplicationFailure && err.nonRetryable)
        throw ApplicationFailure.nonRetryable(`${method} ${request.url}: ${err.message}`, err.type);
      const message = `${method} ${request.url}: ${failureMessage(err)}`;
      throw requestMayHaveArrived(err) ? new OutcomeUnknownError(message) : new Error(message);
    }
  }

  return {
    /**
     * One HTTP request of a runbook step; throws (so it is retried) unless the
     * expectation holds. A POST, PUT, PATCH or DELETE with an idempotency key
     * is sent at most once, through the action ledger, like an action.
     */
    async runbookHttp(request: RunbookHttpRequest): Promise<HttpStepResponse> {
      const { attempt, signal } = activityInfo();
      const method = request.method ?? 'GET';
      const statusOk = (status: number) =>
        request.expectStatus ? request.expectStatus.includes(status) : status >= 200 && status <= 299;
      const expected = request.expectStatus?.join('/') ?? '2xx';
      const bodyProblem = (body: string) =>
        request.expectBodyContains === undefined || body.includes(request.expectBodyContains)
          ? undefined
          : `body does not contain ${JSON.stringify(request.expectBodyContains)}`;

      if (request.idempotencyKey && isUnsafeMethod(method)) {
        const claim: LedgerClaim = {
          idempotencyKey: request.idempotencyKey,
          action: `http ${method}`,
          label: `${method} ${request.url}`,
          target: httpTarget(method, request.url),
          idempotent: request.idempotent === true,
        };
        const done = await actOnce(claim, attempt, signal, async () => {
          const response = await send(request, method, signal);
          if (!statusOk(response.status)) {
            const problem = `${method} ${request.url}: status ${response.status}, expected ${expected}`;
            // A 5xx may come after the receiver acted; any other answer says it did not.
            throw response.status >= 500 ? new OutcomeUnknownError(problem) : new Error(problem);
          }
          return {
            summary: `${method} ${request.url} → ${response.status}`,
            output: { status: response.status, body: response.body.slice(0, 500) },
          };
        });
        const status = Number(done.output?.status);
        const body = typeof done.output?.body === 'string' ? done.output.body : '';
        const problem = bodyProblem(body);
        // The receiver accepted it: sending again would act twice.
        if (problem)
          throw ApplicationFailure.nonRetryable(`${method} ${request.url}: ${problem}`, 'HttpStepFailed');
        return { ok: true, status, body, attempt, ...(done.replayed ? { replayed: true } : {}) };
      }

      const response = await withHeartbeats(() => send(request, method, signal)).catch((err: unknown) => {
        // Reading or checking changes nothing: whatever happened, it may be retried.
        if (err instanceof OutcomeUnknownError) throw new Error(err.message);
        throw err;
      });
      const body = response.body.slice(0, 500);
      const problem = statusOk(response.status)
        ? bodyProblem(body)
        : `status ${response.status}, expected ${expected}`;
      if (problem) throw new Error(`${method} ${request.url}: ${problem}`);
      return { ok: true, status: response.status, body, attempt };
    },

    /**
     * Runs a registered action at most once per idempotency key (see actOnce):
     * the ledger in MongoDB remembers completed actions, so a retry after a
     * crash returns the earlier result instead of acting again; an attempt
     * whose outcome is unknown is not repeated unless the action is declared
     * idempotent.
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
      const claim: LedgerClaim = {
        idempotencyKey: request.idempotencyKey,
        action: request.action,
        label: request.action,
        target: actionTarget(request),
        idempotent: request.idempotent === true,
      };
      const done = await actOnce(claim, attempt, signal, () =>
        impl(request.input, {
          idempotencyKey: request.idempotencyKey,
          runbookId: request.runbookId,
          secrets: declaredSecrets(meta, deps.secrets),
          signal,
          fetch: deps.egress.fetch,
        }),
      );
      return { summary: done.summary, output: done.output, attempt, replayed: done.replayed };
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
