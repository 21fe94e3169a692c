import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AlertEvent, Incident, IncidentSeverity, TimelineEntry } from '../domain/incident';

// The incident workflow's messages, defined once and imported by the API and tests.

/** An alert event (trigger, acknowledge or resolve) from an integration: fire-and-forget. */
export const alertSignal = defineSignal<[AlertEvent]>('alert');

export interface AcknowledgeInput {
  actor: string;
}
export interface ResolveInput {
  actor: string;
  note?: string;
}
export interface SnoozeInput {
  actor: string;
  durationSeconds: number;
}
export interface EscalateInput {
  actor: string;
  reason?: string;
}
export interface NoteInput {
  actor: string;
  text: string;
}
export interface PatchIncidentInput {
  actor: string;
  severity?: IncidentSeverity;
  title?: string;
  commander?: string;
}

// Updates: the caller needs the new state, or a clear refusal ("already resolved").
export const acknowledgeUpdate = defineUpdate<Incident, [AcknowledgeInput]>('acknowledge');
export const resolveUpdate = defineUpdate<Incident, [ResolveInput]>('resolve');
export const snoozeUpdate = defineUpdate<Incident, [SnoozeInput]>('snooze');
export const escalateUpdate = defineUpdate<Incident, [EscalateInput]>('escalate');
export const addNoteUpdate = defineUpdate<TimelineEntry, [NoteInput]>('addNote');
export const patchIncidentUpdate = defineUpdate<Incident, [PatchIncidentInput]>('patchIncident');

/** The incident's current state; undefined while the first alert is still being triaged. */
export const incidentQuery = defineQuery<Incident | undefined>('incident');
