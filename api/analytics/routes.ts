import { Router } from 'express';
import { z } from 'zod';
import { incidentAnalytics } from './queries';
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
      const incidents = await deps.models.Incident.find(
        { openedAt: { $gte: new Date(q.from), $lt: new Date(q.to) } },
        {
          service: 1,
          severity: 1,
          team: 1,
          title: 1,
          dedupKey: 1,
          alertCount: 1,
          openedAt: 1,
          acknowledgedAt: 1,
          resolvedAt: 1,
          resolvedBy: 1,
          escalation: 1,
          slaBreaches: 1,
        },
      ).lean();
      res.json({ from: q.from, to: q.to, ...incidentAnalytics(incidents, q.groupBy) });
    }),
  );

  return router;
}
