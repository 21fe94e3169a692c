import { Router } from 'express';
import { actorFor, type Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { validated } from '../validate';
import { newScheduleBody, scheduleChangeBody, scheduleIdParams, revisionQuery } from './schedule-body';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  replaceSchedule,
  scheduleHistory,
} from './schedules';

/**
 * Schedules made and changed at run time, beside the catalog file's
 * (read-only here). A change names the revision it was read at: a stale one
 * is a 409, so two editors never overwrite each other. The worker reads them
 * before every page: a change applies to the next page, open incidents included.
 */
export function scheduleRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();

  router.get('/v1/schedules', ...guard('incidents:read'), async (_req, res) => {
    res.json({
      schedules: await listSchedules(deps),
      people: deps.onCall.catalog.people.map(({ id, name }) => ({ id, name })),
    });
  });

  router.post(
    '/v1/schedules',
    ...guard('oncall:write'),
    validated({ body: newScheduleBody }, async ({ body }, _req, res) => {
      res.status(201).json(await createSchedule(deps, body, actorFor(res, undefined)));
    }),
  );

  router.get(
    '/v1/schedules/:id',
    ...guard('incidents:read'),
    validated({ params: scheduleIdParams }, async ({ params }, _req, res) => {
      res.json(await getSchedule(deps, params.id));
    }),
  );

  router.put(
    '/v1/schedules/:id',
    ...guard('oncall:write'),
    validated({ params: scheduleIdParams, body: scheduleChangeBody }, async ({ params, body }, _req, res) => {
      res.json(await replaceSchedule(deps, params.id, body, actorFor(res, undefined)));
    }),
  );

  router.delete(
    '/v1/schedules/:id',
    ...guard('oncall:write'),
    validated({ params: scheduleIdParams, query: revisionQuery }, async ({ params, query }, _req, res) => {
      await deleteSchedule(deps, params.id, query.revision, actorFor(res, undefined), query.managedBy);
      res.status(204).end();
    }),
  );

  router.get(
    '/v1/schedules/:id/history',
    ...guard('incidents:read'),
    validated({ params: scheduleIdParams }, async ({ params }, _req, res) => {
      res.json({ scheduleId: params.id, changes: await scheduleHistory(deps, params.id) });
    }),
  );

  return router;
}
