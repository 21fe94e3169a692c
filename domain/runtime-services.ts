// Services made at run time (API, CLI, importers): what makes one valid, what
// refers to one, and how the integrations that feed one are named.
import type { OnCallCatalog } from './oncall';
import type { ScheduleProblem, ServiceDefinition } from './runtime-schedules';
import type { Matcher, TriageRules } from './triage-types';

/** How a sender reaches a service: a PagerDuty Events v2 routing key, or an Alertmanager or Grafana token. */
export const integrationTypes = ['pagerduty', 'alertmanager', 'grafana'] as const;
export type IntegrationType = (typeof integrationTypes)[number];

/** An integration as stored and shown: never its secret, only the secret's last characters. */
export interface ServiceIntegration {
  /** `INT-0123456789AB` */
  id: string;
  serviceId: string;
  type: IntegrationType;
  name?: string;
  /** The secret's last 4 characters, so a person can tell which one a sender has. */
  secretHint: string;
  /** The API key behind an Alertmanager or Grafana token. */
  apiKeyId?: string;
  /** Where it came from: `FIRELINE_ROUTING_KEYS`, or an imported tool's integration. */
  origin?: string;
  createdBy: string;
  createdAt: string;
}

export const integrationIdPattern = /^INT-[0-9A-F]{12}$/;

/** The integration id for 6 random bytes, or the first of a digest (a seeded key's id is its hash's). */
export function integrationIdFrom(bytes: Uint8Array): string {
  const hex = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join('');
  return `INT-${hex.toUpperCase()}`;
}

/** A service's team and escalation policy must be the model's. */
export function serviceProblems(
  definition: Pick<ServiceDefinition, 'team' | 'escalationPolicy'>,
  catalog: Pick<OnCallCatalog, 'teams' | 'policies'>,
  prefix = 'body',
): ScheduleProblem[] {
  return [
    ...(definition.team !== undefined && !(catalog.teams ?? []).some((t) => t.id === definition.team)
      ? [{ field: `${prefix}.team`, message: `${definition.team} is not a team` }]
      : []),
    ...(definition.escalationPolicy !== undefined &&
    !catalog.policies.some((p) => p.id === definition.escalationPolicy)
      ? [
          {
            field: `${prefix}.escalationPolicy`,
            message: `${definition.escalationPolicy} is not an escalation policy`,
          },
        ]
      : []),
  ];
}

/**
 * The triage rules' teams and escalation policies must be the model's: a rule
 * naming one that does not exist is refused when the rules are loaded.
 */
export function triageRuleProblems(
  rules: TriageRules,
  catalog: Pick<OnCallCatalog, 'teams' | 'policies'>,
): ScheduleProblem[] {
  return [
    ...rules.rules.flatMap((rule) => serviceProblems(rule, catalog, `rule ${rule.id}`)),
    ...serviceProblems(rules.defaultRule, catalog, `defaultRule ${rules.defaultRule.id}`),
  ];
}

/** Whether a matcher names a service by its exact id (a pattern names none in particular). */
function namesExactly(matcher: Matcher | undefined, id: string): boolean {
  if (typeof matcher === 'string') return matcher === id;
  return Array.isArray(matcher) && matcher.includes(id);
}

/** The triage rules that match a service by name. */
export function serviceReferences(rules: TriageRules | undefined, serviceId: string): string[] {
  return (rules?.rules ?? [])
    .filter((r) => namesExactly(r.match.service, serviceId))
    .map((r) => `rule ${r.id}`);
}

/** The services that name a team or an escalation policy. */
export function servicesNaming(
  catalog: Pick<OnCallCatalog, 'services'>,
  field: 'team' | 'escalationPolicy',
  id: string,
): string[] {
  return (catalog.services ?? []).filter((s) => s[field] === id).map((s) => `service ${s.id}`);
}

/** The service of an alert, when the model has one by that id. */
export function serviceOf(catalog: Pick<OnCallCatalog, 'services'>, serviceId: string) {
  return catalog.services?.find((s) => s.id === serviceId);
}
