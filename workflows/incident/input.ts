import type {
  AlertEvent,
  Incident,
  Integration,
  RunbookInvocation,
  TimelineEntry,
} from '../../domain/incident';

/** An incident as a run hands it on: itself and the timeline entries MongoDB may not have yet. */
export interface UnsavedIncident {
  incident: Incident;
  unsavedTimeline: TimelineEntry[];
}

export interface IncidentWorkflowInput {
  service: string;
  dedupKey: string;
  integration: Integration;
  /** Task queue for runbook actions and HTTP checks. */
  actionsTaskQueue: string;
  /**
   * Set when the workflow continued as new: the incident so far, what was not
   * yet saved, and the automatic runbooks still to run after the running one.
   */
  carried?: UnsavedIncident & {
    automaticRunbooks?: RunbookInvocation[];
    /** Entries still to post in the chat message's thread. */
    chatBacklog?: TimelineEntry[];
    /** Whose pagers still page for this incident. */
    pagedPeople?: string[];
  };
  /**
   * Earlier incidents of this key, resolved, whose last save MongoDB has not
   * confirmed: the next run saves them first, so a MongoDB outage never holds
   * up the next incident's paging.
   */
  unsavedResolved?: UnsavedIncident[];
  /**
   * Alert events waiting for this run's incident: triggers that came after the
   * previous run's incident resolved, or those an alert group's router sends.
   */
  waitingEvents?: AlertEvent[];
}

export interface IncidentWorkflowResult {
  incidentId: string;
  status: Incident['status'];
}

/** The input of this key's next run: the same incident carried over, or the next incident's first events. */
export function nextRunInput(
  input: IncidentWorkflowInput,
  waitingEvents: AlertEvent[],
  carriedOver: Pick<IncidentWorkflowInput, 'carried' | 'unsavedResolved'>,
): IncidentWorkflowInput {
  return {
    service: input.service,
    dedupKey: input.dedupKey,
    integration: input.integration,
    actionsTaskQueue: input.actionsTaskQueue,
    waitingEvents,
    ...(carriedOver.carried ? { carried: carriedOver.carried } : {}),
    ...(carriedOver.unsavedResolved?.length ? { unsavedResolved: carriedOver.unsavedResolved } : {}),
  };
}
