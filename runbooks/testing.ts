import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { ActionImpl } from '../actions';
import { createActivities } from '../activities';
import type { ApprovalRequest, RunbookIncident, RunbookResult } from '../domain/runbook';
import { connectMongo } from '../infra/mongo';
import { loadConfig } from '../config';
import { createModels } from '../models';
import { defaultActivityDeps } from '../worker';
import { runbookWorkflow } from '../workflows/runbook';
import { decideApprovalUpdate, runbookProgressQuery } from '../workflows/runbook-messages';

export interface RunbookTestOptions {
  runbookId: string;
  params: Record<string, unknown>;
  /** Your mocks for the actions the runbook calls (`webhook`, `command`, your own). */
  actions: Record<string, ActionImpl>;
  incident?: Partial<RunbookIncident>;
  /** Answers each approval; default approve. */
  decide?: (approval: ApprovalRequest) => 'approve' | 'reject';
  dryRun?: boolean;
  /** Environment variables visible to actions (URLs named by `urlEnv`). */
  secrets?: Record<string, string>;
}

let runtimeInstalled = false;

/**
 * Runs one runbook to its end on the real Temporal dev server, with your
 * actions mocked, approvals answered by `decide`, and returns its result
 * (status, steps, verified). Needs TEMPORAL_ADDRESS, MONGODB_URI and
 * FIRELINE_TEST_WORKFLOW_BUNDLE, which Fireline's Jest global setup provides.
 */
export async function runRunbookForTest(options: RunbookTestOptions): Promise<RunbookResult> {
  const address = process.env.TEMPORAL_ADDRESS;
  const mongoUri = process.env.MONGODB_URI;
  const bundlePath = process.env.FIRELINE_TEST_WORKFLOW_BUNDLE;
  if (!address || !mongoUri || !bundlePath) {
    throw new Error('runRunbookForTest needs the test stack: run it under `npm test` / `npx jest`');
  }
  if (!runtimeInstalled) {
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // Installed already by another helper in this process.
    }
    runtimeInstalled = true;
  }
  const taskQueue = `runbook-test-${randomUUID().slice(0, 8)}`;
  const mongo = await connectMongo(mongoUri);
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  try {
    const models = createModels(mongo);
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: { codePath: bundlePath },
      activities: createActivities({
        ...defaultActivityDeps(loadConfig(), models),
        secrets: options.secrets ?? {},
        actions: options.actions,
      }),
    });
    const client = new Client({ connection: clientConnection });
    const runId = `TEST-${randomUUID().slice(0, 8)}`;
    return await worker.runUntil(async () => {
      const handle = await client.workflow.start(runbookWorkflow, {
        taskQueue,
        workflowId: `runbook-test:${runId}`,
        args: [
          {
            runbookId: options.runbookId,
            runId,
            incident: {
              incidentId: runId,
              service: 'test-service',
              severity: 'SEV3',
              title: 'Runbook test',
              labels: {},
              ...options.incident,
            },
            params: options.params,
            dryRun: options.dryRun ?? false,
            realHttpInDryRun: false,
            requestedBy: 'user:test',
          },
        ],
      });
      const answered = new Set<string>();
      const result = handle.result();
      let finished = false;
      void result.finally(() => (finished = true)).catch(() => undefined);
      while (!finished) {
        const progress = await handle.query(runbookProgressQuery).catch(() => undefined);
        for (const approval of progress?.approvals ?? []) {
          if (approval.status !== 'pending' || answered.has(approval.approvalId)) continue;
          answered.add(approval.approvalId);
          const decision = options.decide?.(approval) ?? 'approve';
          await handle.executeUpdate(decideApprovalUpdate, {
            args: [{ approvalId: approval.approvalId, decision, actor: 'user:test' }],
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return result;
    });
  } finally {
    await clientConnection.close();
    await connection.close();
    await mongo.close();
  }
}
