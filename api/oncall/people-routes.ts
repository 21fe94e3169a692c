import { type Response, Router } from 'express';
import { grants, personById, scopesOf } from '../../domain/rights';
import { actorFor, type Guard, principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { validated } from '../validate';
import {
  newPersonBody,
  newTeamBody,
  personChangeBody,
  personIdParams,
  teamChangeBody,
  teamIdParams,
} from './people-body';
import {
  type Changer,
  createPerson,
  createTeam,
  deletePerson,
  deleteTeam,
  getPerson,
  getTeam,
  listPeople,
  listTeams,
  personHistory,
  replacePerson,
  replaceTeam,
  teamHistory,
} from './people';
import { revisionQuery } from './schedule-body';

/**
 * People and teams: the catalog file's (read-only here) and those made at run
 * time, with revisions as schedules have. A person made here can be put in a
 * schedule, paged, and given a key or a web UI sign-in at once.
 */
export function peopleRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();

  /** Who changes the model, and whether they are an admin: the key's scope and, for a key linked to a person, theirs. */
  const changerOf = (res: Response): Changer => {
    const principal = principalOf(res);
    const person =
      principal.personId === undefined ? undefined : personById(deps.onCall.catalog, principal.personId);
    return {
      actor: actorFor(res, undefined),
      admin:
        grants(principal.scopes, 'admin') &&
        (principal.personId === undefined || (person !== undefined && grants(scopesOf(person), 'admin'))),
    };
  };

  router.get('/v1/people', ...guard('incidents:read'), async (_req, res) => {
    res.json({ people: await listPeople(deps) });
  });
  router.post(
    '/v1/people',
    ...guard('oncall:write'),
    validated({ body: newPersonBody }, async ({ body }, _req, res) => {
      res.status(201).json(await createPerson(deps, body, changerOf(res)));
    }),
  );
  router.get(
    '/v1/people/:id',
    ...guard('incidents:read'),
    validated({ params: personIdParams }, async ({ params }, _req, res) => {
      res.json(await getPerson(deps, params.id));
    }),
  );
  router.put(
    '/v1/people/:id',
    ...guard('oncall:write'),
    validated({ params: personIdParams, body: personChangeBody }, async ({ params, body }, _req, res) => {
      res.json(await replacePerson(deps, params.id, body, changerOf(res)));
    }),
  );
  router.delete(
    '/v1/people/:id',
    ...guard('oncall:write'),
    validated({ params: personIdParams, query: revisionQuery }, async ({ params, query }, _req, res) => {
      await deletePerson(deps, params.id, query.revision, changerOf(res), query.managedBy);
      res.status(204).end();
    }),
  );
  router.get(
    '/v1/people/:id/history',
    ...guard('incidents:read'),
    validated({ params: personIdParams }, async ({ params }, _req, res) => {
      res.json({ personId: params.id, changes: await personHistory(deps, params.id) });
    }),
  );

  router.get('/v1/teams', ...guard('incidents:read'), async (_req, res) => {
    res.json({ teams: await listTeams(deps) });
  });
  router.post(
    '/v1/teams',
    ...guard('oncall:write'),
    validated({ body: newTeamBody }, async ({ body }, _req, res) => {
      res.status(201).json(await createTeam(deps, body, changerOf(res)));
    }),
  );
  router.get(
    '/v1/teams/:id',
    ...guard('incidents:read'),
    validated({ params: teamIdParams }, async ({ params }, _req, res) => {
      res.json(await getTeam(deps, params.id));
    }),
  );
  router.put(
    '/v1/teams/:id',
    ...guard('oncall:write'),
    validated({ params: teamIdParams, body: teamChangeBody }, async ({ params, body }, _req, res) => {
      res.json(await replaceTeam(deps, params.id, body, changerOf(res)));
    }),
  );
  router.delete(
    '/v1/teams/:id',
    ...guard('oncall:write'),
    validated({ params: teamIdParams, query: revisionQuery }, async ({ params, query }, _req, res) => {
      await deleteTeam(deps, params.id, query.revision, changerOf(res), query.managedBy);
      res.status(204).end();
    }),
  );
  router.get(
    '/v1/teams/:id/history',
    ...guard('incidents:read'),
    validated({ params: teamIdParams }, async ({ params }, _req, res) => {
      res.json({ teamId: params.id, changes: await teamHistory(deps, params.id) });
    }),
  );
  return router;
}
