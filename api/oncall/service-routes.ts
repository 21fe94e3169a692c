import { Router } from 'express';
import { actorFor, type Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { validated } from '../validate';
import {
  integrationParams,
  newIntegrationBody,
  newServiceBody,
  serviceChangeBody,
  serviceIdParams,
} from './service-body';
import { createIntegration, deleteIntegration, services } from './services';
import { storedKindRoutes } from './stored-kind';

/**
 * Services made at run time, with revisions as schedules have, and the
 * integrations that feed them: a PagerDuty routing key or an Alertmanager or
 * Grafana token each, shown once when made.
 */
export function serviceRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();
  const base = '/v1/services';
  router.use(
    storedKindRoutes(deps, guard, {
      base,
      list: 'services',
      idField: 'serviceId',
      idParams: serviceIdParams,
      newBody: newServiceBody,
      changeBody: serviceChangeBody,
      service: services,
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
