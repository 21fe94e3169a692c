import { Router } from 'express';
import type { Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { people, teams } from './people';
import {
  newPersonBody,
  newTeamBody,
  personChangeBody,
  personIdParams,
  teamChangeBody,
  teamIdParams,
} from './people-body';
import { storedKindRoutes } from './stored-kind';

/**
 * People and teams: the catalog file's (read-only here) and those made at run
 * time, with revisions as schedules have. A person made here can be put in a
 * schedule, paged, and given a key or a web UI sign-in at once.
 */
export function peopleRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();
  router.use(
    storedKindRoutes(deps, guard, {
      base: '/v1/people',
      list: 'people',
      idField: 'personId',
      idParams: personIdParams,
      newBody: newPersonBody,
      changeBody: personChangeBody,
      service: people,
    }),
  );
  router.use(
    storedKindRoutes(deps, guard, {
      base: '/v1/teams',
      list: 'teams',
      idField: 'teamId',
      idParams: teamIdParams,
      newBody: newTeamBody,
      changeBody: teamChangeBody,
      service: teams,
    }),
  );
  return router;
}
