import { Router } from 'express';
import { z } from 'zod';
import { incidentSeverities, incidentStatuses } from '../../domain/incident';
import { incidentActionList, type IncidentAction } from '../actions/catalog';
import { actorField, incidentIdField } from '../actions/fields';
import { runAction } from '../actions/run';
import type { Guard } from '../auth';
import { actingOf } from '../identity';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { readIncident } from './service';
import { DECLARE_SCOPE, declarationSchema, declareIncident } from './declare';
import {
  listIncidents,
  loadStoredIncident,
  readTimeline,
  TIMELINE_PAGE_DEFAULT,
  TIMELINE_PAGE_MAX,
  type IncidentPageKey,
} from './store';
import { validated } from '../validate';

const idParams = z.object({ id: incidentIdField });

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

const listQuery = z.object({
  status: oneOrMany(z.enum(incidentStatuses)).optional(),
  service: oneOrMany(z.string().min(1).max(100)).optional(),
  severity: oneOrMany(z.enum(incidentSeverities)).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

const timelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(TIMELINE_PAGE_MAX).default(TIMELINE_PAGE_DEFAULT),
  before: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('only entries with a lower seq: the nextBefore of the previous page'),
});

/** Opaque page cursor: the sort key of the last item returned. */
function encodeCursor(key: IncidentPageKey): string {
  return Buffer.from(`${key.openedAt.toISOString()}|${key.id}`).toString('base64url');
}

function decodeCursor(cursor: string): IncidentPageKey {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const openedAt = new Date(at ?? '');
  if (!id || Number.isNaN(openedAt.getTime())) {
    throw new HttpError(
      400,
      'validation_failed',
      'Invalid request: query.cursor: not a cursor from this API',
      [{ field: 'query.cursor', message: 'not a cursor from this API' }],
    );
  }
  return { openedAt, id };
}

/** The reads: the incident list, one incident, its timeline, its approvals. */
function incidentReadRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();

  router.get(
    '/v1/incidents',
    ...guard('incidents:read'),
    validated({ query: listQuery }, async ({ query }, _req, res) => {
      const { incidents, next } = await listIncidents(deps, {
        status: query.status,
        service: query.service,
        severity: query.severity,
        from: query.from,
        to: query.to,
        limit: query.limit,
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
      });
      res.json({ incidents, nextCursor: next ? encodeCursor(next) : null });
    }),
  );

  router.get(
    '/v1/incidents/:id',
    ...guard('incidents:read'),
    validated({ params: idParams }, async ({ params }, _req, res) => {
      res.json(await readIncident(deps, params.id));
    }),
  );

  router.get(
    '/v1/incidents/:id/timeline',
    ...guard('incidents:read'),
    validated({ params: idParams, query: timelineQuery }, async ({ params, query }, _req, res) => {
      await loadStoredIncident(deps, params.id);
      const page = await readTimeline(deps, params.id, query);
      res.json({ incidentId: params.id, ...page });
    }),
  );

  router.get(
    '/v1/incidents/:id/approvals',
    ...guard('incidents:read'),
    validated({ params: idParams }, async ({ params }, _req, res) => {
      const incident = await readIncident(deps, params.id);
      res.json({ incidentId: params.id, approvals: incident.approvals ?? [] });
    }),
  );

  return router;
}

/**
 * One action of the catalog as a JSON route: the body (the action's input, and
 * `actor` for an admin key acting for a catalog person) and the path are
 * checked by the catalog's schemas; the key's person acts, through the
 * catalog's runner, and what the action answers is the response.
 */
function actionRoute(router: Router, deps: ApiDeps, guard: Guard, action: IncidentAction): void {
  const path = action.api.path ? `/v1/incidents/:id/${action.api.path}` : '/v1/incidents/:id';
  const schemas = {
    params: idParams.extend(action.target.shape),
    body: action.input.safeExtend({ actor: actorField }).strict(),
  };
  router[action.api.method](
    path,
    ...guard(action.scope),
    validated(schemas, async ({ params, body }, _req, res) => {
      const { id, ...target } = params as { id: string };
      const { actor: who, ...input } = body as { actor?: string };
      const acting = actingOf(res, deps.onCall.catalog, who);
      const { result } = await runAction(deps, action, { incidentId: id, target, input }, acting);
      res.status(action.api.status).json(result);
    }),
  );
}

/** `POST /v1/incidents`: a person declares an incident (the web UI, Slack and the CLI declare the same way). */
function declareRoute(router: Router, deps: ApiDeps, guard: Guard): void {
  router.post(
    '/v1/incidents',
    ...guard(DECLARE_SCOPE),
    validated(
      { body: declarationSchema.safeExtend({ actor: actorField }).strict() },
      async ({ body }, _req, res) => {
        const { actor: who, ...input } = body;
        const declared = await declareIncident(deps, input, actingOf(res, deps.onCall.catalog, who));
        res.status(201).json(declared);
      },
    ),
  );
}

export function incidentRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();
  declareRoute(router, deps, guard);
  router.use(incidentReadRoutes(deps, guard));
  for (const action of incidentActionList) actionRoute(router, deps, guard, action);
  return router;
}
