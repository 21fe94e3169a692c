import { Router } from 'express';
import { actorFor, type Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { validated } from '../validate';
import { revisionQuery } from './schedule-body';
import {
  integrationParams,
  newIntegrationBody,
  newServiceBody,
  serviceChangeBody,
  serviceIdParams,
} from './service-body';
import {
  createIntegration,
  createService,
  deleteIntegration,
  deleteService,
  getService,
  listServices,
  replaceService,
  serviceHistory,
} from './services';

/**
 * Services made at run time, with revisions as schedules have, and the
 * integrations that feed them: a PagerDuty routing key or an Alertmanager or
 * Grafana token each, shown once when made.
 */
export function serviceRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();
  const base = '/v1/services';

  router.get(base, ...guard('incidents:read'), async (_req, res) => {
    res.json({ services: await listServices(deps) });
  });
  router.post(
    base,
    ...guard('oncall:write'),
    validated({ body: newServiceBody }, async ({ body }, _req, res) => {
      res.status(201).json(await createService(deps, body, actorFor(res, undefined)));
    }),
  );
  router.get(
    `${base}/:id`,
    ...guard('incidents:read'),
    validated({ params: serviceIdParams }, async ({ params }, _req, res) => {
      res.json(await getService(deps, params.id));
    }),
  );
  router.put(
    `${base}/:id`,
    ...guard('oncall:write'),
    validated({ params: serviceIdParams, body: serviceChangeBody }, async ({ params, body }, _req, res) => {
      res.json(await replaceService(deps, params.id, body, actorFor(res, undefined)));
    }),
  );
  router.delete(
    `${base}/:id`,
    ...guard('oncall:write'),
    validated({ params: serviceIdParams, query: revisionQuery }, async ({ params, query }, _req, res) => {
      await deleteService(deps, params.id, query.revision, actorFor(res, undefined), query.managedBy);
      res.status(204).end();
    }),
  );
  router.get(
    `${base}/:id/history`,
    ...guard('incidents:read'),
    validated({ params: serviceIdParams }, async ({ params }, _req, res) => {
      res.json({ serviceId: params.id, changes: await serviceHistory(deps, params.id) });
    }),
  );
  router.post(
    `${base}/:id/integrations`,
    ...guard('oncall:write'),
    validated({ params: serviceIdParams, body: newIntegrationBody }, async ({ params, body }, _req, res) => {
      res.status(201).json(await createIntegration(deps, params.id, body, actorFor(res, undefined)));
    }),
  );
  router.delete(
    `${base}/:id/integrations/:integrationId`,
    ...guard('oncall:write'),
    validated({ params: integrationParams }, async ({ params }, _req, res) => {
      await deleteIntegration(deps, params.id, params.integrationId);
      res.status(204).end();
    }),
  );
  return router;
}
