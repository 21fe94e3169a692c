import { ApplicationFailure } from '@temporalio/common';
import { isRedirect, type EgressFetch, type EgressResponse } from './egress';

/**
 * Sends JSON for an activity and sorts failures for Temporal's retries: network
 * errors and 5xx/408/429 are retryable, other 4xx are not (they will not get
 * better). Messages start with `label` and never include the URL, which may
 * carry a token. With `init.fetch` (the egress policy's), a refused
 * destination or a redirect fails without retries as `EgressRefused`.
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
    throw new Error(`${failure.label}request failed (${err instanceof Error ? err.name : 'error'})`);
  }
  if (init.fetch && isRedirect(response.status)) {
    throw ApplicationFailure.nonRetryable(
      `${failure.label}redirect (HTTP ${response.status}) refused: redirects are not followed`,
      'EgressRefused',
    );
  }
  const text = (await response.text()).slice(0, 200);
  if (response.ok) return { status: response.status, text };
  const message = `${failure.label}HTTP ${response.status}${text ? `: ${text}` : ''}`;
  const { status } = response;
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    throw ApplicationFailure.nonRetryable(message, failure.rejectedType);
  }
  throw new Error(message);
}
