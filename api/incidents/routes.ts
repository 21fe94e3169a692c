import type { UpdateDefinition } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { incidentSeverities, incidentStatuses } from '../../domain/incident';
import {
  type IncidentActionInput,
  acknowledgeUpdate,
  claimCommanderUpdate,
  addNoteUpdate,
  escalateUpdate,
  patchIncidentUpdate,
  resolveUpdate,
  snoozeUpdate,
  startRunbookUpdate,
} from '../../workflows/incident/messages';
import { actorFor, incidentAccess, type Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { cancelRunbookRun, decideApproval, readIncident, updateIncident } from './service';
import {
  listIncidents,
  loadStoredIncident,
  readTimeline,
  TIMELINE_PAGE_DEFAULT,
  TIMELINE_PAGE_MAX,
  type IncidentPageKey,
} from './store';
import { requireRunbook, requireValidParams } from '../runbooks/routes';
import { validated } from '../validate';
import { approvalIdPattern, runbookRunIdPattern } from '../../workflows/runbook/ids';
import { incidentIdPattern } from '../../workflows/incident/ids';

const idParams = z.object({
  id: z.string().regex(incidentIdPattern, 'must be an incident id like INC-0123456789AB'),
});
const actor = z
  .string()
  .regex(/^[A-Za-z0-9._@-]{1,100}$/, 'must be 1-100 letters, digits, . _ @ -')
  .optional();

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

export function incidentRoutes(deps: ApiDeps, guard: Guard): Router {
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

  /**
   * An action on one incident: the body, with `actor` resolved against the
   * caller, is the workflow Update's input, and the Update's answer the response.
   */
  const action = <B extends z.ZodType<{ actor?: string }>, Ret>(
    method: 'post' | 'patch',
    path: string,
    update: UpdateDefinition<Ret, [Omit<z.output<B>, 'actor'> & IncidentActionInput]>,
    body: B,
    status = 200,
  ) =>
    router[method](
      path,
      ...guard('incidents:write'),
      validated(
        { params: idParams, body },
        async ({ params, body: { actor: who, ...fields } }, _req, res) => {
          const input = { ...fields, incidentId: params.id, actor: actorFor(res, who) };
          res.status(status).json(await updateIncident(deps, update, input, incidentAccess(res)));
        },
      ),
    );

  action('post', '/v1/incidents/:id/acknowledge', acknowledgeUpdate, z.object({ actor }).strict());
  action(
    'post',
    '/v1/incidents/:id/resolve',
    resolveUpdate,
    z.object({ actor, note: z.string().min(1).max(4000).optional() }).strict(),
  );
  action(
    'post',
    '/v1/incidents/:id/snooze',
    snoozeUpdate,
    z
      .object({
        actor,
        durationSeconds: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 3600),
      })
      .strict(),
  );
  action(
    'post',
    '/v1/incidents/:id/escalate',
    escalateUpdate,
    z.object({ actor, reason: z.string().min(1).max(1000).optional() }).strict(),
  );
  // The caller (or, for an admin key, `actor`) takes the incident commander role.
  action('post', '/v1/incidents/:id/commander', claimCommanderUpdate, z.object({ actor }).strict());
  action(
    'post',
    '/v1/incidents/:id/notes',
    addNoteUpdate,
    z.object({ actor, text: z.string().min(1).max(10_000) }).strict(),
    201,
  );
  action(
    'patch',
    '/v1/incidents/:id',
    patchIncidentUpdate,
    z
      .object({
        actor,
        severity: z.enum(incidentSeverities).optional(),
        title: z.string().min(1).max(1024).optional(),
        commander: z.string().min(1).max(100).optional(),
      })
      .strict()
      .refine((b) => b.severity !== undefined || b.title !== undefined || b.commander !== undefined, {
        message: 'give at least one of severity, title, commander',
      }),
  );

  router.post(
    '/v1/incidents/:id/runbooks',
    ...guard('runbooks:run'),
    validated(
      {
        params: idParams,
        body: z
          .object({
            actor,
            runbookId: z.string().min(1).max(100),
            params: z.record(z.string(), z.unknown()).default({}),
          })
          .strict(),
      },
      async ({ params, body }, _req, res) => {
        const meta = requireRunbook(body.runbookId);
        requireValidParams(meta, body.params);
        const started = await updateIncident(
          deps,
          startRunbookUpdate,
          {
            incidentId: params.id,
            actor: actorFor(res, body.actor),
            runbookId: meta.id,
            params: body.params,
          },
          incidentAccess(res),
        );
        res.status(202).json(started);
      },
    ),
  );

  router.post(
    '/v1/incidents/:id/runbooks/:runId/cancel',
    ...guard('runbooks:run'),
    validated(
      {
        params: idParams.extend({
          runId: z.string().regex(runbookRunIdPattern, 'must be a runbook run id'),
        }),
        body: z.object({ actor }).strict(),
      },
      async ({ params }, _req, res) => {
        res.status(202).json(await cancelRunbookRun(deps, params.id, params.runId, incidentAccess(res)));
      },
    ),
  );

  router.get(
    '/v1/incidents/:id/approvals',
    ...guard('incidents:read'),
    validated({ params: idParams }, async ({ params }, _req, res) => {
      const incident = await readIncident(deps, params.id);
      res.json({ incidentId: params.id, approvals: incident.approvals ?? [] });
    }),
  );

  const decide = (decision: 'approve' | 'reject') =>
    validated(
      {
        params: idParams.extend({
          approvalId: z.string().regex(approvalIdPattern, 'must be an approval id'),
        }),
        body: z.object({ actor, comment: z.string().min(1).max(2000).optional() }).strict(),
      },
      async ({ params, body }, _req, res) => {
        res.json(
          await decideApproval(
            deps,
            {
              incidentId: params.id,
              approvalId: params.approvalId,
              decision,
              actor: actorFor(res, body.actor),
              comment: body.comment,
            },
            incidentAccess(res),
          ),
        );
      },
    );
  router.post(
    '/v1/incidents/:id/approvals/:approvalId/approve',
    ...guard('approvals:decide'),
    decide('approve'),
  );
  router.post(
    '/v1/incidents/:id/approvals/:approvalId/reject',
    ...guard('approvals:decide'),
    decide('reject'),
  );

  return router;
}
