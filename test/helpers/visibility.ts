import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { eventually } from './http-receiver';

/**
 * The runs of a workflow id as Temporal's visibility lists them, once the list
 * has caught up with the runs themselves (it lags): it holds the newest run,
 * as `describe` reports it, with the same status, and reads the same twice.
 */
export async function settledRuns(client: Client, workflowId: string): Promise<WorkflowExecutionInfo[]> {
  let previous: string | undefined;
  return eventually(
    async () => {
      const newest = await client.workflow.getHandle(workflowId).describe();
      const runs: WorkflowExecutionInfo[] = [];
      for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run);
      expect(runs.find((run) => run.runId === newest.runId)?.status.name).toBe(newest.status.name);
      const seen = runs
        .map((run) => `${run.runId}:${run.status.name}`)
        .sort()
        .join(',');
      const settled = seen === previous;
      previous = seen;
      if (!settled) throw new Error(`the list of runs may still change: ${seen}`);
      return runs;
    },
    30_000,
    250,
  );
}
