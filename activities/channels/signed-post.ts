import { createHmac } from 'node:crypto';
import { sendJson } from '../../infra/http';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * POSTs a JSON body to a receiver of Fireline's own format (the webhook channel, the bridge
 * webhook): with `Idempotency-Key` and `X-Fireline-Timestamp`, and with a secret,
 * `X-Fireline-Signature: sha256=HMAC-SHA256(secret, "<timestamp>.<body>")`. The body is built
 * from the timestamp it is signed with. A refusal (4xx) fails without retry.
 */
export async function postSigned(request: {
  url: string;
  secret?: string;
  idempotencyKey: string;
  body: (timestamp: string) => unknown;
  timeoutMs: number;
  /** Prefixes the failure messages: `bridge webhook: `. */
  label?: string;
}): Promise<{ status: number; text: string }> {
  const timestamp = new Date().toISOString();
  const body = JSON.stringify(request.body(timestamp));
  const headers: Record<string, string> = {
    'Idempotency-Key': request.idempotencyKey,
    'X-Fireline-Timestamp': timestamp,
    ...(request.secret ? { 'X-Fireline-Signature': signWebhook(request.secret, timestamp, body) } : {}),
  };
  return sendJson(
    request.url,
    { headers, body, signal: AbortSignal.timeout(request.timeoutMs) },
    { label: request.label ?? '', rejectedType: 'NotificationRejected' },
  );
}

/** POSTs a JSON message to an incoming webhook (Slack, Teams); `HTTP <status>` when accepted. */
export async function postMessage(
  url: string,
  message: unknown,
  idempotencyKey: string,
  timeoutMs: number,
): Promise<string> {
  const { status } = await sendJson(
    url,
    {
      headers: { 'Idempotency-Key': idempotencyKey },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(timeoutMs),
    },
    { label: '', rejectedType: 'NotificationRejected' },
  );
  return `HTTP ${status}`;
}
