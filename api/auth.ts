import type { RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ApiKeyVerifier, type Principal } from '../infra/api-keys';
import type { ApiScope } from '../domain/rights';
import { DEFAULT_MONGO_LOOKUP_TIMEOUT_MS, MongoUnavailableError } from '../infra/mongo';
import { UiSessionStore } from '../infra/ui-sessions';
import { HttpError, ServiceUnavailableError } from './errors';
import { userActor } from '../domain/actors';
import type { ApiDeps } from './deps';
import { SESSION_MAX_AGE_SECONDS } from './ui/session';

export interface AuthDeps {
  verifier: ApiKeyVerifier;
  /** The web UI's sessions: a request whose `res.locals.uiSessionId` is set (by the UI) is checked against them. */
  sessions?: UiSessionStore;
  /** Requests per key per minute before a 429 with Retry-After. */
  rateLimitPerMinute: number;
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new HttpError(401, 'unauthorized', 'An API key is required');
  return principal;
}

/**
 * Who a change that is not on an incident (an on-call override, a calendar
 * feed, a drill) is recorded as: the key's person, else the key's name; an
 * `admin` key may name who it acts for. Incident actions go through
 * api/identity.ts instead, which requires a person.
 */
export function actorFor(res: Response, onBehalfOf: string | undefined): string {
  const principal = principalOf(res);
  if (onBehalfOf === undefined) return userActor(principal.personId ?? principal.name);
  if (!principal.scopes.includes('admin')) {
    throw new HttpError(403, 'forbidden', 'Only an admin key may act on behalf of someone (body.actor)');
  }
  return userActor(onBehalfOf);
}

/** Whether the key may post alerts for and act on this service (an unrestricted key may on any). */
export function allowsService(principal: Pick<Principal, 'services'>, service: string): boolean {
  return principal.services === undefined || principal.services.includes(service);
}

/** The 403 for a key restricted to other services; `field` says where the service came from. */
export function serviceForbidden(
  principal: Pick<Principal, 'services'>,
  service: string,
  field: string,
  context?: string,
): HttpError {
  const message = `This key may act only for the services ${(principal.services ?? []).join(', ')}; ${field} is ${JSON.stringify(service)}`;
  return new HttpError(403, 'forbidden', context ? `${message}: ${context}` : message, [{ field, message }]);
}

/** Refuses (403) a request about a service the caller's key is not bound to. */
export function requireService(res: Response, service: string, field: string): void {
  const principal = principalOf(res);
  if (!allowsService(principal, service)) throw serviceForbidden(principal, service, field);
}

/**
 * Limits requests per client address before any key is checked, so a flood of
 * bad tokens costs a counter, not a database lookup each. The address is the
 * connection's unless TRUST_PROXY names the proxies in front (see app.ts).
 */
export function addressRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Load balancers' health checks come from few addresses and must not be refused.
    skip: (req) => req.path === '/healthz' || req.path === '/readyz',
    handler: (_req, _res, next) => {
      next(
        new HttpError(
          429,
          'rate_limited',
          `More than ${perMinute} requests a minute from this address; retry later`,
        ),
      );
    },
  });
}

/**
 * Builds the guard for a route: a valid API key (Authorization: Bearer …, or
 * `?token=` where the sender cannot set headers), the scope (admin implies
 * all), and the per-key rate limit.
 */
