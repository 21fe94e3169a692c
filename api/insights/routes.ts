import { Router } from 'express';
import { z } from 'zod';
import type { Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { validated } from '../validate';
import { insightsOf, lastWeeks } from './service';

/** The longest period insights chart: a year of ISO weeks. */
export const INSIGHTS_MAX_WEEKS = 53;

/**
 * The period (`from` and `to`, or the last `weeks` ISO weeks, 8 unless said)
 * and the flapping rule (`flapCount` incidents of one alert within
 * `flapWindowHours`): the API's query, and the web UI's and CLI's.
 */
export const insightsQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    weeks: z.coerce.number().int().min(1).max(INSIGHTS_MAX_WEEKS).optional(),
    flapCount: z.coerce.number().int().min(2).max(1000).default(3),
    flapWindowHours: z.coerce
      .number()
      .positive()
      .max(24 * 31)
      .default(24),
  })
  .superRefine((q, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (q.from === undefined && q.to === undefined) return;
    if (q.from === undefined || q.to === undefined) return problem('to', 'from and to go together');
    if (q.weeks !== undefined) return problem('weeks', 'give either from and to, or weeks');
    const span = Date.parse(q.to) - Date.parse(q.from);
    if (span <= 0) return problem('to', 'from must be before to');
    if (span > INSIGHTS_MAX_WEEKS * 7 * 86_400_000)
      problem('to', `the period may be at most ${INSIGHTS_MAX_WEEKS} weeks long`);
  })
  .transform(({ from, to, weeks, flapCount, flapWindowHours }) => ({
    ...(from && to ? { from, to } : lastWeeks(weeks ?? 8)),
    flapping: { minIncidents: flapCount, windowSeconds: Math.round(flapWindowHours * 3600) },
  }));

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
