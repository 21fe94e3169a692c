import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { personById, type ApiScope } from '../../domain/rights';
import type { Principal } from '../../infra/api-keys';
import { MongoUnavailableError } from '../../infra/mongo';
import type { UiSessionStore } from '../../infra/ui-sessions';
import { incidentIdBody } from '../../workflows/incident/ids';
import type { Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError, NotFoundError, ServiceUnavailableError } from '../errors';
import { liveJs, styleCss } from './assets';
import { appIconPng, appIconSizes, profileJs, serviceWorkerJs, webManifest } from './push-assets';
import { uiPages } from './pages';
import { pageContext, safeNext, sendPage, type PageKit } from './pages/kit';
import {
  clearSessionCookie,
  ensureCsrfToken,
  readCookie,
  requireCsrfToken,
  SESSION_COOKIE,
  sessionFromCookie,
} from './session';
import { errorPage } from './views';

export { MONGODB_UNAVAILABLE_NOTICE } from './pages/incident';

/** A path under one incident's page, capturing the incident id. */
const incidentPagePath = new RegExp(`^/ui/incidents/(${incidentIdBody})(/|$)`);

/**
 * The web UI's own Content-Security-Policy: helmet's default without
 * 'unsafe-inline' styles (the UI has none) and with upgrade-insecure-requests
 * only over HTTPS — over plain HTTP on a host other than localhost that
 * directive would send the stylesheet, script and forms to https:// and break the page.
 */
const CSP = [
  "default-src 'self'",
  "base-uri 'none'",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
].join('; ');

export interface WebUiOptions {
  /** Temporal Web UI base URL for workflow links (default: the config's TEMPORAL_UI_URL; none = no links). */
  temporalUiUrl?: string;
}

