import { ApplicationFailure } from '@temporalio/common';
import type { EgressPolicy } from '../egress';
import { readBoundedText } from '../http';

/** One ntfy action button (https://docs.ntfy.sh/publish/#action-buttons). */
export type NtfyAction =
  | { action: 'http'; label: string; url: string; method?: 'POST'; clear?: boolean }
  | { action: 'view'; label: string; url: string };

/** A message published as JSON (https://docs.ntfy.sh/publish/#publish-as-json). */
export interface NtfyMessage {
  topic: string;
  title: string;
  message: string;
  /** 1 (min) … 5 (max/urgent). */
  priority: 1 | 2 | 3 | 4 | 5;
  tags?: string[];
  click?: string;
  /** At most three. */
  actions?: NtfyAction[];
}

/**
 * Publishes to an ntfy server: JSON POSTed to the server's root URL (not the
 * topic's), with `Authorization: Bearer <token>` when the method has one.
 * Answers the message id ntfy assigned (ntfy has no delivery receipts).
 */
export async function publishNtfy(
  request: { server: string; token?: string; message: NtfyMessage; timeoutMs: number },
  egress: EgressPolicy,
): Promise<string> {
  const root = `${request.server.replace(/\/+$/, '')}/`;
  const response = await egress.fetch(root, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
    },
    body: JSON.stringify(request.message),
    signal: AbortSignal.timeout(request.timeoutMs),
  });
  const text = await readBoundedText(response);
  if (response.status >= 400 && response.status < 500 && response.status !== 429) {
    throw ApplicationFailure.nonRetryable(
      `ntfy refused the message: HTTP ${response.status}`,
      'NotificationRejected',
    );
  }
  if (!response.ok) throw new Error(`ntfy answered HTTP ${response.status}`);
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'string' ? id : 'unknown';
  } catch {
    return 'unknown';
  }
}
