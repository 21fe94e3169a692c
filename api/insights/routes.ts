import { Router } from 'express';
import type { Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { validated } from '../validate';
import { insightsOf, insightsQuery } from './service';

export function insightsRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();
  router.get(
    '/v1/insights',
    ...guard('incidents:read'),
    validated({ query: insightsQuery }, async ({ query }, _req, res) => {
      res.json(await insightsOf(deps, query));
    }),
  );
  return router;
}
