import express, {
  Router,
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Principal } from '../../infra/api-keys';
import { MongoUnavailableError } from '../../infra/mongo';
import type { UiSessionStore } from '../../infra/ui-sessions';
import { actorFor, incidentAccess, principalOf, type Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError, NotFoundError, ServiceUnavailableError } from '../errors';
import { decideApproval, readIncident, readLocatedIncident } from '../incidents/service';
import {
  listOpenIncidents,
  listResolvedIncidents,
  readRunbookSteps,
  readTimeline,
  TIMELINE_PAGE_DEFAULT,
} from '../incidents/store';
import { listPostmortems, loadPostmortem, postmortemExists } from '../postmortems/store';
import { runbookMetas } from '../../runbooks';
import { liveJs, styleCss } from './assets';
import {
  clearSessionCookie,
  csrfTokenOf,
  ensureCsrfToken,
  readCookie,
  requireCsrfToken,
  rotateCsrfToken,
  SESSION_COOKIE,
  sessionFromCookie,
  setSessionCookie,
} from './session';
import {
  errorPage,
  incidentPage,
  incidentsPage,
  loginPage,
  postmortemPage,
  postmortemsPage,
  type BoardFilter,
  inboxPage,
  type FormState,
  type PageContext,
} from './views';
import {
  incidentSeverities,
  incidentStatuses,
  type IncidentSeverity,
  type IncidentStatus,
} from '../../domain/incident';
import { doneNotice, respondRoutes } from './respond';
import { onCallUiRoutes } from './oncall';
import { readDevInbox } from '../inbox/store';
import { approvalIdPattern } from '../../workflows/runbook/ids';
import { postmortemIdOf, postmortemIdPattern } from '../../workflows/postmortem/ids';
import { incidentIdBody, incidentIdPattern } from '../../workflows/incident/ids';

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

/** A same-site path to return to after signing in; anything else (other hosts, `//…`) is dropped. */
function safeNext(value: unknown): string | undefined {
  return typeof value === 'string' &&
    value.startsWith('/ui/') &&
    !value.startsWith('/ui/login') &&
    value.length <= 512 &&
    !/[\\\s]/.test(value)
    ? value
    : undefined;
}

/** The board's filters from the query: only known statuses and severities, bounded text. */
function boardFilter(query: Record<string, unknown>): BoardFilter {
  const list = (value: unknown): unknown[] =>
    Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  const known = (value: unknown, allowed: readonly string[]) =>
    list(value).filter((v): v is string => typeof v === 'string' && allowed.includes(v));
  const text = (value: unknown) => (typeof value === 'string' ? value.trim().slice(0, 100) : '');
  return {
    status: known(query.status, openStatuses),
    severity: known(query.severity, incidentSeverities),
    service: text(query.service),
    team: text(query.team),
  };
}

const openStatuses = incidentStatuses.filter((s) => s !== 'resolved');

function pageContext(res: Response): PageContext {
  const principal = res.locals.principal as Principal | undefined;
  return {
    viewer: principal ? { name: principal.name, scopes: principal.scopes } : undefined,
    csrfToken: csrfTokenOf(res),
    devInbox: res.locals.devInbox === true,
  };
}

function sendPage(res: Response, page: string, status = 200): void {
  res.status(status).type('text/html; charset=utf-8').send(page);
}

/** What the incident page says when MongoDB did not answer for it. */
export const MONGODB_UNAVAILABLE_NOTICE = 'MongoDB is unavailable; showing the live state from Temporal.';

/**
 * The server-rendered web UI under /ui (and `/`, which leads there). Signing
 * in with an API key starts a server-side session (`sessions`), whose id the
 * HttpOnly cookie holds; pages authenticate with it through the API's own
 * guard (same scopes and rate limit); forms that change state carry a
 * double-submit CSRF token bound to the session.
 */
