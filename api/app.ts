import express, { type Express } from 'express';
import helmet from 'helmet';
import { measureOpenIncidents, registry, scrape } from '../infra/metrics';
import { pinoHttp } from 'pino-http';
import { leanRequestPrelude, requestIdOf } from './lean-path';
import { addressRateLimit, apiKeyGuard, uiSessionStore } from './auth';
import { groupingRuleProblems } from '../domain/grouping';
import type { ApiDeps } from './deps';
import { errorHandler, notFoundHandler } from './errors';
import { alertRoutes } from './alerts/routes';
import { diagnosticsRoutes } from './health/diagnostics';
import { healthRoutes } from './health/routes';
import { incidentRoutes } from './incidents/routes';
import { runbookRoutes } from './runbooks/routes';
import { postmortemRoutes } from './postmortems/routes';
import { analyticsRoutes } from './analytics/routes';
import { insightsRoutes } from './insights/routes';
import { apiDocsRoutes } from './docs/page';
import { webUiRoutes } from './ui/routes';
import { oncallRoutes } from './oncall/routes';
import { scheduleRoutes } from './oncall/schedule-routes';
import { peopleRoutes } from './oncall/people-routes';
import { policyRoutes } from './oncall/policy-routes';
import { serviceRoutes } from './oncall/service-routes';
import { slackRoutes } from './integrations/slack/routes';
import { twilioRoutes } from './integrations/twilio/routes';
import { actionLinkRoutes } from './action-links/routes';
import { redactActionLinkPath } from '../infra/action-links';
import { contactMethodRoutes } from './contact-methods/routes';
import { heartbeatPingPath, heartbeatRoutes } from './heartbeats/routes';
import { maintenanceRoutes } from './maintenance/routes';
import { publicStatusPath, statusRoutes } from './status/routes';

/** Alert ingestion: the hot path, which goes first and without per-request work it does not need (see lean-path.ts). */
const INGESTION_PATHS = new Set([
  '/v1/alerts',
  '/v2/enqueue',
  '/v1/integrations/alertmanager',
  '/v1/integrations/grafana',
]);

/** An ingestion request answered by a slower one than this is logged (failed ones always are). */
const SLOW_INGESTION_MS = 1000;

/** Routes that act as no person: alert ingestion and health. */
const NO_PERSON_PATHS = new Set([
  '/v1/alerts',
  '/v2/enqueue',
  '/v1/integrations/alertmanager',
  '/v1/integrations/grafana',
  '/healthz',
  '/readyz',
  '/metrics',
]);

/** A query parameter name that is, or Express reads as, `token` (`token`, `%74oken`, `token[]`). */
function isTokenParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    // Not valid percent-encoding: Express keeps such a name as it is, and so does this.
  }
  return /^\s*token\s*(\[|$)/i.test(decoded);
}

/**
 * The URL with the value of every token parameter replaced, however its name
 * is spelled, and an acknowledge link's token (in its path) too.
 */
