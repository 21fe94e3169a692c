import { WorkflowNotFoundError } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { incidentSeverities } from '../../domain/incident';
import {
  actionItemStatuses,
  postmortemStatuses,
  type Postmortem,
  type PostmortemStatus,
} from '../../domain/postmortem';
import { toHtml, toMarkdown } from './render';
import { listPostmortems, loadPostmortem, updatePostmortemIfStatus } from './store';
import { postmortemStatusSignal } from '../../workflows/postmortem/messages';
import type { Guard } from '../auth';
import { accessFor, actingOf } from '../identity';
import type { ApiDeps } from '../deps';
import { ConflictError } from '../errors';
import { validated } from '../validate';
import { postmortemIdPattern, postmortemWorkflowId } from '../../workflows/postmortem/ids';

const idParams = z.object({
  id: z.string().regex(postmortemIdPattern, 'must be a post-mortem id like PM-0123456789AB'),
});

const listQuery = z.object({
  service: z.string().min(1).max(100).optional(),
  severity: z.enum(incidentSeverities).optional(),
  status: z.enum(postmortemStatuses).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const actionItem = z
  .object({
    title: z.string().min(1).max(500),
    owner: z.string().min(1).max(100),
    dueDate: z.iso.date().optional(),
    status: z.enum(actionItemStatuses).default('open'),
    link: z.url().optional(),
  })
  .strict();

const patchBody = z
  .object({
    actor: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,100}$/)
      .optional(),
    summary: z.string().min(1).max(20_000).optional(),
    rootCause: z.string().max(20_000).optional(),
    contributingFactors: z.array(z.string().min(1).max(2000)).max(50).optional(),
    mitigators: z.array(z.string().min(1).max(500)).max(50).optional(),
    lessonsLearned: z.string().max(20_000).optional(),
    owner: z.string().min(1).max(100).optional(),
    actionItems: z.array(actionItem).max(100).optional(),
    status: z.enum(postmortemStatuses).optional(),
  })
  .strict();

/** The review only moves forward, with one step back from review to draft. */
const allowedTransitions: Record<PostmortemStatus, PostmortemStatus[]> = {
  draft: ['in-review'],
  'in-review': ['draft', 'published'],
  published: [],
};

/** Once published, only the status of existing action items may change. */
function onlyActionItemStatusChanges(current: Postmortem, body: z.output<typeof patchBody>): boolean {
  const { actor: _actor, actionItems, ...rest } = body;
  if (Object.values(rest).some((v) => v !== undefined)) return false;
  if (!actionItems) return true;
  if (actionItems.length !== current.actionItems.length) return false;
  return actionItems.every((item, i) => {
    const before = current.actionItems[i]!;
    return (
      item.title === before.title &&
      item.owner === before.owner &&
      item.dueDate === before.dueDate &&
      item.link === before.link
    );
  });
}

export function postmortemRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();

  router.get(
    '/v1/postmortems',
    ...guard('incidents:read'),
    validated({ query: listQuery }, async ({ query }, _req, res) => {
      res.json({ postmortems: await listPostmortems(deps, query) });
    }),
  );

  // JSON, Markdown or a printable HTML page, by the Accept header.
  router.get(
    '/v1/postmortems/:id',
    ...guard('incidents:read'),
    validated({ params: idParams }, async ({ params }, req, res) => {
      const pm = await loadPostmortem(deps, params.id);
      switch (req.accepts(['application/json', 'text/markdown', 'text/html'])) {
        case 'text/markdown':
          res.type('text/markdown; charset=utf-8').send(toMarkdown(pm));
          return;
        case 'text/html':
          res.type('text/html; charset=utf-8').send(toHtml(pm));
          return;
        default:
          res.json(pm);
      }
    }),
  );

  router.patch(
    '/v1/postmortems/:id',
    ...guard('postmortems:write'),
    validated({ params: idParams, body: patchBody }, async ({ params, body }, _req, res) => {
      const current = await loadPostmortem(deps, params.id);
      // A post-mortem edit can move its review workflow along: its person edits only the
      // post-mortems of incidents they may write them for (and a key bound to services, only theirs).
      accessFor(actingOf(res, deps.onCall.catalog), 'postmortems:write')(current);
      if (current.status === 'published' && !onlyActionItemStatusChanges(current, body)) {
        throw new ConflictError(`Post-mortem ${params.id} is published: only action item status can change`);
      }
      if (
        body.status &&
        body.status !== current.status &&
        !allowedTransitions[current.status].includes(body.status)
      ) {
        throw new ConflictError(
          `Post-mortem ${params.id} cannot go from ${current.status} to ${body.status}`,
        );
      }
      const { actor: _actor, ...changes } = body;
      const updated = await updatePostmortemIfStatus(deps, params.id, current.status, changes);
      if (!updated)
        throw new ConflictError(`Post-mortem ${params.id} changed meanwhile; reload and try again`);
      if (body.status && body.status !== current.status) {
        try {
          await deps.temporal.workflow
            .getHandle(postmortemWorkflowId(current.incidentId))
            .signal(postmortemStatusSignal, body.status);
        } catch (err) {
          // The review workflow already ended (published before): nothing to tell it.
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
      res.json(updated);
    }),
  );

  return router;
}
