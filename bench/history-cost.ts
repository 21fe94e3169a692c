import type { Client } from '@temporalio/client';

/** What runs of a workflow cost the Temporal server: history events and workflow tasks, by kind. */
export interface HistoryCost {
  runs: number;
  events: number;
  workflowTasks: number;
  signals: number;
  activities: Map<string, number>;
  timers: number;
  markers: number;
  upserts: number;
}

export async function historyCost(client: Client, workflowIds: string[]): Promise<HistoryCost> {
  const cost: HistoryCost = {
    runs: 0,
    events: 0,
    workflowTasks: 0,
    signals: 0,
    activities: new Map(),
    timers: 0,
    markers: 0,
    upserts: 0,
  };
  for (const workflowId of workflowIds) {
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      cost.runs += 1;
      const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      for (const e of history.events ?? []) {
        cost.events += 1;
        if (e.workflowTaskCompletedEventAttributes) cost.workflowTasks += 1;
        if (e.workflowExecutionSignaledEventAttributes) cost.signals += 1;
        if (e.timerStartedEventAttributes) cost.timers += 1;
        if (e.markerRecordedEventAttributes) cost.markers += 1;
        if (e.upsertWorkflowSearchAttributesEventAttributes || e.workflowPropertiesModifiedEventAttributes)
          cost.upserts += 1;
        const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
        if (type) cost.activities.set(type, (cost.activities.get(type) ?? 0) + 1);
      }
    }
  }
  return cost;
}

export const activityList = (cost: HistoryCost) =>
  [...cost.activities].map(([type, n]) => `${n} ${type}`).join(', ') || 'none';

/** The report line on how a storm's alerts were batched into signals and what they cost in history. */
export const groupCommit = (cost: HistoryCost, alerts: number) =>
  `- group commit: ${cost.signals} signals carried them (**${(alerts / cost.signals).toFixed(1)} alerts per signal**); ${cost.workflowTasks} workflow tasks and ${cost.events} history events in all (${(cost.events / alerts).toFixed(2)} per alert), ${activityList(cost)}`;
