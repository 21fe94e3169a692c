// The teams and services of the tools teams move from, as their REST APIs
// return them, turned into Fireline teams and services: members matched to
// people by email, services pointed at the policies and teams already
// imported, and each of their integrations a new Fireline one whose sender
// must be re-pointed.
import type { Person, TeamMember } from './oncall';
import type { ImportSource, ServiceDefinition, TeamDefinition } from './runtime-schedules';
import type { IntegrationType } from './runtime-services';
import { usersByEmail } from './schedule-import';

/** A vendor team made ready to import: its definition and every problem. */
export interface TeamImport {
  sourceId: string;
  name: string;
  definition: TeamDefinition & { source: ImportSource };
  problems: string[];
}

/** A sender of the vendor's integration, to be re-pointed at the Fireline integration made for it. */
export interface IntegrationImport {
  sourceId: string;
  /** What the vendor calls it (`Datadog`), shown in the re-pointing list. */
  name: string;
  type: IntegrationType;
  /** Where its senders send today, as the vendor says (its key's last characters, or its URL). */
  sendsTo: string;
}

/** A vendor service made ready to import, with the integrations that feed it. */
export interface ServiceImport {
  sourceId: string;
  name: string;
  definition: ServiceDefinition & { source: ImportSource };
  integrations: IntegrationImport[];
  problems: string[];
}

/** The Fireline id of a policy or team imported from the vendor's id, if it was. */
export type ImportedId = (vendorId: string) => string | undefined;

/** `GET /teams` of PagerDuty (v2): one of its `teams`. */
export interface PagerDutyTeam {
  id: string;
  name: string;
  description?: string | null;
}

/** `GET /teams/{id}/members` of PagerDuty (v2): one of its `members`. */
export interface PagerDutyTeamMember {
  user: { id: string; summary?: string };
  /** `observer`, `responder` or `manager`. */
  role: string;
}

/** `GET /v2/teams/{id}` of Opsgenie: its `data`, with the members. */
export interface OpsgenieTeam {
  id: string;
  name: string;
  description?: string;
  /** Each member with their role in the team: `admin` or `user`. */
  members?: Array<{ user: { id: string; username?: string }; role?: string }>;
}

function teamOf(
  system: ImportSource['system'],
  team: { id: string; name: string },
  members: Array<{ userId: string; label: string; manager: boolean }>,
  personOf: (userId: string) => Person | undefined,
): TeamImport {
  const problems: string[] = [];
  const kept: TeamMember[] = [];
  for (const member of members) {
    const person = personOf(member.userId);
    if (!person) {
      problems.push(`member ${member.label} is no Fireline person (matched by email): left out`);
      continue;
    }
    if (kept.some((m) => m.personId === person.id)) continue;
    kept.push({ personId: person.id, role: member.manager ? 'manager' : 'member' });
  }
  return {
    sourceId: team.id,
    name: team.name,
    definition: { name: team.name, members: kept, source: { system, id: team.id } },
    problems,
  };
}

/** A PagerDuty team with its members; its managers are the team's managers, the rest members. */
export function fromPagerDutyTeam(
  team: PagerDutyTeam,
  members: PagerDutyTeamMember[],
  users: Array<{ id: string; email: string }>,
  people: Person[],
): TeamImport {
  const { emailOf, personOf } = usersByEmail(people, users);
  return teamOf(
    'pagerduty',
    team,
    members.map((m) => ({
      userId: m.user.id,
      label: emailOf(m.user.id) ?? m.user.summary ?? m.user.id,
      manager: m.role === 'manager',
    })),
    personOf,
  );
}

/** An Opsgenie team with its members (its admins are the team's managers); members are matched by username, their email. */
export function fromOpsgenieTeam(
  team: OpsgenieTeam,
  users: Array<{ id: string; username: string }>,
  people: Person[],
): TeamImport {
  const { emailOf, personOf } = usersByEmail(
    people,
    users.map((u) => ({ id: u.id, email: u.username })),
  );
  return teamOf(
    'opsgenie',
    team,
    (team.members ?? []).map((m) => ({
      userId: m.user.id,
      label: emailOf(m.user.id) ?? m.user.username ?? m.user.id,
      manager: m.role === 'admin',
    })),
    personOf,
  );
}

/** `GET /api/v1/teams/` of Grafana OnCall: one of its `results` (members are on the users). */
export interface GrafanaOnCallTeam {
  id: string;
  name: string;
}

/** A Grafana OnCall team, its members the users whose `teams` name it (all members: Grafana has no team managers here). */
export function fromGrafanaOnCallTeam(
  team: GrafanaOnCallTeam,
  users: Array<{ id: string; email: string; teams?: string[] }>,
  people: Person[],
): TeamImport {
  const { personOf } = usersByEmail(people, users);
  return teamOf(
    'grafana-oncall',
    team,
    users
      .filter((u) => u.teams?.includes(team.id))
      .map((u) => ({ userId: u.id, label: u.email, manager: false })),
    personOf,
  );
}

