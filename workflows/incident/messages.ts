import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AlertEvent, Incident, IncidentSeverity, TimelineEntry } from '../../domain/incident';

// The incident workflow's messages, defined once and imported by the API and tests.

/**
 * Alert events (trigger, acknowledge or resolve) for this incident's key, in
 * the order received: fire-and-forget. One request sends one signal per
 * incident, so a batch of alerts spends one of the run's signals, not one each.
 */
export interface AlertBatch {
  events: AlertEvent[];
}
export const alertsSignal = defineSignal<[AlertBatch]>('alerts');

/**
 * Every action names the incident it means: one workflow id serves successive
 * incidents of a key, so an action for a resolved incident must not land on the next one.
 */
export interface IncidentActionInput {
  incidentId: string;
  actor: string;
  /** Where the person acted, when not the API or web UI: `Slack`. The timeline says so. */
  via?: string;
}

export type AcknowledgeInput = IncidentActionInput;
export interface ResolveInput extends IncidentActionInput {
  note?: string;
}
export interface SnoozeInput extends IncidentActionInput {
  durationSeconds: number;
}
export interface EscalateInput extends IncidentActionInput {
  reason?: string;
}
export interface NoteInput extends IncidentActionInput {
  text: string;
}
export interface PatchIncidentInput extends IncidentActionInput {
  severity?: IncidentSeverity;
  title?: string;
  commander?: string;
}

export interface StartRunbookInput extends IncidentActionInput {
  runbookId: string;
  /** Already checked against the runbook's schema by the API. */
  params: Record<string, unknown>;
}

// Updates: the caller needs the new state, or a clear refusal ("already resolved").
export const acknowledgeUpdate = defineUpdate<Incident, [AcknowledgeInput]>('acknowledge');
export const resolveUpdate = defineUpdate<Incident, [ResolveInput]>('resolve');
export const snoozeUpdate = defineUpdate<Incident, [SnoozeInput]>('snooze');
export const escalateUpdate = defineUpdate<Incident, [EscalateInput]>('escalate');
export const addNoteUpdate = defineUpdate<TimelineEntry, [NoteInput]>('addNote');
export const patchIncidentUpdate = defineUpdate<Incident, [PatchIncidentInput]>('patchIncident');
/** The actor takes the incident commander role; refused if they hold it already. */
export const claimCommanderUpdate = defineUpdate<Incident, [IncidentActionInput]>('claimCommander');
/** Starts a runbook as a child workflow; answers with its run id once it started. */
export const startRunbookUpdate = defineUpdate<{ runId: string }, [StartRunbookInput]>('startRunbook');

/** The incident's current state; undefined while the first alert is still being triaged. */
export const incidentQuery = defineQuery<Incident | undefined>('incident');

/**
 * A person's pager reports one step of their page (`Bob: SMS to +44 •••• 1234, sent`):
 * recorded on the timeline when it names this run's incident. The message is
 * written by the pager, numbers masked.
 */
export interface PageOutcome {
  incidentId: string;
  personId: string;
  type: 'notification.sent' | 'notification.failed';
  message: string;
  data: { stepId: string; channelType: string; status?: string };
  /** The destination of a chat message the step posted (a Slack DM), kept up to date like a channel's. */
  chatChannel?: string;
}
export const pageOutcomeSignal = defineSignal<[PageOutcome]>('pageOutcome');

/**
 * A maintenance window changed (ended early or was deleted): an incident it
 * holds checks at once whether any window still does, instead of waiting for
 * the end it knew.
 */
export const maintenanceChangedSignal = defineSignal<[{ windowId: string }]>('maintenanceChanged');
