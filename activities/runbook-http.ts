// A runbook's HTTP steps: checks, and calls that go through the action ledger.
import { ApplicationFailure } from '@temporalio/common';
import { failureMessage } from '../domain/failure';
import {
  isUnsafeMethod,
  type HttpStepRequest,
  type HttpStepResponse,
  type RunbookHttpRequest,
} from '../domain/runbook';
import { isRedirect, type EgressPolicy, type EgressResponse } from '../infra/egress';
import { OutcomeUnknownError, readBoundedText, requestMayHaveArrived } from '../infra/http';
import type { ActOnce, LedgerClaim } from './action-ledger';
import { activityInfo, withHeartbeats } from './heartbeats';

/** Sends one HTTP request of a runbook step and answers its status and body. */
export type HttpTransport = (
  request: HttpStepRequest & { method: NonNullable<HttpStepRequest['method']> },
  signal: AbortSignal,
) => Promise<{ status: number; body: string }>;

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

/** Where a person checks whether an HTTP step's request arrived: its origin and path, never its query. */
export function httpTarget(method: string, url: string): string {
  try {
    const { origin, pathname } = new URL(url);
    return `the receiver of ${method} ${origin}${pathname}`;
  } catch {
    return `the receiver of the ${method} request`;
  }
}

/** The request, answered: its status and at most MAX_RESPONSE_BODY_BYTES of its body. */
async function send(
  transport: HttpTransport,
  request: RunbookHttpRequest,
  method: NonNullable<HttpStepRequest['method']>,
  signal: AbortSignal,
): Promise<{ status: number; body: string }> {
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

/** What the step expects of an answer: the status and, optionally, a text in its body. */
function expectation(request: RunbookHttpRequest) {
  return {
    statusOk: (status: number) =>
      request.expectStatus ? request.expectStatus.includes(status) : status >= 200 && status <= 299,
    expected: request.expectStatus?.join('/') ?? '2xx',
    bodyProblem: (body: string) =>
      request.expectBodyContains === undefined || body.includes(request.expectBodyContains)
        ? undefined
        : `body does not contain ${JSON.stringify(request.expectBodyContains)}`,
  };
}

/**
 * The `runbookHttp` activity: one HTTP request of a runbook step; throws (so
 * it is retried) unless the expectation holds. A POST, PUT, PATCH or DELETE
 * with an idempotency key is sent at most once, through the action ledger,
 * like an action.
 */
export function createRunbookHttp(transport: HttpTransport, actOnce: ActOnce) {
  /** An unsafe request, sent at most once: once the receiver accepted it, a wrong body is not retried. */
  async function sendOnce(
    request: RunbookHttpRequest & { idempotencyKey: string },
    method: NonNullable<HttpStepRequest['method']>,
  ): Promise<HttpStepResponse> {
    const { attempt, signal } = activityInfo();
    const { statusOk, expected, bodyProblem } = expectation(request);
    const claim: LedgerClaim = {
      idempotencyKey: request.idempotencyKey,
      action: `http ${method}`,
      label: `${method} ${request.url}`,
      target: httpTarget(method, request.url),
      idempotent: request.idempotent === true,
    };
    const done = await actOnce(claim, attempt, signal, async () => {
      const response = await send(transport, request, method, signal);
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

  return async function runbookHttp(request: RunbookHttpRequest): Promise<HttpStepResponse> {
    const method = request.method ?? 'GET';
    const { idempotencyKey } = request;
    if (idempotencyKey && isUnsafeMethod(method)) return sendOnce({ ...request, idempotencyKey }, method);

    const { attempt, signal } = activityInfo();
    const { statusOk, expected, bodyProblem } = expectation(request);
    const response = await withHeartbeats(() => send(transport, request, method, signal)).catch(
      (err: unknown) => {
        // Reading or checking changes nothing: whatever happened, it may be retried.
        if (err instanceof OutcomeUnknownError) throw new Error(err.message);
        throw err;
      },
    );
    const body = response.body.slice(0, 500);
    const problem = statusOk(response.status)
      ? bodyProblem(body)
      : `status ${response.status}, expected ${expected}`;
    if (problem) throw new Error(`${method} ${request.url}: ${problem}`);
    return { ok: true, status: response.status, body, attempt };
  };
}
