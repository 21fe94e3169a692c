import { Router } from 'express';
import { z } from 'zod';
import { analyzeIncidents } from './queries';
import type { Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { validated } from '../validate';

const query = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    groupBy: z.enum(['service', 'severity', 'team']).default('service'),
  })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] });

export function analyticsRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();

  router.get(
    '/v1/analytics/incidents',
    ...guard('incidents:read'),
    validated({ query }, async ({ query: q }, _req, res) => {
      const max = deps.config.ANALYTICS_MAX_INCIDENTS;
      res.json({ from: q.from, to: q.to, ...(await analyzeIncidents(deps, { ...q, max })) });
    }),
  );

  return router;
}
