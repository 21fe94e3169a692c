import { Router } from 'express';
import type { Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { newScheduleBody, scheduleChangeBody, scheduleIdParams } from './schedule-body';
import { schedules } from './schedules';
import { storedKindRoutes } from './stored-kind';

/**
 * Schedules made and changed at run time, beside the catalog file's
 * (read-only here). A change names the revision it was read at: a stale one
 * is a 409, so two editors never overwrite each other. The worker reads them
 * before every page: a change applies to the next page, open incidents included.
 */
export function scheduleRoutes(deps: ApiDeps, guard: Guard): Router {
  return storedKindRoutes(deps, guard, {
    base: '/v1/schedules',
    list: 'schedules',
    idField: 'scheduleId',
    idParams: scheduleIdParams,
    newBody: newScheduleBody,
    changeBody: scheduleChangeBody,
    service: schedules,
    // The people a schedule may name, for editors.
    listExtra: () => ({ people: deps.onCall.catalog.people.map(({ id, name }) => ({ id, name })) }),
  });
}
