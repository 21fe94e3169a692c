import type { Incident, TimelineEntry } from '../../../domain/incident';
import type { RunbookMeta } from '../../../domain/runbook';
import type { ApiScope } from '../../../infra/models';

/** How often an open incident's page refreshes itself. */
export const LIVE_REFRESH_SECONDS = 5;

export interface Viewer {
  name: string;
  scopes: ApiScope[];
}

/** What every page needs: who is signed in (absent on the sign-in page) and the CSRF token of its forms. */
export interface PageContext {
  viewer?: Viewer;
  csrfToken: string;
  /** Marks the current item of the navigation. */
  section?: 'open' | 'resolved' | 'postmortems' | 'oncall' | 'inbox';
  /** The development inbox is on (FIRELINE_DEV_INBOX): the navigation links to it. */
  devInbox?: boolean;
}

export function mayDo(viewer: Viewer | undefined, scope: ApiScope): boolean {
  return !!viewer && (viewer.scopes.includes(scope) || viewer.scopes.includes('admin'));
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
