// A person's contact methods: where pages reach them besides the catalog's channels.

/** The kinds of contact method; `slack_dm` is declared here, sent by the Slack app. */
export const contactMethodTypes = ['email', 'sms', 'voice', 'push', 'ntfy', 'slack_dm'] as const;
export type ContactMethodType = (typeof contactMethodTypes)[number];

/** A Web Push subscription as the browser's `PushSubscription.toJSON()` gives it. */
export interface PushSubscriptionKeys {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** Where a method sends to, by type. */
export type ContactAddress =
  | { type: 'email'; address: string }
  /** An E.164 number: `+447700900123`. */
  | { type: 'sms'; number: string }
  | { type: 'voice'; number: string }
  | { type: 'push'; subscription: PushSubscriptionKeys }
  /** `tokenEnv` names the environment variable holding an ntfy access token, never the token. */
  | { type: 'ntfy'; server: string; topic: string; tokenEnv?: string }
  | { type: 'slack_dm'; slackUserId: string };

/** A pending confirmation: the code itself is never stored, only its hash. */
export interface VerificationChallenge {
  codeHash: string;
  /** ISO instants. */
  sentAt: string;
  expiresAt: string;
  attempts: number;
}

export type ContactMethod = ContactAddress & {
  /** `cm_…`, unique within the person. */
  id: string;
  label?: string;
  /** Where an imported method came from (`pagerduty:PXXXXXX`). */
  origin?: string;
  createdAt: string;
  /** Set once the person confirmed a code sent to it; only verified methods page. */
  verifiedAt?: string;
  verification?: VerificationChallenge;
};

/** How confirmation codes work: 6 digits, valid 10 minutes, 5 tries; a new code replaces the old one. */
export const VERIFICATION = {
  digits: 6,
  ttlMs: 10 * 60_000,
  maxAttempts: 5,
  /** A person may add this many methods. */
  maxMethodsPerPerson: 20,
} as const;

/** E.164: `+`, a country code, at most 15 digits in all, no leading zero. */
export function isE164(number: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(number);
}

// Country codes of one and two digits (ITU-T E.164 assignments); every other code has three.
const oneDigitCodes = new Set(['1', '7']);
const twoDigitCodes = new Set(
  '20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98'.split(
    ' ',
  ),
);

/** The country code of an E.164 number (`+44…` → `44`). */
export function countryCode(number: string): string {
  const digits = number.slice(1);
  if (oneDigitCodes.has(digits.slice(0, 1))) return digits.slice(0, 1);
  if (twoDigitCodes.has(digits.slice(0, 2))) return digits.slice(0, 2);
  return digits.slice(0, 3);
}

/**
 * A phone number as logs, timelines and post-mortems show it: the country
 * code and the last four digits (`+44 •••• 1234`). Anything that is not an
 * E.164 number is masked whole.
 */
export function maskPhone(number: string): string {
  if (!isE164(number)) return '•••• ••••';
  return `+${countryCode(number)} •••• ${number.slice(-4)}`;
}

/** How a method is named where people read it: the number masked, the push endpoint's host only. */
export function describeContactMethod(method: ContactAddress): string {
  switch (method.type) {
    case 'sms':
    case 'voice':
      return `${method.type} ${maskPhone(method.number)}`;
    case 'email':
      return `email ${method.address}`;
    case 'push':
      return `push via ${hostOf(method.subscription.endpoint)}`;
    case 'ntfy':
      return `ntfy ${hostOf(method.server)}`;
    case 'slack_dm':
      return `slack_dm ${method.slackUserId}`;
  }
}

/**
 * Where a method reaches, in full, for its owner's eyes only (their profile
 * page, their CLI): the number, the address, the ntfy server and topic, the
 * push service's host. Never for logs or the timeline: see describeContactMethod.
 */
export function contactAddressForOwner(method: ContactAddress): string {
  switch (method.type) {
    case 'sms':
    case 'voice':
      return method.number;
    case 'email':
      return method.address;
    case 'ntfy':
      return `${method.server} · ${method.topic}`;
    case 'push':
      return `browser via ${hostOf(method.subscription.endpoint)}`;
    case 'slack_dm':
      return method.slackUserId;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}

/** Why a code cannot be accepted (before comparing it), or undefined when it may be checked. */
export function verificationRefusal(
  challenge: VerificationChallenge | undefined,
  now: Date,
): 'none' | 'expired' | 'too_many_attempts' | undefined {
  if (!challenge) return 'none';
  if (challenge.attempts >= VERIFICATION.maxAttempts) return 'too_many_attempts';
  if (Date.parse(challenge.expiresAt) <= now.getTime()) return 'expired';
  return undefined;
}

/** A fresh challenge for a code hash, sent at `now`. */
export function newChallenge(codeHash: string, now: Date): VerificationChallenge {
  return {
    codeHash,
    sentAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + VERIFICATION.ttlMs).toISOString(),
    attempts: 0,
  };
}

/** The destination a delivery to a person's contact method names: `contact:<personId>:<methodId>`. */
export function contactDestination(personId: string, methodId: string): string {
  return `contact:${personId}:${methodId}`;
}

/** The person and method a `contact:` destination names, or undefined for any other destination. */
export function parseContactDestination(
  destination: string,
): { personId: string; methodId: string } | undefined {
  const match = /^contact:([^:]+):(cm_[A-Za-z0-9_-]+)$/.exec(destination);
  return match ? { personId: match[1]!, methodId: match[2]! } : undefined;
}

/** Text with every phone number in it masked: a provider's error message may quote the number. */
export function maskPhonesIn(text: string): string {
  return text.replace(/\+?[1-9]\d{6,14}\b/g, (found) =>
    maskPhone(found.startsWith('+') ? found : `+${found}`),
  );
}
