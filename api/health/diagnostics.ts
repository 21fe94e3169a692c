import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { roundTripWorkflow } from '../../workflows/diagnostics';
import type { Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { validated } from '../validate';
import { roundTripWorkflowId } from '../../workflows/diagnostics/ids';
import { loadRoundTripCheck } from './store';

const checkIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 letters, digits, or _ . : -');

/**
 * A round trip through every layer (API → workflow → activity → MongoDB → API),
 * for operators checking a deployment end to end.
 */
export function diagnosticsRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();

  router.post(
    '/v1/diagnostics/round-trips',
    ...guard('admin'),
    validated(
      { body: z.object({ checkId: checkIdSchema.optional() }).strict() },
      async ({ body }, _req, res) => {
        const checkId = body.checkId ?? randomUUID();
        const result = await deps.temporal.workflow.execute(roundTripWorkflow, {
          taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
          workflowId: roundTripWorkflowId(checkId),
          args: [{ checkId, requestedAt: new Date().toISOString() }],
          workflowExecutionTimeout: '1 minute',
        });
        res.status(201).json(result);
      },
    ),
  );

  router.get(
    '/v1/diagnostics/round-trips/:checkId',
    ...guard('admin'),
    validated({ params: z.object({ checkId: checkIdSchema }) }, async ({ params }, _req, res) => {
      res.json(await loadRoundTripCheck(deps, params.checkId));
    }),
  );

  return router;
}