export function webUiRoutes(
  deps: ApiDeps,
  guard: Guard,
  sessions: UiSessionStore,
  options: WebUiOptions = {},
): Router {
  const router = Router();
  const uiUrl = (options.temporalUiUrl ?? deps.config.TEMPORAL_UI_URL)?.replace(/\/+$/, '');
  const workflowUrl = (workflowId: string) =>
    uiUrl
      ? `${uiUrl}/namespaces/${encodeURIComponent(deps.config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`
      : undefined;

  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  const read = [sessionFromCookie, ...guard('incidents:read')];
  // The scope check of guard('approvals:decide') alone: the session was verified (and
  // rate-limited) by `read` already, and verification is cached.
  const [mayDecide] = guard('approvals:decide') as [RequestHandler, ...RequestHandler[]];
  const [mayWrite] = guard('incidents:write') as [RequestHandler, ...RequestHandler[]];
  const [mayRun] = guard('runbooks:run') as [RequestHandler, ...RequestHandler[]];

  router.get('/', (_req, res) => res.redirect(302, '/ui/incidents'));

  router.get('/ui/static/style.css', (_req, res) => {
    res.type('text/css; charset=utf-8').set('Cache-Control', 'public, max-age=31536000, immutable');
    res.send(styleCss);
  });
  router.get('/ui/static/live.js', (_req, res) => {
    res.type('text/javascript; charset=utf-8').set('Cache-Control', 'public, max-age=31536000, immutable');
    res.send(liveJs);
  });

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

  // ------------------------------------------------------------ sign-in

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

  const keyFromForm: RequestHandler = (req, _res, next) => {
    const body = req.body as Record<string, unknown> | undefined;
    const key = typeof body?.key === 'string' ? body.key.trim() : '';
    if (!key) throw new HttpError(400, 'validation_failed', 'Paste your API key.');
    // Verified by the API's guard below; the header is redacted in logs.
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
    const body = req.body as Record<string, unknown> | undefined;
    sendPage(res, loginPage(pageContext(res), { next: safeNext(body?.next), problem }), err.status);
  };
  const signedIn: RequestHandler = async (req, res) => {
    const body = req.body as Record<string, unknown>;
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
    res.redirect(303, safeNext(body.next) ?? '/ui/incidents');
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

  // ------------------------------------------------------------ incidents

  router.get('/ui/incidents', ...read, async (req, res) => {
    const resolved = req.query.status === 'resolved';
    const filter = boardFilter(req.query);
    const incidents = resolved
      ? await listResolvedIncidents(deps)
      : await listOpenIncidents(deps, {
          status: filter.status as IncidentStatus[],
          severity: filter.severity as IncidentSeverity[],
          service: filter.service ? [filter.service] : undefined,
          team: filter.team ? [filter.team] : undefined,
        });
    // After an action from the board: that incident as its workflow has it now, and a notice.
    const query = req.query as Record<string, unknown>;
    const acted = typeof query.acted === 'string' && incidentIdPattern.test(query.acted) ? query.acted : '';
    const done = doneNotice(query);
    if (acted) {
      const index = incidents.findIndex((i) => i.incidentId === acted);
      if (index >= 0) incidents[index] = await readIncident(deps, acted);
    }
    const returnTo = new URL(req.originalUrl, 'http://ui.invalid');
    returnTo.searchParams.delete('acted');
    returnTo.searchParams.delete('done');
    sendPage(
      res,
      incidentsPage(pageContext(res), incidents, {
        resolved,
        now: new Date(),
        filter,
        returnTo: `${returnTo.pathname}${returnTo.search}`,
        notice: acted && done ? `${acted}: ${done}` : undefined,
      }),
    );
  });

  /** The incident page: after a refused form (`form`) with the refusal's status, else 200. */
  const showIncident = async (
    req: Request,
    res: Response,
    id: string,
    options: { notice?: string; form?: FormState; status?: number } = {},
  ) => {
    const query = req.method === 'GET' ? (req.query as Record<string, unknown>) : {};
    // A page of the timeline at a time: `?before=<seq>` for the earlier entries.
    if (query.before !== undefined && !(typeof query.before === 'string' && /^\d{1,9}$/.test(query.before))) {
      throw new HttpError(400, 'validation_failed', 'query.before: must be a timeline entry number (#).', [
        { field: 'query.before', message: 'must be a timeline entry number' },
      ]);
    }
    const before = query.before === undefined ? undefined : Number(query.before);
    // The timeline and runbook steps are only in MongoDB: read beside the incident, and not
    // waited for when MongoDB did not answer for the incident.
    const settle = <T>(work: Promise<T>) =>
      work.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
    const pageRead = settle(readTimeline(deps, id, { limit: TIMELINE_PAGE_DEFAULT, before }));
    const stepsRead = settle(readRunbookSteps(deps, id));
    const { incident, mongodbAnswered } = await readLocatedIncident(deps, id);
    const take = async <T>(read: Promise<{ value: T } | { error: unknown }>): Promise<T> => {
      const result = await read;
      if ('error' in result) throw result.error;
      return result.value;
    };
    const page = mongodbAnswered ? await take(pageRead) : undefined;
    const runbookSteps = mongodbAnswered ? await take(stepsRead) : [];
    const postmortemId = postmortemIdOf(id);
    const hasPostmortem = incident.status === 'resolved' && (await postmortemExists(deps, postmortemId));
    sendPage(
      res,
      incidentPage(pageContext(res), {
        incident,
        timeline: page
          ? { ...page, ...(before !== undefined ? { before } : {}) }
          : { entries: [], nextBefore: null, unavailable: true },
        runbookSteps,
        workflowUrl,
        postmortemId: hasPostmortem ? postmortemId : undefined,
        notice: options.notice,
        degraded: mongodbAnswered ? undefined : MONGODB_UNAVAILABLE_NOTICE,
        runbooks: runbookMetas(),
        form: options.form,
      }),
      options.status,
    );
  };

  router.get('/ui/incidents/:id', ...read, async (req, res) => {
    const id = req.params.id as string;
    if (!incidentIdPattern.test(id)) throw new NotFoundError(`No incident ${id}`);
    const query = req.query as Record<string, unknown>;
    const decided =
      typeof query.decided === 'string' && approvalIdPattern.test(query.decided) ? query.decided : '';
    const outcome = query.outcome === 'approved' || query.outcome === 'rejected' ? query.outcome : '';
    const done = doneNotice(query);
    await showIncident(req, res, id, {
      notice: decided && outcome ? `You ${outcome} ${decided}.` : done,
    });
  });

  router.use(
    respondRoutes(
      deps,
      { before: [form, ...read, requireCsrfToken], mayWrite, mayRun },
      (req, res, id, refused, status) => showIncident(req, res, id, { form: refused, status }),
    ),
  );

  const decide = (decision: 'approve' | 'reject'): RequestHandler[] => [
    form,
    ...read,
    requireCsrfToken,
    mayDecide,
    async (req, res) => {
      const id = req.params.id as string;
      const approvalId = req.params.approvalId as string;
      if (!incidentIdPattern.test(id) || !approvalIdPattern.test(approvalId)) {
        throw new NotFoundError(`No approval ${approvalId} on ${id}`);
      }
      const body = req.body as Record<string, unknown>;
      const comment = typeof body.comment === 'string' ? body.comment.trim() : '';
      if (comment.length > 2000) {
        throw new HttpError(400, 'validation_failed', 'The comment is longer than 2000 characters.');
      }
      // The same Update, checks and actor (`user:<key name>`) as the JSON API's approval route.
      const decided = await decideApproval(
        deps,
        {
          incidentId: id,
          approvalId,
          decision,
          actor: actorFor(res, undefined),
          comment: comment || undefined,
        },
        incidentAccess(res),
      );
      const query = new URLSearchParams({ decided: decided.approvalId, outcome: decided.status });
      res.redirect(303, `/ui/incidents/${encodeURIComponent(id)}?${query.toString()}`);
    },
  ];
  router.post('/ui/incidents/:id/approvals/:approvalId/approve', ...decide('approve'));
  router.post('/ui/incidents/:id/approvals/:approvalId/reject', ...decide('reject'));

  // ------------------------------------------------------------ on call

  const [mayOncall] = guard('oncall:write') as [RequestHandler, ...RequestHandler[]];
  router.use(
    onCallUiRoutes(
      deps,
      { read, post: [form, ...read, requireCsrfToken], mayWrite: mayOncall },
      { context: pageContext, send: sendPage },
    ),
  );

  router.get('/ui/inbox', ...read, async (_req, res) => {
    if (!deps.config.FIRELINE_DEV_INBOX)
      throw new NotFoundError('The development inbox is off (FIRELINE_DEV_INBOX)');
    sendPage(res, inboxPage(pageContext(res), await readDevInbox(deps)));
  });

  // ------------------------------------------------------------ post-mortems

  router.get('/ui/postmortems', ...read, async (_req, res) => {
    sendPage(res, postmortemsPage(pageContext(res), await listPostmortems(deps, { limit: 100 })));
  });

  router.get('/ui/postmortems/:id', ...read, async (req, res) => {
    const id = req.params.id as string;
    if (!postmortemIdPattern.test(id)) throw new NotFoundError(`No post-mortem ${id}`);
    sendPage(res, postmortemPage(pageContext(res), await loadPostmortem(deps, id)));
  });

  // ------------------------------------------------------------ everything else under /ui

  router.use('/ui', (req) => {
    throw new NotFoundError(`No page ${req.path}`);
  });

  /** Errors become pages: no key → the sign-in page, others → a page saying what went wrong. */
  const uiErrors: ErrorRequestHandler = (thrown, req, res, next) => {
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
  router.use(uiErrors);

  return router;
}
