import { Router } from 'express';
import type { Guard } from '../auth';
import type { ApiDeps } from '../deps';

/**
 * The people of the on-call catalog, as schedules and importers name them:
 * id, name and email (importers match another tool's users to them by email).
 */
export function peopleRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();
  router.get('/v1/people', ...guard('incidents:read'), (_req, res) => {
    res.json({
      people: deps.catalog.people.map(({ id, name, email }) => ({ id, name, ...(email ? { email } : {}) })),
    });
  });
  return router;
}
