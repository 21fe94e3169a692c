import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack refuses requests older than five minutes; so does Fireline (a replayed request is refused). */
export const maxSlackRequestAgeSeconds = 5 * 60;

/**
 * Checks a request from Slack as Slack documents ("Verifying requests from
 * Slack"): HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body>` with the
 * app's signing secret, hex, prefixed `v0=`, compared in constant time; the
 * timestamp within five minutes of now. Answers what is wrong, or undefined.
 */
export function slackSignatureProblem(input: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
  nowSeconds: number;
}): string | undefined {
  const { timestamp, signature } = input;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp))
    return 'X-Slack-Request-Timestamp is missing or not a number';
  if (Math.abs(input.nowSeconds - Number(timestamp)) > maxSlackRequestAgeSeconds)
    return 'X-Slack-Request-Timestamp is more than five minutes from now';
  if (!signature || !signature.startsWith('v0=')) return 'X-Slack-Signature is missing';
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return 'X-Slack-Signature does not match';
  return undefined;
}

/** The `X-Slack-Signature` of a body: what Slack sends, and what tests sign with. */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

/**
 * The signatures of the requests already accepted, each kept until its
 * timestamp is out of the five-minute window (from then on the timestamp alone
 * refuses it): the same signed request a second time is a replay. Per process.
 */
export class SeenSlackSignatures {
  private readonly until = new Map<string, number>();
  private sweptAt = 0;

  /** Remembers a verified request's signature; false when it was accepted before. */
  firstTime(signature: string, timestampSeconds: number, nowSeconds: number): boolean {
    if (nowSeconds - this.sweptAt >= 30) {
      for (const [seen, until] of this.until) if (until < nowSeconds) this.until.delete(seen);
      this.sweptAt = nowSeconds;
    }
    const until = this.until.get(signature);
    if (until !== undefined && until >= nowSeconds) return false;
    this.until.set(signature, timestampSeconds + maxSlackRequestAgeSeconds);
    return true;
  }
}
