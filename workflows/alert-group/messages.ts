import { defineQuery, defineSignal } from '@temporalio/workflow';

// The alert-group router's own messages; alerts reach it with the incident's `alertsSignal`.

/** An incident of the group has ended (resolved, its workflow done): the router forgets it. */
export interface IncidentClosed {
  workflowId: string;
}
export const incidentClosedSignal = defineSignal<[IncidentClosed]>('incidentClosed');

export interface AlertGroupView {
  /** The incident new alerts join while the window is open, if any. */
  currentIncident?: string;
  /** When the API received the group's latest trigger (ISO). */
  lastTriggerAt?: string;
  openIncidents: string[];
}
export const alertGroupQuery = defineQuery<AlertGroupView>('alertGroup');
