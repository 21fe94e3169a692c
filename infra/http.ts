import { ApplicationFailure } from '@temporalio/common';

/**
 * Sends JSON for an activity and sorts failures for Temporal's retries: network
 * errors and 5xx/408/429 are retryable, other 4xx are not (they will not get
 * better). Messages start with `label` and never include the URL, which may
 * carry a token.
 */
export async function sendJson(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal: AbortSignal },
  failure: { label: string; rejectedType: string },
): Promise<{ status: number; text: string }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      body: init.body,
      signal: init.signal,
    });
  } catch (err) {
    throw new Error(`${failure.label}request failed (${err instanceof Error ? err.name : 'error'})`);
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
