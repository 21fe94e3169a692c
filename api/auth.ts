import type { RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ApiKeyVerifier, type Principal } from '../infra/api-keys';
import type { ApiScope } from '../infra/models';
import { HttpError } from './errors';
import { userActor } from '../domain/actors';
import type { ApiDeps } from './deps';

export interface AuthDeps {
  verifier: ApiKeyVerifier;
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
 * Who an action is recorded as: the key's name; an `admin` key (a chat-ops bot,
 * say) may name the person it acts for.
 */
export function actorFor(res: Response, onBehalfOf: string | undefined): string {
  const principal = principalOf(res);
  if (onBehalfOf === undefined) return userActor(principal.name);
  if (!principal.scopes.includes('admin')) {
    throw new HttpError(403, 'forbidden', 'Only an admin key may act on behalf of someone (body.actor)');
  }
  return userActor(onBehalfOf);
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
      const queryToken =
        options.queryToken && typeof req.query.token === 'string' ? req.query.token : undefined;
      const headerToken = bearerToken(req.headers.authorization);
      const token = headerToken ?? queryToken;
      if (!token) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        throw new HttpError(401, 'unauthorized', 'An API key is required: Authorization: Bearer <key>');
      }
      const principal = await deps.verifier.verify(token);
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
      if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin')) {
        throw new HttpError(403, 'forbidden', `This key lacks the ${scope} scope`);
      }
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

/** The app's guard: keys checked against the API keys stored in its database, the configured rate limit. */
export function apiKeyGuard(deps: Pick<ApiDeps, 'models' | 'config'>): Guard {
  return createGuard({
    verifier: new ApiKeyVerifier(deps.models),
    rateLimitPerMinute: deps.config.RATE_LIMIT_PER_MINUTE,
  });
}
