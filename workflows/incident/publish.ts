import { upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Incident } from '../../domain/incident';
import { searchAttributes } from '../search-attributes';

/**
 * The search attributes and memo the Web UI and the API's lists filter on.
 * Only what changed is upserted: each upsert is an event in the history.
 */
export function publishIncident(current: Incident): void {
  const info = workflowInfo();
  const changed = [
    { key: searchAttributes.service, value: current.service },
    { key: searchAttributes.severity, value: current.severity },
    { key: searchAttributes.priority, value: current.priority },
    { key: searchAttributes.status, value: current.status },
    { key: searchAttributes.team, value: current.team },
    { key: searchAttributes.incidentId, value: current.incidentId },
  ].filter(({ key, value }) => info.typedSearchAttributes.get(key) !== value);
  if (changed.length > 0) upsertSearchAttributes(changed);
  // The Web UI shows the title from the memo (the incident's id is a search attribute).
  if (info.memo?.title !== current.title) upsertMemo({ title: current.title });
}
