import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { registry, scrape } from '../infra/metrics';
import { pinoHttp } from 'pino-http';
import { apiKeyGuard } from './auth';
import type { ApiDeps } from './deps';
import { errorHandler, notFoundHandler } from './errors';
import { alertRoutes } from './alerts/routes';
import { diagnosticsRoutes } from './health/diagnostics';
import { healthRoutes } from './health/routes';
import { measureOpenIncidentsOf } from './health/store';
import { incidentRoutes } from './incidents/routes';
import { runbookRoutes } from './runbooks/routes';
import { postmortemRoutes } from './postmortems/routes';
import { analyticsRoutes } from './analytics/routes';
import { apiDocsRoutes } from './docs/page';
import { webUiRoutes } from './ui/routes';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Builds the HTTP API; the caller decides where it listens (tests use supertest without listening). */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // Integration tokens may come in the URL: keep them out of the logs.
      serializers: {
        req: (req: { url?: string; query?: Record<string, unknown> }) => ({
          ...req,
          url: req.url?.replace(/([?&]token=)[^&]*/g, '$1[redacted]'),
          query: req.query && 'token' in req.query ? { ...req.query, token: '[redacted]' } : req.query,
        }),
      },
    }),
  );
  app.use(express.json({ limit: '1mb' }));

  app.use(helmet());
  // Every route but /healthz, /readyz and the PagerDuty endpoint (which checks its routing key) takes an API key.
  const guard = apiKeyGuard(deps);
  measureOpenIncidentsOf(deps);
  app.get('/metrics', ...guard('admin'), async (_req, res) => {
    res.type(registry.contentType).send(await scrape());
  });
  app.use(healthRoutes(deps));
  app.use(diagnosticsRoutes(deps, guard));
  app.use(alertRoutes(deps, guard));
  app.use(incidentRoutes(deps, guard));
  app.use(runbookRoutes(deps, guard));
  app.use(postmortemRoutes(deps, guard));
  app.use(analyticsRoutes(deps, guard));
  app.use(apiDocsRoutes(app));
  app.use(webUiRoutes(deps, guard));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
