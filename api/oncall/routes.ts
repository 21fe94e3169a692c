import { Router } from 'express';
import { z } from 'zod';
import { overrideIdPattern } from '../../domain/oncall-overrides';
import { actorFor, principalOf, type Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { validated } from '../validate';
import { scheduleIdParams } from './schedule-body';
import { FEED_DAYS } from './calendar';
import {
  createFeed,
  createOverride,
  deleteOverride,
  feedCalendar,
  listFeeds,
  listOverrides,
  onCallAt,
  revokeFeed,
  shiftsOf,
} from './service';

const instant = z.iso.datetime({ offset: true });
/** The longest span of shifts one request may ask for. */
export const MAX_SHIFT_DAYS = 93;

export const overrideBody = z
  .object({
    personId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, 'must be a person id from the catalog'),
    start: instant.describe('when the override begins (ISO 8601 with offset)'),
    end: instant.describe('when it ends; after start'),
    note: z.string().min(1).max(500).optional(),
  })
  .strict();

export const shiftsQuery = z
  .object({
    from: instant.optional().describe('default: now'),
    to: instant.optional().describe(`default: from + 7 days; at most ${MAX_SHIFT_DAYS} days after from`),
  })
  .transform(({ from, to }, ctx) => {
    const start = from ? new Date(from) : new Date();
    const end = to ? new Date(to) : new Date(start.getTime() + 7 * 86_400_000);
    if (!(end > start)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (end.getTime() - start.getTime() > MAX_SHIFT_DAYS * 86_400_000)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_SHIFT_DAYS} days after from` });
    return { from: start, to: end };
  });

const personOrSchedule = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/);
/** A feed's query: its token, and (for other tools than calendar apps) the window, at most 124 days. */
const feedQuery = z
  .object({
    token: z.string().min(1).max(200),
    from: instant.optional().describe(`default: ${FEED_DAYS.before} days ago`),
    to: instant.optional().describe(`default: ${FEED_DAYS.after} days ahead`),
  })
  .transform(({ token, from, to }, ctx) => {
    const window = { from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
    if (window.from && window.to) {
      const days = (window.to.getTime() - window.from.getTime()) / 86_400_000;
      if (!(days > 0)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
      else if (days > FEED_DAYS.before + FEED_DAYS.after)
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `at most ${FEED_DAYS.before + FEED_DAYS.after} days after from`,
        });
    } else if (window.from || window.to) {
      ctx.addIssue({
        code: 'custom',
        path: [window.from ? 'to' : 'from'],
        message: 'give both from and to, or neither',
      });
    }
    return { token, ...window };
  });

export const feedBody = z.union([
  z.object({ scheduleId: personOrSchedule.describe('a schedule id') }).strict(),
  z.object({ personId: personOrSchedule.describe('a person id from the catalog') }).strict(),
]);

/**
 * Who is on call, and the overrides that change it at run time: an override
 * made here is stored in MongoDB and applies to the next page the worker
 * plans, open incidents included (schedules themselves: schedule-routes.ts).
 */
export function oncallRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();

  router.get(
    '/v1/oncall',
    ...guard('incidents:read'),
    validated(
      { query: z.object({ at: instant.optional().describe('default: now') }) },
      async ({ query }, _req, res) => {
        res.json(await onCallAt(deps, query.at ? new Date(query.at) : new Date()));
      },
    ),
  );

  router.get(
    '/v1/schedules/:id/shifts',
    ...guard('incidents:read'),
    validated({ params: scheduleIdParams, query: shiftsQuery }, async ({ params, query }, _req, res) => {
      const shifts = await shiftsOf(deps, params.id, query.from, query.to);
      res.json({ scheduleId: params.id, from: query.from.toISOString(), to: query.to.toISOString(), shifts });
    }),
  );

  router.get(
    '/v1/schedules/:id/overrides',
    ...guard('incidents:read'),
    validated({ params: scheduleIdParams }, async ({ params }, _req, res) => {
      res.json({ scheduleId: params.id, overrides: await listOverrides(deps, params.id) });
    }),
  );

  router.post(
    '/v1/schedules/:id/overrides',
    ...guard('oncall:write'),
    validated({ params: scheduleIdParams, body: overrideBody }, async ({ params, body }, _req, res) => {
      res.status(201).json(await createOverride(deps, params.id, body, actorFor(res, undefined)));
    }),
  );

  router.delete(
    '/v1/schedules/:id/overrides/:overrideId',
    ...guard('oncall:write'),
    validated(
      {
        params: scheduleIdParams.extend({
          overrideId: z.string().regex(overrideIdPattern, 'must be an override id like OVR-0123456789AB'),
        }),
      },
      async ({ params }, _req, res) => {
        await deleteOverride(deps, params.id, params.overrideId);
        res.status(204).end();
      },
    ),
  );

  router.post(
    '/v1/calendar-feeds',
    ...guard('incidents:read'),
    validated({ body: feedBody }, async ({ body }, _req, res) => {
      const creator = { actor: actorFor(res, undefined), keyId: principalOf(res).keyId };
      res.status(201).json(await createFeed(deps, body, creator));
    }),
  );

  router.get('/v1/calendar-feeds', ...guard('incidents:read'), async (_req, res) => {
    res.json({ feeds: await listFeeds(deps) });
  });

  router.delete(
    '/v1/calendar-feeds/:feedId',
    ...guard('oncall:write'),
    validated(
      {
        params: z.object({
          feedId: z.string().regex(/^CAL-[0-9A-F]{12}$/, 'must be a feed id like CAL-0123456789AB'),
        }),
      },
      async ({ params }, _req, res) => {
        await revokeFeed(deps, params.feedId);
        res.status(204).end();
      },
    ),
  );

  // Calendar apps cannot send an API key: the feed's own token, in the URL, opens it (and only it).
  router.get(
    '/v1/calendar.ics',
    validated({ query: feedQuery }, async ({ query }, _req, res) => {
      const { filename, body } = await feedCalendar(deps, query.token, query);
      res
        .type('text/calendar; charset=utf-8')
        .set('Content-Disposition', `inline; filename="${filename}"`)
        .set('Cache-Control', 'private, max-age=300')
        .send(body);
    }),
  );

  return router;
}
