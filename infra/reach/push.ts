import webpush from 'web-push';
import type { PushSubscriptionKeys } from '../../domain/contact-methods';
import type { EgressPolicy } from '../egress';
import { unsetNames } from './settings';

/** The VAPID key pair and subject (`mailto:` or `https:`) from the environment. */
export interface VapidSettings {
  publicKey: string;
  privateKey: string;
  subject: string;
}

const vapidVariables = ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT'];

export function missingVapidSettings(secrets: Record<string, string | undefined>): string[] {
  return unsetNames(secrets, vapidVariables);
}

export function vapidConfigured(secrets: Record<string, string | undefined>): boolean {
  return vapidVariables.some((name) => Boolean(secrets[name]));
}

export function vapidSettings(secrets: Record<string, string | undefined>): VapidSettings | undefined {
  if (missingVapidSettings(secrets).length > 0) return undefined;
  return {
    publicKey: secrets.VAPID_PUBLIC_KEY!,
    privateKey: secrets.VAPID_PRIVATE_KEY!,
    subject: secrets.VAPID_SUBJECT!,
  };
}

/**
 * Why Fireline will not send to a person-supplied URL (a push endpoint, an
 * ntfy server), or undefined: it must be https, unless its host is allowed by
 * name or address in FIRELINE_EGRESS_ALLOW (the local stack and the tests
 * allow loopback). The egress policy then checks where it resolves to.
 */
export function endpointRefusal(url: string, egress: EgressPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && egress.explicitlyAllows(parsed.hostname)) return undefined;
  return parsed.protocol === 'http:'
    ? `must be https (http only for a host allowed in FIRELINE_EGRESS_ALLOW)`
    : 'must be an https URL';
}

export interface WebPushMessage {
  subscription: PushSubscriptionKeys;
  /** JSON, under about 3 KB: the whole payload travels in one 4096-byte record. */
  payload: string;
  vapid: VapidSettings;
  /** How long the push service keeps it for an offline device. */
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** Replaces an undelivered push with the same topic (≤ 32 base64url characters). */
  topic?: string;
  timeoutMs: number;
}

/**
 * Encrypts (aes128gcm) and signs (VAPID) with web-push, and POSTs through the
 * egress policy: web-push's own sendNotification always uses https.request,
 * and would bypass the policy. Answers the push service's status; a non-2xx
 * is thrown as PushRejected.
 */
export async function sendWebPush(message: WebPushMessage, egress: EgressPolicy): Promise<number> {
  const request = webpush.generateRequestDetails(message.subscription, message.payload, {
    vapidDetails: message.vapid,
    TTL: message.ttlSeconds,
    urgency: message.urgency,
    ...(message.topic ? { topic: message.topic } : {}),
    contentEncoding: 'aes128gcm',
  });
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
  const response = await egress.fetch(request.endpoint, {
    method: request.method,
    headers,
    body: request.body,
    signal: AbortSignal.timeout(message.timeoutMs),
  });
  await response.text().catch(() => '');
  if (response.status < 200 || response.status > 299) throw new PushRejected(response.status);
  return response.status;
}

/** The push service refused: 404/410 mean the subscription is gone. */
export class PushRejected extends Error {
  override readonly name = 'PushRejected';
  constructor(readonly status: number) {
    super(
      status === 404 || status === 410
        ? `the push subscription is gone (HTTP ${status}): the person must subscribe again`
        : `the push service answered HTTP ${status}`,
    );
  }
}
