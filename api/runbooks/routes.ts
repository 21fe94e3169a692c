import { actionsTaskQueue } from '../../config';
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { incidentSeverities } from '../../domain/incident';
import type { RunbookMeta, RunbookResult } from '../../domain/runbook';
import { checkRunbookParams } from '../../infra/runbook-params';
import { runbookMetas } from '../../runbooks';
import { runbookWorkflow } from '../../workflows/runbook';
import { actorFor, type Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { NotFoundError, ValidationError } from '../errors';
import { validated } from '../validate';
import { drillRunId, drillWorkflowId } from '../../workflows/runbook/ids';
import { loadDrillReport } from './store';

const runbookIdParams = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'must be a runbook id'),
});

/** The runbook's metadata, or a 404. */
export function requireRunbook(id: string): RunbookMeta {
  const meta = runbookMetas().find((m) => m.id === id);
  if (!meta) throw new NotFoundError(`No runbook ${id}`);
  return meta;
}

/** Checks parameters against the runbook's JSON Schema: 400 naming each bad field. */
export function requireValidParams(meta: RunbookMeta, params: Record<string, unknown>): void {
  const problems = checkRunbookParams(meta, params);
  if (problems.length > 0)
    throw new ValidationError(problems.map((p) => ({ field: `body.${p.field}`, message: p.message })));
}

const dryRunBody = z
  .object({
    params: z.record(z.string(), z.unknown()).default({}),
    incident: z
      .object({
        service: z.string().min(1).max(100).default('drill'),
        severity: z.enum(incidentSeverities).default('SEV3'),
        title: z.string().min(1).max(1024).default('Drill'),
        labels: z.record(z.string(), z.string()).default({}),
      })
      .strict()
      .default({ service: 'drill', severity: 'SEV3', title: 'Drill', labels: {} }),
    /** Run HTTP checks for real (GET/HEAD only); otherwise they are simulated as healthy. */
    realHttp: z.boolean().default(false),
    actor: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,100}$/)
      .optional(),
  })
  .strict();

export function runbookRoutes(deps: ApiDeps, guard: Guard): Router {
  const router = Router();

  router.get('/v1/runbooks', ...guard('incidents:read'), (_req, res) => {
    res.json({ runbooks: runbookMetas() });
  });

  router.get(
    '/v1/runbooks/:id',
    ...guard('incidents:read'),
    validated({ params: runbookIdParams }, ({ params }, _req, res) => {
      res.json(requireRunbook(params.id));
    }),
  );

  // A drill: the same runbook code, side effects replaced by recorded no-ops; the report is stored and returned.
  router.post(
    '/v1/runbooks/:id/dry-run',
    ...guard('runbooks:run'),
    validated({ params: runbookIdParams, body: dryRunBody }, async ({ params, body }, _req, res) => {
      const meta = requireRunbook(params.id);
      requireValidParams(meta, body.params);
      const runId = drillRunId(randomUUID());
      const report: RunbookResult = await deps.temporal.workflow.execute(runbookWorkflow, {
        taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
        workflowId: drillWorkflowId(meta.id, runId),
        args: [
          {
            runbookId: meta.id,
            runId,
            incident: { incidentId: runId, ...body.incident },
            params: body.params,
            dryRun: true,
            realHttpInDryRun: body.realHttp,
            requestedBy: actorFor(res, body.actor),
            actionsTaskQueue: actionsTaskQueue(deps.config),
          },
        ],
        staticSummary: `drill of ${meta.id}`,
        workflowExecutionTimeout: `${(meta.deadlineSeconds ?? 3600) + 60} seconds`,
      });
      res.status(201).json({
        drillId: runId,
        ...report,
        durationMs: Date.parse(report.endedAt) - Date.parse(report.startedAt),
      });
    }),
  );

  router.get(
    '/v1/drills/:drillId',
    ...guard('incidents:read'),
    validated(
      { params: z.object({ drillId: z.string().regex(/^DRILL-[A-Z0-9]{8}$/, 'must be a drill id') }) },
      async ({ params }, _req, res) => {
        res.json(await loadDrillReport(deps, params.drillId));
      },
    ),
  );

  return router;
}