/** `GET /services?include[]=integrations` of PagerDuty (v2): one of its `services`. */
export interface PagerDutyService {
  id: string;
  name: string;
  description?: string | null;
  escalation_policy?: { id: string; summary?: string } | null;
  teams?: Array<{ id: string; summary?: string }>;
  integrations?: Array<{
    id: string;
    type: string;
    name?: string;
    summary?: string;
    integration_key?: string;
  }>;
}

/** PagerDuty integration types whose senders post Events API v2 (or v1) events with a routing key. */
const PAGERDUTY_EVENTS_INTEGRATIONS = new Set([
  'events_api_v2_inbound_integration',
  'generic_events_api_inbound_integration',
  'generic_events_api_v2_inbound_integration',
]);

/**
 * A PagerDuty service: its escalation policy and first team as imported, and
 * for each Events API integration a new Fireline routing key; integrations of
 * other kinds (email, vendor-specific) are named as not carried over.
 */
export function fromPagerDutyService(
  service: PagerDutyService,
  policyIdOf: ImportedId,
  teamIdOf: ImportedId,
): ServiceImport {
  const problems: string[] = [];
  const policySource = service.escalation_policy?.id;
  const escalationPolicy = policySource ? policyIdOf(policySource) : undefined;
  if (policySource && !escalationPolicy)
    problems.push(
      `escalation policy ${service.escalation_policy?.summary ?? policySource} (${policySource}) was not imported: the service pages with the default triage rule's`,
    );
  const [firstTeam, ...otherTeams] = service.teams ?? [];
  const team = firstTeam ? teamIdOf(firstTeam.id) : undefined;
  if (firstTeam && !team)
    problems.push(
      `team ${firstTeam.summary ?? firstTeam.id} (${firstTeam.id}) was not imported: no owning team`,
    );
  if (otherTeams.length > 0)
    problems.push(
      `a Fireline service has one owning team: ${otherTeams.map((t) => t.summary ?? t.id).join(', ')} left out`,
    );
  const integrations: IntegrationImport[] = [];
  for (const integration of service.integrations ?? []) {
    const name = integration.name ?? integration.summary ?? integration.id;
    if (!PAGERDUTY_EVENTS_INTEGRATIONS.has(integration.type)) {
      problems.push(`integration ${name} (${integration.type}) is not an Events API one: not carried over`);
      continue;
    }
    integrations.push({
      sourceId: integration.id,
      name,
      type: 'pagerduty',
      sendsTo: integration.integration_key
        ? `routing key …${integration.integration_key.slice(-4)}`
        : `integration ${integration.id}`,
    });
  }
  return {
    sourceId: service.id,
    name: service.name,
    definition: {
      name: service.name,
      ...(service.description ? { description: service.description.slice(0, 2000) } : {}),
      ...(team ? { team } : {}),
      ...(escalationPolicy ? { escalationPolicy } : {}),
      source: { system: 'pagerduty', id: service.id },
    },
    integrations,
    problems,
  };
}

/** `GET /api/v1/integrations/` of Grafana OnCall: one of its `results`. */
export interface GrafanaOnCallIntegration {
  id: string;
  name: string;
  type: string;
  /** Where its senders post: the integration's URL, its token in the path. */
  link?: string | null;
  team_id?: string | null;
  default_route?: { id?: string; escalation_chain_id?: string | null } | null;
}

/** Grafana OnCall integration types whose senders Fireline takes, as the Fireline integration type. */
const GRAFANA_ONCALL_SENDERS: Record<string, IntegrationType> = {
  alertmanager: 'alertmanager',
  grafana: 'grafana',
  grafana_alerting: 'grafana',
};

/** A URL with a secret in its last path segment, shown with that segment's last characters only. */
function maskedLink(link: string): string {
  const url = new URL(link);
  const parts = url.pathname.split('/').filter(Boolean);
  const secret = parts.pop() ?? '';
  return `${url.origin}/${parts.join('/')}/…${secret.slice(-4)}`;
}

/**
 * A Grafana OnCall integration becomes a service of its name, paging with the
 * escalation chain of its default route as imported; an Alertmanager or
 * Grafana one gets a Fireline token for its sender to re-point to. Other
 * routes than the default are named (triage rules do their work in Fireline).
 */
