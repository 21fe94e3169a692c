import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { HttpError } from '../errors';

/**
 * The session's random id (HttpOnly: page scripts never see it). The API key the
 * user signed in with never leaves the sign-in request; the session is kept
 * server-side (infra/ui-sessions.ts), so signing out ends it everywhere.
 */
export const SESSION_COOKIE = 'fireline_session';
/**
 * CSRF cookie: a random value. Forms carry it as it is before sign-in, and bound to the
 * session (an HMAC of it keyed by the session id) after: a cookie planted by another
 * site or subdomain is worth nothing without the session id, which page scripts cannot read.
 */
export const CSRF_COOKIE = 'fireline_csrf';
/** Name of the hidden form field carrying the CSRF token. */
export const CSRF_FIELD = '_csrf';

/** Both cookies are scoped to the web UI; the JSON API never reads them. */
const COOKIE_PATH = '/ui';
/** A session lasts at most this long (signing out or revoking its key ends it sooner). */
export const SESSION_MAX_AGE_SECONDS = 12 * 3600;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Reads one cookie from the request (no cookie-parser dependency). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function setCookie(
  req: Request,
  res: Response,
  name: string,
  value: string,
  maxAgeSeconds: number | undefined,
): void {
  const attributes = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${COOKIE_PATH}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(maxAgeSeconds === undefined ? [] : [`Max-Age=${maxAgeSeconds}`]),
    // `trust proxy` is off, so req.secure is true only when Node itself terminates TLS; behind a
    // TLS-terminating proxy, an https PUBLIC_URL says the browser speaks HTTPS (secureCookies).
    ...(req.secure || res.locals.secureCookies === true ? ['Secure'] : []),
  ];
  res.append('Set-Cookie', attributes.join('; '));
}

export function setSessionCookie(req: Request, res: Response, sessionId: string): void {
  setCookie(req, res, SESSION_COOKIE, sessionId, SESSION_MAX_AGE_SECONDS);
}

export function clearSessionCookie(req: Request, res: Response): void {
  setCookie(req, res, SESSION_COOKIE, '', 0);
}

/** What a form must carry for this CSRF cookie: the cookie itself, or bound to the session. */
function formToken(csrfCookie: string, sessionId: string | undefined): string {
  return sessionId ? createHmac('sha256', sessionId).update(csrfCookie).digest('base64url') : csrfCookie;
}

/**
 * A fresh CSRF cookie, and the token for the forms of the page being rendered, bound to
 * the session as it is after this response (none once signed out).
 */
export function rotateCsrfToken(req: Request, res: Response, sessionId: string | undefined): string {
  const cookie = randomBytes(32).toString('base64url');
  setCookie(req, res, CSRF_COOKIE, cookie, undefined);
  res.locals.csrfToken = formToken(cookie, sessionId);
  return res.locals.csrfToken as string;
}

/** The CSRF token of this response's forms (set by `ensureCsrfToken`). */
export function csrfTokenOf(res: Response): string {
  return typeof res.locals.csrfToken === 'string' ? res.locals.csrfToken : '';
}

/** Gives every UI response a CSRF token: from the browser's cookie if it has a well-formed one, else a new one. */
export const ensureCsrfToken: RequestHandler = (req, res, next) => {
  const existing = readCookie(req, CSRF_COOKIE);
  if (existing && TOKEN_SHAPE.test(existing))
    res.locals.csrfToken = formToken(existing, readCookie(req, SESSION_COOKIE));
  else rotateCsrfToken(req, res, readCookie(req, SESSION_COOKIE));
  next();
};

/** Compares in constant time; hashing first makes the lengths equal. */
function sameToken(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Check for a form POST: the hidden field must be the token of the CSRF cookie and, once
 * signed in, of the session. A page on another site can make the browser send the
 * cookies, but cannot read them to put the token in the form.
 */
export const requireCsrfToken: RequestHandler = (req, _res, next) => {
  const cookie = readCookie(req, CSRF_COOKIE);
  const body = req.body as Record<string, unknown> | undefined;
  const field = body?.[CSRF_FIELD];
  if (
    !cookie ||
    !TOKEN_SHAPE.test(cookie) ||
    typeof field !== 'string' ||
    !sameToken(formToken(cookie, readCookie(req, SESSION_COOKIE)), field)
  ) {
    throw new HttpError(
      403,
      'csrf',
      'This form has expired or did not come from Fireline. Go back, reload the page and try again.',
    );
  }
  next();
};

/**
 * Makes the web UI authenticate by its session cookie only: the API's own guard
 * checks the session (same scope checks and rate limit as a key), and an
 * Authorization header sent by anything else is ignored.
 */
export const sessionFromCookie: RequestHandler = (req, res, next) => {
  delete req.headers.authorization;
  const sessionId = readCookie(req, SESSION_COOKIE);
  if (sessionId) res.locals.uiSessionId = sessionId;
  next();
};
