import type { AlertEvent, Incident, Integration, TimelineEntry } from '../../domain/incident';

export interface IncidentWorkflowInput {
  service: string;
  dedupKey: string;
  integration: Integration;
  /** Task queue for runbook actions and HTTP checks. */
  actionsTaskQueue: string;
  /** Set when the workflow continued as new: the incident so far and what was not yet saved. */
  carried?: { incident: Incident; unsavedTimeline: TimelineEntry[] };
  /** Events that arrived for the next incident (after this one resolved), or were pending at continue-as-new. */
  pendingEvents?: AlertEvent[];
}

export interface IncidentWorkflowResult {
  incidentId: string;
  status: Incident['status'];
}

/** The input of this key's next run: the same incident carried over, or the next incident's first events. */
export function nextRunInput(
  input: IncidentWorkflowInput,
  pendingEvents: AlertEvent[],
  carried?: IncidentWorkflowInput['carried'],
): IncidentWorkflowInput {
  return {
    service: input.service,
    dedupKey: input.dedupKey,
    integration: input.integration,
    actionsTaskQueue: input.actionsTaskQueue,
    pendingEvents,
    ...(carried ? { carried } : {}),
  };
}
