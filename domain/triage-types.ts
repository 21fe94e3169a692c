import type { AlertSeverity, Impact, IncidentSeverity, RunbookInvocation, Urgency } from './incident';

/** A string to match exactly, one of several, or a pattern. */
export type Matcher = string | string[] | RegExp;

/** Every field given must match; an empty match matches every alert. */
export interface AlertMatch {
  service?: Matcher;
  source?: Matcher;
  severity?: AlertSeverity | AlertSeverity[];
  /** Each label must be present and match. */
  labels?: Record<string, Matcher>;
}

export interface TriageRule {
  /** Shown in the timeline as the rule that matched. */
  id: string;
  description?: string;
  match: AlertMatch;
  impact: Impact;
  /** Defaults to the alert's severity: critical/error → high, warning → medium, info → low. */
  urgency?: Urgency;
  /** Overrides the severity the priority implies (P1 → SEV1, P2 → SEV2, P3 → SEV3, P4/P5 → SEV4). */
  severity?: IncidentSeverity;
  /** Defaults to true for SEV1. */
  major?: boolean;
  team: string;
  escalationPolicy: string;
  /** Runbooks to run automatically, in this order: an id, or an id with parameters. */
  runbooks?: Array<string | RunbookInvocation>;
}

export interface TriageRules {
  /** Checked in order; the first match wins. */
  rules: TriageRule[];
  /** Applies when no rule matches. */
  defaultRule: Omit<TriageRule, 'match'>;
}
