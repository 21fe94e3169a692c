import {
  type AlertEvent,
  type EscalationPolicySnapshot,
  type Impact,
  type IncidentSeverity,
  type MajorResponsePlan,
  type Priority,
  type TriageResult,
  type Urgency,
  noEscalationPolicy,
  priorities,
} from './incident';
import { incidentSeverityOfAlert } from './severity';
import type { MaintenanceHold } from './maintenance-hold';
import type { AlertMatch, Matcher, TriageRule, TriageRules } from './triage-types';

/** ITIL-style impact × urgency matrix. */
const priorityMatrix: Record<Impact, Record<Urgency, Priority>> = {
  high: { high: 'P1', medium: 'P2', low: 'P3' },
  medium: { high: 'P2', medium: 'P3', low: 'P4' },
  low: { high: 'P3', medium: 'P4', low: 'P5' },
};

const severityForPriority: Record<Priority, IncidentSeverity> = {
  P1: 'SEV1',
  P2: 'SEV2',
  P3: 'SEV3',
  P4: 'SEV4',
  P5: 'SEV4',
};

/** The most urgent priority that maps to a severity: SEV4 is P4, not P5. */
export function priorityOfSeverity(severity: IncidentSeverity): Priority {
  return priorities.find((p) => severityForPriority[p] === severity)!;
}

export function priorityOf(impact: Impact, urgency: Urgency): Priority {
  return priorityMatrix[impact][urgency];
}

export function urgencyOfAlert(severity: AlertEvent['severity']): Urgency {
  return severity === 'critical' || severity === 'error' ? 'high' : severity === 'warning' ? 'medium' : 'low';
}

function matches(matcher: Matcher | undefined, value: string | undefined): boolean {
  if (matcher === undefined) return true;
  if (value === undefined) return false;
  if (typeof matcher === 'string') return matcher === value;
  if (Array.isArray(matcher)) return matcher.includes(value);
  return matcher.test(value);
}

export function ruleMatches(rule: TriageRule, event: AlertEvent): boolean {
  return alertMatches(rule.match, event);
}

/** Whether an alert matches: what triage rules and grouping rules both select alerts by. */
export function alertMatches(match: AlertMatch, event: AlertEvent): boolean {
  if (!matches(match.service, event.service)) return false;
  if (!matches(match.source, event.source)) return false;
  if (match.severity !== undefined) {
    const wanted = Array.isArray(match.severity) ? match.severity : [match.severity];
    if (!wanted.includes(event.severity)) return false;
  }
  for (const [label, matcher] of Object.entries(match.labels ?? {})) {
    if (!matches(matcher, event.labels[label])) return false;
  }
  return true;
}

/** Pure: the first matching rule (or the default rule) applied to the alert. */
export function triage(event: AlertEvent, rules: TriageRules): TriageResult {
  const rule: Omit<TriageRule, 'match'> = rules.rules.find((r) => ruleMatches(r, event)) ?? rules.defaultRule;
  const urgency = rule.urgency ?? urgencyOfAlert(event.severity);
  // A person who declared an incident chose its severity: the rule still picks team, policy and runbooks.
  const declared = event.declared?.severity;
  const priority = declared ? priorityOfSeverity(declared) : priorityOf(rule.impact, urgency);
  const severity = declared ?? rule.severity ?? severityForPriority[priority];
  return {
    ruleId: rule.id,
    ...(rule.description ? { ruleDescription: rule.description } : {}),
    impact: rule.impact,
    urgency,
    severity,
    priority,
    major: rule.major ?? severity === 'SEV1',
    team: rule.team,
    escalationPolicyId: rule.escalationPolicy,
    runbooks: (rule.runbooks ?? []).map((r) => (typeof r === 'string' ? { id: r, params: {} } : r)),
  };
}

/** What triage answers: the result, the escalation policy's snapshot, problems met, and a major incident's response plan. */
export interface TriageOutcome {
  triage: TriageResult;
  policy: EscalationPolicySnapshot;
  warnings: string[];
  response?: MajorResponsePlan;
  /** A maintenance window under way that covers the incident: nobody is paged until it ends. */
  maintenance?: MaintenanceHold;
}

/**
 * When triage itself keeps failing, the incident still opens: severity from
 * the alert, no team and no escalation policy, and the problem on the timeline.
 */
export function emergencyTriage(event: AlertEvent, problem: string): TriageOutcome {
  const severity = incidentSeverityOfAlert(event.severity);
  const policy = noEscalationPolicy();
  return {
    triage: {
      ruleId: 'triage-failed',
      impact: 'medium',
      urgency: 'high',
      severity,
      priority: priorityOfSeverity(severity),
      major: severity === 'SEV1',
      team: 'unassigned',
      escalationPolicyId: policy.id,
      runbooks: [],
    },
    policy,
    warnings: [`triage failed (${problem}); nobody is being notified`],
  };
}
