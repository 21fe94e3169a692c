import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { MongoUnavailableError } from '../../../infra/mongo';
import { principalOf } from '../../auth';
import { HttpError, ServiceUnavailableError } from '../../errors';
import { formBody } from '../form-action';
import {
  clearSessionCookie,
  readCookie,
  requireCsrfToken,
  rotateCsrfToken,
  SESSION_COOKIE,
  setSessionCookie,
} from '../session';
import { loginPage } from '../views';
import { pageContext, safeNext, sendPage, type UiPage } from './kit';

const keyFromForm: RequestHandler = (req, _res, next) => {
  const body = formBody(req);
  const key = typeof body.key === 'string' ? body.key.trim() : '';
  if (!key) throw new HttpError(400, 'validation_failed', 'Paste your API key.');
  // Verified by the API's guard next; the header is redacted in logs.
  req.headers.authorization = `Bearer ${key}`;
  next();
};

const loginFailed: ErrorRequestHandler = (err, req, res, next) => {
  if (!(err instanceof HttpError) || ![400, 401, 403].includes(err.status)) return next(err);
  res.removeHeader('WWW-Authenticate');
  const problem =
    err.code === 'csrf'
      ? 'The sign-in form had expired. Please try again.'
      : err.status === 401
        ? 'That API key is not valid or was revoked.'
        : err.status === 403
          ? 'That API key lacks the incidents:read scope, which the web UI needs.'
          : err.message;
  sendPage(res, loginPage(pageContext(res), { next: safeNext(formBody(req).next), problem }), err.status);
};

/**
 * Signing in and out: an API key starts a server-side session, whose id the
 * HttpOnly cookie holds; signing out ends the session itself.
 */
export const sessionPage: UiPage = ({ form, guard, sessions }) => {
  const router = Router();

  router.get('/ui/login', (req, res) => {
    const query = req.query as Record<string, unknown>;
    sendPage(
      res,
      loginPage(pageContext(res), {
        next: safeNext(query.next),
        problem:
          query.expired === '1' ? 'Your API key is no longer valid: sign in with a current one.' : undefined,
        notice: query.signedOut === '1' ? 'You are signed out.' : undefined,
      }),
    );
  });

  const signedIn: RequestHandler = async (req, res) => {
    let sessionId: string;
    try {
      ({ sessionId } = await sessions.create(principalOf(res)));
    } catch (err) {
      if (!(err instanceof MongoUnavailableError)) throw err;
      throw new ServiceUnavailableError(
        'Signing in needs MongoDB, which is not answering. Try again shortly; sessions signed in before go on working.',
      );
    }
    // The browser's previous session, if any, ends: one browser, one session.
    const previous = readCookie(req, SESSION_COOKIE);
    if (previous) await sessions.revoke(previous);
    setSessionCookie(req, res, sessionId);
    // A new session gets a new CSRF token, bound to it.
    rotateCsrfToken(req, res, sessionId);
    res.redirect(303, safeNext(formBody(req).next) ?? '/ui/incidents');
  };
  router.post(
    '/ui/login',
    form,
    requireCsrfToken,
    keyFromForm,
    ...guard('incidents:read'),
    signedIn,
    loginFailed,
  );

  router.post('/ui/logout', form, requireCsrfToken, async (req, res) => {
    // Ends the session itself, not just the cookie: a copy of the cookie is worth nothing after.
    const sessionId = readCookie(req, SESSION_COOKIE);
    if (sessionId) await sessions.revoke(sessionId);
    clearSessionCookie(req, res);
    rotateCsrfToken(req, res, undefined);
    res.redirect(303, '/ui/login?signedOut=1');
  });

  return router;
};
