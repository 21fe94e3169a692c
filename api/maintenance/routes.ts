import { Router } from 'express';
import type { Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { actingOf } from '../identity';
import { validated } from '../validate';
import {
  createMaintenanceWindow,
  endWindow,
  listWindows,
  maintenanceListQuery,
  maintenanceWindowParams,
  newMaintenanceWindowBody,
  removeWindow,
  showWindow,
} from './service';

/**
 * Maintenance windows: made, listed, ended early and deleted by a person
 * with a responder's rights over every service (or the team) a window covers.
 */
export function maintenanceRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();
  router.get(
    '/v1/maintenance-windows',
    ...guard('incidents:read'),
    validated({ query: maintenanceListQuery }, async ({ query }, _req, res) => {
      res.json({ windows: await listWindows(deps, query.state) });
    }),
  );
  router.post(
    '/v1/maintenance-windows',
    ...guard('incidents:write'),
    validated({ body: newMaintenanceWindowBody }, async ({ body }, _req, res) => {
      res.status(201).json(await createMaintenanceWindow(deps, body, actingOf(res, deps.onCall.catalog)));
    }),
  );
  router.get(
    '/v1/maintenance-windows/:id',
    ...guard('incidents:read'),
    validated({ params: maintenanceWindowParams }, async ({ params }, _req, res) => {
      res.json(await showWindow(deps, params.id));
    }),
  );
  router.post(
    '/v1/maintenance-windows/:id/end',
    ...guard('incidents:write'),
    validated({ params: maintenanceWindowParams }, async ({ params }, _req, res) => {
      res.json(await endWindow(deps, params.id, actingOf(res, deps.onCall.catalog)));
    }),
  );
  router.delete(
    '/v1/maintenance-windows/:id',
    ...guard('incidents:write'),
    validated({ params: maintenanceWindowParams }, async ({ params }, _req, res) => {
      await removeWindow(deps, params.id, actingOf(res, deps.onCall.catalog));
      res.status(204).end();
    }),
  );
  return router;
}
