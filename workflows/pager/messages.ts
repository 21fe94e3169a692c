import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { IncidentSeverity, Priority } from '../../domain/incident';
import type { ContactMethodType } from '../../domain/contact-methods';
import type { Urgency } from '../../domain/notification-rules';
import type { PersonPagePlan } from '../../domain/pager';

// The pager workflow's messages (`pager:<person id>`), defined once and imported
// by the incident workflow, the worker's activities and the Twilio routes.

/** An escalation level (or the fallback) reached the person: run their rules for this incident. */
export interface PageRequest {
  incidentId: string;
  /** Where the pager reports each step's outcome (the incident's timeline). */
  incidentWorkflowId: string;
  title: string;
  service: string;
  severity: IncidentSeverity;
  priority: Priority;
  team: string;
  urgency: Urgency;
  /** Why: `level 1 (pass 1 of 2)`, `fallback`. */
  reason: string;
  /** ISO instant the level reached the person: each rule's `afterSeconds` counts from it. */
  at: string;
}
/**
 * What the pager is sent: the request, with the person's steps as the sending
 * activity read them (numbers stay out: steps name methods by id and mask).
 */
export interface PlannedPage {
  request: PageRequest;
  plan: PersonPagePlan;
}
export const pageSignal = defineSignal<[PlannedPage]>('page');

/**
 * The incident left `triggered`, or the person escalated it: the remaining
 * steps for it are dropped and its short code is no longer accepted.
 */
export interface StopPaging {
  incidentId: string;
  why: 'acknowledged' | 'resolved' | 'snoozed' | 'escalated';
}
export const stopPagingSignal = defineSignal<[StopPaging]>('stopPaging');

/** Twilio's delivery status values Fireline acts on (MessageStatus, CallStatus). */
export const deliveryStatuses = [
  'queued',
  'accepted',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'read',
  'initiated',
  'ringing',
  'in-progress',
  'answered',
  'completed',
  'busy',
  'no-answer',
  'canceled',
] as const;
export type DeliveryStatusValue = (typeof deliveryStatuses)[number];

/** A provider's status callback for one step of one page (the URL Fireline gave names both). */
export interface DeliveryStatus {
  incidentId: string;
  /** `s0`, `s1`… as planned; `bundle` for a storm bundle. */
  stepId: string;
  status: DeliveryStatusValue;
  /** The message or call SID (`SM…`, `CA…`). */
  providerSid: string;
  /** Set when machine detection ran: `human`, `machine_start`, `fax`… */
  answeredBy?: string;
}
export const deliveryStatusSignal = defineSignal<[DeliveryStatus]>('deliveryStatus');

/** One step of a page as the query shows it: never the number, only its masked description. */
export interface OpenPageStep {
  stepId: string;
  methodType: ContactMethodType;
  /** ISO instant it is (or was) due. */
  dueAt: string;
}

/** One incident the person is being paged for. */
export interface OpenPage {
  incidentId: string;
  incidentWorkflowId: string;
  /** The person's short code for this incident: `4821` in `4821a`. */
  code: string;
  title: string;
  service: string;
  severity: IncidentSeverity;
  stepsDone: number;
  nextStep?: OpenPageStep;
}

/** The person's open pages, oldest first: what an SMS reply or a keypress can act on. */
export const openPagesQuery = defineQuery<OpenPage[]>('openPages');