export function redactTokenInUrl(url: string): string {
  url = redactActionLinkPath(url);
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      return isTokenParam(name) ? `${name}=[redacted]` : part;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

/** Builds the HTTP API; the caller decides where it listens (tests use supertest without listening). */
export function createApp(deps: ApiDeps): Express {
  // Grouping rules decide which workflow an alert goes to: a mistake there fails the start, not an alert.
  const groupingProblems = groupingRuleProblems(deps.groupingRules);
  if (groupingProblems.length > 0)
    throw new Error(`config/grouping-rules.ts: ${groupingProblems.join('; ')}`);
  const app = express();
  app.disable('x-powered-by');
  // Only the proxies TRUST_PROXY names may say who the client is (X-Forwarded-For): req.ip is
  // what the per-address rate limit counts, and a client must not choose its own.
  app.set('trust proxy', deps.config.TRUST_PROXY ?? false);

  const httpLogger = pinoHttp({
    logger: deps.logger,
    genReqId: requestIdOf,
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    // Integration tokens may come in the URL: keep them out of the logs.
    serializers: {
      req: (req: { url?: string; query?: Record<string, unknown>; params?: Record<string, unknown> }) => ({
        ...req,
        url: req.url && redactTokenInUrl(req.url),
        ...(req.params && 'token' in req.params ? { params: { ...req.params, token: '[redacted]' } } : {}),
        query:
          req.query &&
          Object.fromEntries(
            Object.entries(req.query).map(([name, value]) => [
              name,
              isTokenParam(name) ? '[redacted]' : value,
            ]),
          ),
      }),
    },
  });
  // Ingestion's own prelude instead (request id, helmet's headers, logging of failed or slow requests).
  const ingestionPrelude = leanRequestPrelude(httpLogger.logger, SLOW_INGESTION_MS);
  const isIngestion = (req: express.Request) => req.method === 'POST' && INGESTION_PATHS.has(req.path);
  app.use((req, res, next) =>
    isIngestion(req) ? ingestionPrelude(req, res, next) : httpLogger(req, res, next),
  );
  // Before the body is parsed and before any key is checked: unauthenticated load is bounded too.
  app.use(addressRateLimit(deps.config.RATE_LIMIT_PER_ADDRESS_PER_MINUTE));
  const sessions = uiSessionStore(deps);
  const guard = apiKeyGuard(deps, sessions);
  // Ingestion next, with its own JSON parser: needing no person, it has nothing to wait for below.
  app.use(alertRoutes(deps, guard, [express.json({ limit: '1mb' })]));
  // Who acts, and their rights, come from the on-call model as of now (people made at run time
  // included); alerts and health checks need no person, so never wait for it.
  app.use((req, _res, next) => {
    if (NO_PERSON_PATHS.has(req.path) || heartbeatPingPath.test(req.path) || publicStatusPath.test(req.path))
      return next();
    deps.onCall.fresh().then(() => next(), next);
  });
  // Before the JSON parser: Slack's signature is over the raw body.
  app.use(slackRoutes(deps));
  // Before the JSON parser too: Twilio's form posts have their own parser and signature check.
  app.use(twilioRoutes(deps));
  app.use(express.json({ limit: '1mb' }));

  app.use(helmet());
  // Acknowledge links: their signed token is the credential, so no key guard (the address limit above applies).
  app.use(actionLinkRoutes(deps));
  // Every route but /healthz, /readyz, the PagerDuty endpoint (which checks its routing key) and the
  // acknowledge links above (which check their signed token) takes an API key.
  // Heartbeat pings: the heartbeat's token in the URL is the credential, so no key guard.
  const heartbeats = heartbeatRoutes(deps, guard);
  app.use(heartbeats.ping);
  // The public status page: no key, served from memory (see api/status/routes.ts).
  const status = statusRoutes(deps, guard);
  app.use(status.public);
  measureOpenIncidents(deps);
  app.get('/metrics', ...guard('admin'), async (_req, res) => {
    res.type(registry.contentType).send(await scrape());
  });
  app.use(healthRoutes(deps));
  app.use(diagnosticsRoutes(deps, guard));
  app.use(incidentRoutes(deps, guard));
  app.use(runbookRoutes(deps, guard));
  app.use(postmortemRoutes(deps, guard));
  app.use(analyticsRoutes(deps, guard));
  app.use(insightsRoutes(deps, guard));
  app.use(oncallRoutes(deps, guard));
  app.use(scheduleRoutes(deps, guard));
  app.use(peopleRoutes(deps, guard));
  app.use(policyRoutes(deps, guard));
  app.use(serviceRoutes(deps, guard));
  app.use(contactMethodRoutes(deps, guard));
  app.use(heartbeats.manage);
  app.use(maintenanceRoutes(deps, guard));
  app.use(status.manage);
  app.use(apiDocsRoutes(app));
  app.use(webUiRoutes(deps, guard, sessions));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
