import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { AlertEvent } from '../../domain/incident';
import { searchAttributes } from '../search-attributes';
import type { incidentWorkflow } from '.';

/**
 * Opens an incident from another workflow (a group's router, a heartbeat) with
 * the events that open it. The incident lives its own life: its starter may
 * end or continue as new before it does.
 */
export async function startIncidentChild(
  workflowId: string,
  events: AlertEvent[],
  actionsTaskQueue: string,
): Promise<void> {
  const first = events.find((e) => e.action === 'trigger') ?? events[0]!;
  await startChild<typeof incidentWorkflow>('incidentWorkflow', {
    workflowId,
    args: [
      {
        service: first.service,
        dedupKey: first.dedupKey,
        integration: first.integration,
        actionsTaskQueue,
        waitingEvents: events,
      },
    ],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `${first.service}: ${first.summary}`.slice(0, 200),
    memo: { title: first.summary },
    typedSearchAttributes: [
      { key: searchAttributes.service, value: first.service },
      { key: searchAttributes.status, value: 'triggered' },
    ],
  });
}