/** Errors become pages: no key → the sign-in page, others → a page saying what went wrong. */
export const uiErrors: ErrorRequestHandler = (thrown, req, res, next) => {
  if (res.headersSent) return next(thrown);
  const err: unknown =
    thrown instanceof MongoUnavailableError
      ? new ServiceUnavailableError('MongoDB is not answering, and this page needs it. Retry shortly.')
      : thrown;
  const failure = err as { status?: unknown; expose?: unknown; message?: unknown };
  const status =
    err instanceof HttpError
      ? err.status
      : typeof failure.status === 'number' && failure.status >= 400 && failure.status < 600
        ? failure.status
        : 500;
  if (err instanceof ServiceUnavailableError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  if (status === 401) {
    const hadSession = readCookie(req, SESSION_COOKIE) !== undefined;
    if (hadSession) clearSessionCookie(req, res);
    res.removeHeader('WWW-Authenticate');
    const query = new URLSearchParams();
    const next = req.method === 'GET' ? safeNext(req.originalUrl) : undefined;
    if (next) query.set('next', next);
    if (hadSession) query.set('expired', '1');
    res.redirect(303, `/ui/login${query.size ? `?${query.toString()}` : ''}`);
    return;
  }
  if (status >= 500) req.log.error({ err }, 'unhandled error in the web UI');
  const message =
    err instanceof HttpError
      ? err.message
      : status < 500 && failure.expose === true && typeof failure.message === 'string'
        ? failure.message
        : 'Internal server error. The details are in the server log.';
  const incident = incidentPagePath.exec(req.path)?.[1];
  sendPage(
    res,
    errorPage(
      pageContext(res),
      status,
      message,
      incident ? { href: `/ui/incidents/${incident}`, label: `Back to ${incident}` } : undefined,
    ),
    status,
  );
};

/** The stylesheet and script, cached for good: their content never changes under one URL. */
function staticAssets(router: Router): void {
  router.get('/ui/static/style.css', (_req, res) => {
    res.type('text/css; charset=utf-8').set('Cache-Control', 'public, max-age=31536000, immutable');
    res.send(styleCss);
  });
  router.get('/ui/static/live.js', (_req, res) => {
    res.type('text/javascript; charset=utf-8').set('Cache-Control', 'public, max-age=31536000, immutable');
    res.send(liveJs);
  });
  router.get('/ui/static/profile.js', (_req, res) => {
    res.type('text/javascript; charset=utf-8').set('Cache-Control', 'public, max-age=31536000, immutable');
    res.send(profileJs);
  });
  for (const size of appIconSizes)
    router.get(`/ui/static/icon-${size}.png`, (_req, res) => {
      res.type('image/png').set('Cache-Control', 'public, max-age=86400');
      res.send(appIconPng(size));
    });
  // Installing the web UI as an app, and Web Push (./push-assets.ts): neither needs a session.
  router.get('/manifest.webmanifest', (_req, res) => {
    res.type('application/manifest+json').set('Cache-Control', 'public, max-age=3600');
    res.send(webManifest);
  });
  // At the root so the worker's scope is the whole site; browsers check it for updates on
  // every navigation (within a day), so it is never cached for long.
  router.get('/sw.js', (_req, res) => {
    res
      .type('text/javascript; charset=utf-8')
      .set('Cache-Control', 'no-cache')
      .set('Service-Worker-Allowed', '/')
      .set('Content-Security-Policy', "default-src 'none'; connect-src 'self'; img-src 'self'");
    res.send(serviceWorkerJs);
  });
}

/** The kit the pages are built with: the session and scope checks, the form parser, workflow links. */
function pageKit(deps: ApiDeps, guard: Guard, sessions: UiSessionStore, options: WebUiOptions): PageKit {
  const uiUrl = (options.temporalUiUrl ?? deps.config.TEMPORAL_UI_URL)?.replace(/\/+$/, '');
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  const viewerPerson: RequestHandler = (_req, res, next) => {
    const { personId } = res.locals.principal as Principal;
    res.locals.viewerPerson = personId === undefined ? undefined : personById(deps.onCall.catalog, personId);
    next();
  };
  const read = [sessionFromCookie, ...guard('incidents:read'), viewerPerson];
  return {
    deps,
    guard,
    sessions,
    form,
    read,
    post: [form, ...read, requireCsrfToken],
    may: (scope: ApiScope) => (guard(scope) as [RequestHandler, ...RequestHandler[]])[0],
    workflowUrl: (workflowId) =>
      uiUrl
        ? `${uiUrl}/namespaces/${encodeURIComponent(deps.config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`
        : undefined,
  };
}

/**
 * The server-rendered web UI under /ui (and `/`, which leads there): one
 * router per page (./pages). Signing in with an API key starts a server-side
 * session, whose id the HttpOnly cookie holds; pages authenticate with it
 * through the API's own guard (same scopes and rate limit); forms that change
 * state carry a double-submit CSRF token bound to the session.
 */
export function webUiRoutes(
  deps: ApiDeps,
  guard: Guard,
  sessions: UiSessionStore,
  options: WebUiOptions = {},
): Router {
  const router = Router();
  router.get('/', (_req, res) => res.redirect(302, '/ui/incidents'));
  staticAssets(router);

  // Served over HTTPS by a proxy in front (Node sees HTTP): the cookies are Secure all the same.
  const secureCookies = deps.config.PUBLIC_URL?.startsWith('https:') === true;
  router.use('/ui', (req, res, next) => {
    res.locals.secureCookies = secureCookies;
    res.locals.devInbox = deps.config.FIRELINE_DEV_INBOX === true;
    res.setHeader('Content-Security-Policy', req.secure ? `${CSP}; upgrade-insecure-requests` : CSP);
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use('/ui', ensureCsrfToken);
  router.get(['/ui', '/ui/'], (_req, res) => res.redirect(302, '/ui/incidents'));

  const kit = pageKit(deps, guard, sessions, options);
  for (const page of uiPages) router.use(page(kit));

  router.use('/ui', (req) => {
    throw new NotFoundError(`No page ${req.path}`);
  });
  router.use(uiErrors);
  return router;
}
