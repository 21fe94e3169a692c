import { ApplicationFailure } from '@temporalio/common';
import { isRedirect, type EgressFetch, type EgressResponse } from './egress';

/**
 * How much of a response body is read. The rest is never downloaded: the
 * stream is cancelled, which drops the connection, so a receiver that answers
 * with an endless body costs a worker this much memory and no more.
 */
export const MAX_RESPONSE_BODY_BYTES = 64 * 1024;

/**
 * A request that may have reached its receiver, whose outcome is not known:
 * a timeout, reset or 5xx after it was sent. Retrying it may act twice.
 */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';
}

/** Error codes of failures before a request left this host: nothing was sent. */
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_INVALID_ARG',
  'ERR_INVALID_URL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);

/**
 * Whether a failed request may have reached its receiver. Only failures known
 * to happen before a byte was sent (refused connection, unknown host, TLS
 * refused, the egress policy) say no; a timeout, a reset or anything unknown
 * says yes.
 */
export function requestMayHaveArrived(err: unknown): boolean {
  if (err instanceof ApplicationFailure && err.type === 'EgressRefused') return false;
  return !errorCodes(err).some((code) => notSentCodes.has(code));
}

/** The `code`s along an error's cause chain (read by shape: errors from another realm fail instanceof). */
function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  for (let cause = err, depth = 0; typeof cause === 'object' && cause !== null && depth < 10; depth++) {
    const { code, cause: next } = cause as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    cause = next;
  }
  return codes;
}

/**
 * The first `limit` bytes of a response body, as text. The stream is cancelled
 * at the bound, so a huge or endless body is neither buffered nor downloaded.
 */
export async function readBoundedText(
  response: Pick<EgressResponse, 'body' | 'text'>,
  limit = MAX_RESPONSE_BODY_BYTES,
): Promise<string> {
  if (response.body === null) return '';
  if (response.body === undefined) return (await response.text()).slice(0, limit);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      const room = limit - bytes;
      if (value.byteLength >= room) return text + decoder.decode(value.subarray(0, room));
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * Sends JSON for an activity and sorts failures for Temporal's retries: network
 * errors and 5xx/408/429 are retryable, other 4xx are not (they will not get
 * better). A failure after the request may have reached the receiver (a
 * timeout, a reset, a 5xx) is an `OutcomeUnknownError`, still retryable here:
 * callers that must not act twice (runbook actions) decide. Messages start
 * with `label` and never include the URL, which may carry a token. With
 * `init.fetch` (the egress policy's), a refused destination or a redirect
 * fails without retries as `EgressRefused`. At most MAX_RESPONSE_BODY_BYTES of
 * the answer are read.
 */
export async function sendJson(
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    signal: AbortSignal;
    fetch?: EgressFetch;
  },
  failure: { label: string; rejectedType: string },
): Promise<{ status: number; text: string }> {
  let response: EgressResponse;
  try {
    // Aborted before anything was sent: say so, rather than that it may have arrived.
    init.signal.throwIfAborted();
  } catch {
    throw new Error(`${failure.label}request not sent (cancelled)`);
  }
  try {
    response = await (init.fetch ?? fetch)(url, {
      method: init.method ?? 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      body: init.body,
      signal: init.signal,
    });
  } catch (err) {
    // The policy's refusal names the host and why, never the URL.
    if (err instanceof ApplicationFailure && err.type === 'EgressRefused')
      throw ApplicationFailure.nonRetryable(`${failure.label}${err.message}`, 'EgressRefused');
    const message = `${failure.label}request failed (${errorName(err)})`;
    throw requestMayHaveArrived(err) ? new OutcomeUnknownError(message) : new Error(message);
  }
  if (init.fetch && isRedirect(response.status)) {
    await response.body?.cancel().catch(() => undefined);
    throw ApplicationFailure.nonRetryable(
      `${failure.label}redirect (HTTP ${response.status}) refused: redirects are not followed`,
      'EgressRefused',
    );
  }
  let text: string;
  try {
    text = await readBoundedText(response);
  } catch (err) {
    // The receiver answered and then the body broke off: it got the request.
    if (!response.ok) text = '';
    else throw new OutcomeUnknownError(`${failure.label}answer broke off (${errorName(err)})`);
  }
  text = text.slice(0, 200);
  if (response.ok) return { status: response.status, text };
  const message = `${failure.label}HTTP ${response.status}${text ? `: ${text}` : ''}`;
  const { status } = response;
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    throw ApplicationFailure.nonRetryable(message, failure.rejectedType);
  }
  if (status >= 500) throw new OutcomeUnknownError(message);
  throw new Error(message);
}

/** An error's name and code, never its message (which may quote the URL). */
function errorName(err: unknown): string {
  const name =
    typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string'
      ? (err as { name: string }).name
      : 'error';
  const codes = errorCodes(err);
  return codes.length > 0 ? `${name}: ${codes.join(', ')}` : name;
}
