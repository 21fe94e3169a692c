import type { Incident, TimelineEntry } from '../../../domain/incident';
import type { RunbookMeta } from '../../../domain/runbook';
import type { Person } from '../../../domain/oncall';
import { grants, mayActOn, type ApiScope } from '../../../domain/rights';

/** How often an open incident's page refreshes itself. */
export const LIVE_REFRESH_SECONDS = 5;

export interface Viewer {
  /** The key's name. */
  name: string;
  scopes: ApiScope[];
  /** The catalog person the key acts as; absent = the key may read, not act on incidents. */
  person?: Person;
}

/** What every page needs: who is signed in (absent on the sign-in page) and the CSRF token of its forms. */
export interface PageContext {
  viewer?: Viewer;
  csrfToken: string;
  /** Marks the current item of the navigation. */
  section?:
    | 'open'
    | 'resolved'
    | 'postmortems'
    | 'oncall'
    | 'services'
    | 'heartbeats'
    | 'maintenance'
    | 'insights'
    | 'status'
    | 'declare'
    | 'profile'
    | 'inbox';
  /** The development inbox is on (FIRELINE_DEV_INBOX): the navigation links to it. */
  devInbox?: boolean;
}

/** Whether the viewer's key grants `scope` (for what is not on an incident: on-call overrides). */
export function mayDo(viewer: Viewer | undefined, scope: ApiScope): boolean {
  return !!viewer && grants(viewer.scopes, scope);
}

/**
 * Why the viewer may not use `scope` on the incident, as the catalog's runner
 * would refuse it (their key's scopes, their person's rights on the incident's
 * team and service), or undefined when they may: forms they may not use are hidden.
 */
export function refusalOn(
  viewer: Viewer | undefined,
  scope: ApiScope,
  incident: Pick<Incident, 'incidentId' | 'service' | 'team'>,
): string | undefined {
  if (!viewer) return 'not signed in';
  if (!grants(viewer.scopes, scope)) return `your key (${viewer.name}) lacks ${scope}`;
  if (!viewer.person) return `your key (${viewer.name}) is linked to no person`;
  return mayActOn(viewer.person, scope, incident);
}

export function mayDoOn(
  viewer: Viewer | undefined,
  scope: ApiScope,
  incident: Pick<Incident, 'incidentId' | 'service' | 'team'>,
): boolean {
  return refusalOn(viewer, scope, incident) === undefined;
}

/** What the incident page and its sections show. */
export interface IncidentPageData {
  incident: Incident;
  /**
   * One page of the timeline (its latest entries unless `before` is set), oldest first;
   * `unavailable` when MongoDB, which holds it, did not answer.
   */
  timeline: { entries: TimelineEntry[]; nextBefore: number | null; before?: number; unavailable?: boolean };
  /** The runbook step records of the incident, for its runs' steps. */
  runbookSteps: TimelineEntry[];
  /** Temporal Web UI link of a workflow, when a UI URL is known. */
  workflowUrl: (workflowId: string) => string | undefined;
  postmortemId?: string;
  /** A message after an action (approved, rejected). */
  notice?: string;
  /** Why the page shows less than usual (MongoDB did not answer: the live state from Temporal only). */
  degraded?: string;
  /** The runbooks a responder may start from the page. */
  runbooks: RunbookMeta[];
  /** The form refused on the last submit, shown again with what was typed and why. */
  form?: FormState;
}

/**
 * A refused form, rendered again: what was typed (so nothing is lost), the
 * reason (a 409 or 403 from the incident) or the fields' validation errors.
 */
export interface FormState {
  /** `acknowledge`, `resolve`, `snooze`, `escalate`, `note`, `edit`, `runbook:<id>`, `cancel:<runId>`. */
  form: string;
  values?: Record<string, string>;
  /** Form field name → what is wrong with it. */
  errors?: Record<string, string>;
  problem?: string;
}