export function createGuard(deps: AuthDeps) {
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: deps.rateLimitPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (_req, res) => principalOf(res).keyId,
    handler: (_req, res, next) => {
      next(
        new HttpError(
          429,
          'rate_limited',
          `More than ${deps.rateLimitPerMinute} requests a minute for this key; retry later`,
        ),
      );
    },
  });

  return function guard(scope: ApiScope, options: { queryToken?: boolean } = {}): RequestHandler[] {
    const authenticate: RequestHandler = async (req, res, next) => {
      const sessionId = res.locals.uiSessionId as string | undefined;
      if (sessionId !== undefined && deps.sessions) {
        const principal = await unlessUnavailable(deps.sessions.verify(sessionId));
        if (!principal) throw new HttpError(401, 'unauthorized', 'The session has ended: sign in again');
        requireScope(principal, scope);
        res.locals.principal = principal;
        next();
        return;
      }
      const queryToken =
        options.queryToken && typeof req.query.token === 'string' ? req.query.token : undefined;
      const headerToken = bearerToken(req.headers.authorization);
      const token = headerToken ?? queryToken;
      if (!token) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        throw new HttpError(401, 'unauthorized', 'An API key is required: Authorization: Bearer <key>');
      }
      const principal = await unlessUnavailable(deps.verifier.verify(token));
      if (!principal) {
        res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
        throw new HttpError(401, 'unauthorized', 'The API key is not valid or was revoked');
      }
      // A URL ends up in proxies' and senders' logs: only a key that can do nothing but post
      // alerts may travel in one.
      if (
        headerToken === undefined &&
        !(principal.scopes.length === 1 && principal.scopes[0] === 'alerts:write')
      ) {
        throw new HttpError(
          403,
          'forbidden',
          'A key in the URL (?token=) may have only the alerts:write scope; send this key as Authorization: Bearer <key>',
        );
      }
      requireScope(principal, scope);
      res.locals.principal = principal;
      next();
    };
    // Read by the OpenAPI document (api/openapi.ts): the scope each route requires.
    return [
      Object.assign(authenticate, { requiredScope: scope, queryToken: options.queryToken ?? false }),
      limiter,
    ];
  };
}

export type Guard = ReturnType<typeof createGuard>;

function requireScope(principal: Principal, scope: ApiScope): void {
  if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin')) {
    throw new HttpError(403, 'forbidden', `This key lacks the ${scope} scope`);
  }
}

/**
 * A check MongoDB could not answer, with no earlier answer to go on, is a 503
 * (try again), never a 401: the key or session may well be valid.
 */
async function unlessUnavailable<T>(check: Promise<T>): Promise<T> {
  try {
    return await check;
  } catch (err) {
    if (!(err instanceof MongoUnavailableError)) throw err;
    throw new ServiceUnavailableError(
      'The credentials could not be checked: MongoDB is not answering, and they were not verified recently; retry shortly',
    );
  }
}

/** The API's timing of key and session checks, from its configuration. */
export function credentialTiming(config: ApiDeps['config']): {
  cacheMs: number;
  outageGraceMs: number;
  lookupTimeoutMs: number;
} {
  return {
    cacheMs: (config.API_KEY_CACHE_SECONDS ?? 30) * 1000,
    outageGraceMs: (config.API_KEY_OUTAGE_GRACE_SECONDS ?? 900) * 1000,
    lookupTimeoutMs: config.MONGODB_LOOKUP_TIMEOUT_MS ?? DEFAULT_MONGO_LOOKUP_TIMEOUT_MS,
  };
}

/**
 * The app's guard: keys checked against the API keys stored in its database
 * (and, for the web UI, its sessions), the configured rate limit.
 */
export function apiKeyGuard(
  deps: Pick<ApiDeps, 'models' | 'config' | 'logger'>,
  sessions?: UiSessionStore,
): Guard {
  return createGuard({
    verifier: new ApiKeyVerifier(deps.models, {
      ...credentialTiming(deps.config),
      onStale: (keyId, verifiedAt) =>
        deps.logger.warn(
          { keyId, verifiedAt },
          'MongoDB did not answer: an API key goes on as last verified',
        ),
    }),
    sessions,
    rateLimitPerMinute: deps.config.RATE_LIMIT_PER_MINUTE,
  });
}

/** The web UI's sessions, on the app's database, with the same timing as keys. */
export function uiSessionStore(deps: Pick<ApiDeps, 'models' | 'config' | 'logger'>): UiSessionStore {
  return new UiSessionStore(deps.models, {
    ...credentialTiming(deps.config),
    ttlMs: SESSION_MAX_AGE_SECONDS * 1000,
    logger: deps.logger,
  });
}
