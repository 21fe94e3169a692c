import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { MongoUnavailableError } from '../../infra/mongo';
import { RoutingKeyResolver } from '../../infra/runtime-services';
import { credentialTiming } from '../auth';
import type { ApiDeps } from '../deps';
import { ServiceUnavailableError } from '../errors';

export function routingKeyOf(body: unknown): string {
  const key = (body as { routing_key?: unknown } | undefined)?.routing_key;
  return typeof key === 'string' ? key : '';
}

/**
 * What `/v2/enqueue` runs before its handler: which service the routing key
 * feeds (the variable's keys, and those of services' integrations), in
 * `res.locals.routingService`, then PagerDuty's per-key rate limit.
 */
export function routingKeyGuards(deps: Pick<ApiDeps, 'models' | 'routingKeys' | 'config'>): {
  resolveRoutingKey: RequestHandler;
  routingKeyLimit: RequestHandler;
} {
  const routingKeys = new RoutingKeyResolver(deps.models, deps.routingKeys, credentialTiming(deps.config));
  const resolveRoutingKey: RequestHandler = (req, res, next) => {
    routingKeys.serviceOf(routingKeyOf(req.body)).then(
      (service) => {
        res.locals.routingService = service;
        next();
      },
      (err: unknown) => {
        next(
          err instanceof MongoUnavailableError
            ? new ServiceUnavailableError(
                'The routing key could not be checked: MongoDB is not answering and the key was not seen recently; retry shortly',
              )
            : err,
        );
      },
    );
  };

  // PagerDuty's answer when an integration key sends too fast (its Events API's own wording).
  const routingKeyLimit = rateLimit({
    windowMs: 60_000,
    limit: deps.config.ROUTING_KEY_RATE_LIMIT_PER_MINUTE,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Counted per known key only: unknown keys are refused anyway, and counting them would let
    // anyone fill the limiter's memory with made-up keys (the per-address limit bounds those).
    skip: (_req, res) => res.locals.routingService === undefined,
    keyGenerator: (req) => routingKeyOf(req.body),
    handler: (_req, res) => {
      res.status(429).json({
        status: 'throttle exceeded',
        message: 'Requests for this service are arriving too quickly. Please retry later.',
      });
    },
  });

  return { resolveRoutingKey, routingKeyLimit };
}
