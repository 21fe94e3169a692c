// Signed one-click action links (an email page's "Acknowledge", a push or ntfy button): the token
// is the only credential, so it names one incident, one action, one person and an expiry, signed
// with ACTION_LINK_SECRET. Built by the notification activity when it sends, verified by the API.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a link may do: acknowledging is harmless to repeat and stops the paging. */
export const actionLinkActions = ['acknowledge'] as const;
export type ActionLinkAction = (typeof actionLinkActions)[number];

/** Where the link was sent, as the timeline names it: `user:bob (via email link)`. */
export const actionLinkVias = ['email link', 'push', 'ntfy'] as const;
export type ActionLinkVia = (typeof actionLinkVias)[number];

export interface ActionLinkClaims {
  incidentId: string;
  personId: string;
  action: ActionLinkAction;
  via: ActionLinkVia;
  /** Unix time in seconds after which the link does nothing. */
  expiresAt: number;
}

/** How the links are signed and where they point: off (undefined) without ACTION_LINK_SECRET or PUBLIC_URL. */
export interface ActionLinkSettings {
  secret: string;
  ttlSeconds: number;
  publicUrl: string;
}

/** The settings from the configuration, or undefined when links are off. */
export function actionLinkSettings(config: {
  ACTION_LINK_SECRET?: string;
  ACTION_LINK_TTL_SECONDS?: number;
  PUBLIC_URL?: string;
}): ActionLinkSettings | undefined {
  if (!config.ACTION_LINK_SECRET || !config.PUBLIC_URL) return undefined;
  return {
    secret: config.ACTION_LINK_SECRET,
    ttlSeconds: config.ACTION_LINK_TTL_SECONDS ?? 3600,
    publicUrl: config.PUBLIC_URL,
  };
}

// A domain label in the MAC: a token signed for something else with the same secret cannot pass.
const LABEL = 'fireline-action-link.v1.';

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret)
    .update(LABEL + payload)
    .digest();
}

/** `<claims as base64url JSON>.<HMAC-SHA256 as base64url>`. */
export function signActionToken(secret: string, claims: ActionLinkClaims): string {
  const payload = Buffer.from(
    JSON.stringify({
      i: claims.incidentId,
      p: claims.personId,
      a: claims.action,
      v: claims.via,
      e: claims.expiresAt,
    }),
  ).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

export type ActionTokenCheck =
  { ok: true; claims: ActionLinkClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const TOKEN = /^([A-Za-z0-9_-]{1,1000})\.([A-Za-z0-9_-]{43})$/;

/** Whether the token is one this secret signed, still valid, for an action links may do. */
export function verifyActionToken(secret: string, token: string, nowMs = Date.now()): ActionTokenCheck {
  const match = TOKEN.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, payload, signature] = match as unknown as [string, string, string];
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'forged' };
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const { i, p, a, v, e } = raw ?? {};
  if (
    typeof i !== 'string' ||
    typeof p !== 'string' ||
    typeof e !== 'number' ||
    !actionLinkActions.includes(a as ActionLinkAction) ||
    !actionLinkVias.includes(v as ActionLinkVia)
  )
    return { ok: false, reason: 'malformed' };
  if (e * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    claims: {
      incidentId: i,
      personId: p,
      action: a as ActionLinkAction,
      via: v as ActionLinkVia,
      expiresAt: e,
    },
  };
}

/** Where a token's confirm page is: `<PUBLIC_URL>/v1/act/<token>`. */
export const ACTION_LINK_PATH = '/v1/act/';

/** A signed link for one person to take one action on one incident, valid `ttlSeconds` from now. */
export function actionLinkUrl(
  settings: ActionLinkSettings,
  claims: Omit<ActionLinkClaims, 'expiresAt'>,
  nowMs = Date.now(),
): string {
  const token = signActionToken(settings.secret, {
    ...claims,
    expiresAt: Math.floor(nowMs / 1000) + settings.ttlSeconds,
  });
  return `${settings.publicUrl.replace(/\/+$/, '')}${ACTION_LINK_PATH}${token}`;
}

/** The path with an action link's token replaced, for logs. */
export function redactActionLinkPath(path: string): string {
  return path.startsWith(ACTION_LINK_PATH)
    ? `${ACTION_LINK_PATH}[redacted]${path.slice(ACTION_LINK_PATH.length).replace(/^[^/?#]*/, '')}`
    : path;
}
