import { Router } from 'express';
import { actorFor, type Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { validated } from '../validate';
import {
  createPolicy,
  deletePolicy,
  getPolicy,
  listPolicies,
  policyHistory,
  replacePolicy,
} from './policies';
import { newPolicyBody, policyChangeBody, policyIdParams } from './policy-body';
import { revisionQuery } from './schedule-body';

/**
 * Escalation policies made and changed at run time, beside the catalog
 * file's (read-only here), with revisions as schedules have. A triage rule
 * naming one pages with it from the next incident it opens.
 */
export function policyRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();
  const base = '/v1/escalation-policies';

  router.get(base, ...guard('incidents:read'), async (_req, res) => {
    res.json({ policies: await listPolicies(deps) });
  });

  router.post(
    base,
    ...guard('oncall:write'),
    validated({ body: newPolicyBody }, async ({ body }, _req, res) => {
      res.status(201).json(await createPolicy(deps, body, actorFor(res, undefined)));
    }),
  );

  router.get(
    `${base}/:id`,
    ...guard('incidents:read'),
    validated({ params: policyIdParams }, async ({ params }, _req, res) => {
      res.json(await getPolicy(deps, params.id));
    }),
  );

  router.put(
    `${base}/:id`,
    ...guard('oncall:write'),
    validated({ params: policyIdParams, body: policyChangeBody }, async ({ params, body }, _req, res) => {
      res.json(await replacePolicy(deps, params.id, body, actorFor(res, undefined)));
    }),
  );

  router.delete(
    `${base}/:id`,
    ...guard('oncall:write'),
    validated({ params: policyIdParams, query: revisionQuery }, async ({ params, query }, _req, res) => {
      await deletePolicy(deps, params.id, query.revision, actorFor(res, undefined), query.managedBy);
      res.status(204).end();
    }),
  );

  router.get(
    `${base}/:id/history`,
    ...guard('incidents:read'),
    validated({ params: policyIdParams }, async ({ params }, _req, res) => {
      res.json({ policyId: params.id, changes: await policyHistory(deps, params.id) });
    }),
  );

  return router;
}