export function fromGrafanaOnCallIntegration(
  integration: GrafanaOnCallIntegration,
  policyIdOf: ImportedId,
  teamIdOf: ImportedId = () => undefined,
): ServiceImport {
  const problems: string[] = [];
  const team = integration.team_id ? teamIdOf(integration.team_id) : undefined;
  if (integration.team_id && !team)
    problems.push(`team ${integration.team_id} was not imported: no owning team`);
  const chain = integration.default_route?.escalation_chain_id ?? undefined;
  const escalationPolicy = chain ? policyIdOf(chain) : undefined;
  if (chain && !escalationPolicy)
    problems.push(
      `escalation chain ${chain} was not imported: the service pages with the default triage rule's`,
    );
  return integrationService(
    'grafana-oncall',
    integration,
    { team, escalationPolicy },
    {
      type: GRAFANA_ONCALL_SENDERS[integration.type],
      sendsTo: integration.link ? maskedLink(integration.link) : `integration ${integration.id}`,
    },
    problems,
  );
}

/**
 * A vendor integration as a service of its name, owned as imported, with a
 * Fireline integration of `type` for its senders to re-point to, unless
 * Fireline has none of its kind (named) or it is not to be made.
 */
function integrationService(
  system: ImportSource['system'],
  integration: { id: string; name: string; type: string },
  owner: { team: string | undefined; escalationPolicy: string | undefined },
  sender: { type: IntegrationType | undefined; sendsTo: string; make?: boolean },
  problems: string[],
): ServiceImport {
  if (!sender.type)
    problems.push(
      `a ${integration.type} integration has no Fireline equivalent: the service is made without one (senders can post to /v1/alerts)`,
    );
  return {
    sourceId: integration.id,
    name: integration.name,
    definition: {
      name: integration.name,
      ...(owner.team ? { team: owner.team } : {}),
      ...(owner.escalationPolicy ? { escalationPolicy: owner.escalationPolicy } : {}),
      source: { system, id: integration.id },
    },
    integrations:
      sender.type && sender.make !== false
        ? [{ sourceId: integration.id, name: integration.name, type: sender.type, sendsTo: sender.sendsTo }]
        : [],
    problems,
  };
}

/** `GET /v2/integrations` of Opsgenie: one of its `data`. */
export interface OpsgenieIntegration {
  id: string;
  name: string;
  enabled?: boolean;
  /** `Prometheus`, `Grafana`, `API`, `Datadog`, `Email`, … */
  type: string;
  teamId?: string;
}

/**
 * What an Opsgenie integration's senders become: Alertmanager's and Grafana's
 * webhooks a token each; the API and the monitoring tools that can also send
 * PagerDuty's Events API v2 a routing key.
 */
const OPSGENIE_SENDERS: Record<string, IntegrationType> = {
  Prometheus: 'alertmanager',
  Grafana: 'grafana',
  API: 'pagerduty',
  Datadog: 'pagerduty',
  NewRelic: 'pagerduty',
  Zabbix: 'pagerduty',
  Nagios: 'pagerduty',
  AmazonCloudWatch: 'pagerduty',
  Sentry: 'pagerduty',
};

/**
 * An Opsgenie integration becomes a service of its name: owned by its team as
 * imported, paging with that team's escalation when the team has exactly one
 * (Opsgenie routes a team's alerts by the team's own rules).
 */
export function fromOpsgenieIntegration(
  integration: OpsgenieIntegration,
  teamIdOf: ImportedId,
  policyIdOf: ImportedId,
  escalationsOfTeam: (opsgenieTeamId: string) => string[],
): ServiceImport {
  const problems: string[] = [];
  const team = integration.teamId ? teamIdOf(integration.teamId) : undefined;
  if (integration.teamId && !team)
    problems.push(`team ${integration.teamId} was not imported: no owning team`);
  if (!integration.teamId) problems.push('a global integration: no owning team');
  const escalations = integration.teamId ? escalationsOfTeam(integration.teamId) : [];
  const escalationPolicy = escalations.length === 1 ? policyIdOf(escalations[0]!) : undefined;
  if (escalations.length !== 1 || !escalationPolicy)
    problems.push(
      escalations.length > 1
        ? `its team has ${escalations.length} escalations (Opsgenie picks by routing rules): the service pages with the default triage rule's`
        : "no imported escalation of its team: the service pages with the default triage rule's",
    );
  const type = OPSGENIE_SENDERS[integration.type];
  if (type === 'pagerduty')
    problems.push(
      `its senders speak Opsgenie's Alert API: point them at PagerDuty's Events API v2 format with the routing key below`,
    );
  if (integration.enabled === false) problems.push('disabled in Opsgenie: no integration made');
  return integrationService(
    'opsgenie',
    integration,
    { team, escalationPolicy },
    { type, sendsTo: `integration ${integration.id}`, make: integration.enabled !== false },
    problems,
  );
}
