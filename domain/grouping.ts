// Which alerts share an incident: pure, used by the API to choose the incident's workflow.
import type { AlertEvent, AlertGrouping } from './incident';

export type { AlertGrouping } from './incident';
import { alertMatches } from './triage';
import type { AlertMatch } from './triage-types';

/** A field an alert is grouped by: one of the event's own, or one of its labels. */
export type GroupingField =
  'service' | 'source' | 'component' | 'group' | 'class' | 'severity' | `labels.${string}`;

export interface GroupingRule {
  /** Part of the group's identity: renaming a rule starts new incidents for its alerts. */
  id: string;
  description?: string;
  /** Which alerts the rule groups, with the matchers triage uses. */
  match: AlertMatch;
  /** Alerts with the same values of these fields join one incident (a field an alert lacks counts as empty). */
  by: GroupingField[];
  /**
   * `all-resolved` (the default): the incident resolves when its last firing
   * alert resolves. `manual`: it stays open until a person resolves it.
   */
  resolve?: 'all-resolved' | 'manual';
  /**
   * Time-based grouping: an alert joins the group's incident only within this
   * many seconds of the incident's last alert; after a quiet spell the next
   * alert opens a new incident (the earlier one stays open until resolved).
   * Without it the group is one incident until it resolves.
   */
  windowSeconds?: number;
}

export interface GroupingRules {
  /** Checked in order; the first match wins. An alert no rule matches is grouped by its dedup key. */
  rules: GroupingRule[];
}

/** The rules' mistakes an operator can make, as messages naming the rule (empty: the rules are sound). */
export function groupingRuleProblems(rules: GroupingRules): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const rule of rules.rules) {
    if (ids.has(rule.id)) problems.push(`grouping rule ${rule.id}: the id is used twice`);
    ids.add(rule.id);
    if (rule.by.length === 0) problems.push(`grouping rule ${rule.id}: by names no field`);
    const window = rule.windowSeconds;
    if (window !== undefined && !(Number.isInteger(window) && window > 0))
      problems.push(`grouping rule ${rule.id}: windowSeconds must be a positive whole number`);
  }
  return problems;
}

function fieldValue(event: AlertEvent, field: GroupingField): string {
  if (field.startsWith('labels.')) return event.labels[field.slice('labels.'.length)] ?? '';
  const value = event[field as Exclude<GroupingField, `labels.${string}`>];
  return typeof value === 'string' ? value : '';
}

/** The grouping rule an alert falls under, or undefined: it is grouped by its dedup key, as without rules. */
export function groupingOf(event: AlertEvent, rules: GroupingRules): AlertGrouping | undefined {
  const rule = rules.rules.find((r) => alertMatches(r.match, event));
  if (!rule) return undefined;
  return {
    ruleId: rule.id,
    values: rule.by.map((field) => fieldValue(event, field)),
    resolve: rule.resolve ?? 'all-resolved',
    ...(rule.windowSeconds !== undefined ? { windowSeconds: rule.windowSeconds } : {}),
  };
}
