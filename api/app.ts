import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { measureOpenIncidents, registry, scrape } from '../infra/metrics';
import { pinoHttp } from 'pino-http';
import type { ApiDeps } from './deps';
import { errorHandler, notFoundHandler } from './errors';
import { alertRoutes } from './routes/alerts';
import { diagnosticsRoutes } from './routes/diagnostics';
import { healthRoutes } from './routes/health';
import { incidentRoutes } from './routes/incidents';
import { runbookRoutes } from './routes/runbooks';
import { postmortemRoutes } from './routes/postmortems';
import { analyticsRoutes } from './routes/analytics';

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
    }),
  );
  app.use(express.json({ limit: '1mb' }));

  app.use(helmet());
  measureOpenIncidents(deps.models);
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await scrape());
  });
  app.use(healthRoutes(deps));
  app.use(diagnosticsRoutes(deps));
  app.use(alertRoutes(deps));
  app.use(incidentRoutes(deps));
  app.use(runbookRoutes(deps));
  app.use(postmortemRoutes(deps));
  app.use(analyticsRoutes(deps));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
