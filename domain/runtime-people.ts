// People and teams made at run time (API, CLI, importers), beside the catalog
// file's: what makes one valid, and what refers to one (a delete is refused
// while anything does).
import type { OnCallCatalog } from './oncall';
import type { RuntimeOverride } from './oncall-overrides';
import {
  type PersonDefinition,
  policyPlaces,
  type ScheduleProblem,
  type TeamDefinition,
} from './runtime-schedules';
import { servicesNaming } from './runtime-services';
import type { TriageRules } from './triage-types';

/** A person's channels must be the catalog's. */
export function personProblems(
  definition: Pick<PersonDefinition, 'channels'>,
  catalog: Pick<OnCallCatalog, 'channels'>,
  prefix = 'body',
): ScheduleProblem[] {
  const channels = new Set(catalog.channels.map((c) => c.id));
  return (definition.channels ?? []).flatMap((id, i) =>
    channels.has(id) ? [] : [{ field: `${prefix}.channels.${i}`, message: `${id} is not a channel` }],
  );
}

/** A team's members must be people, each listed once. */
export function teamProblems(
  definition: Pick<TeamDefinition, 'members'>,
  catalog: Pick<OnCallCatalog, 'people'>,
  prefix = 'body',
): ScheduleProblem[] {
  const people = new Set(catalog.people.map((p) => p.id));
  const seen = new Set<string>();
  return definition.members.flatMap((member, i) => {
    const field = `${prefix}.members.${i}.personId`;
    if (!people.has(member.personId)) return [{ field, message: `${member.personId} is not a person` }];
    if (seen.has(member.personId)) return [{ field, message: `${member.personId} is listed twice` }];
    seen.add(member.personId);
    return [];
  });
}

/** What names a person: schedules' layers, policies, teams, and overrides not yet over. */
export function personReferences(
  catalog: Pick<OnCallCatalog, 'schedules' | 'policies' | 'teams'>,
  overrides: RuntimeOverride[],
  personId: string,
  now: Date,
): string[] {
  return [
    ...catalog.schedules.flatMap((schedule) =>
      schedule.layers.flatMap((layer, i) =>
        layer.participants.includes(personId) ? [`schedule ${schedule.id} layer ${i + 1}`] : [],
      ),
    ),
    ...policyPlaces(catalog, (t) => t.type === 'person' && t.id === personId).map((p) => `policy ${p}`),
    ...(catalog.teams ?? []).flatMap((team) =>
      team.members.some((m) => m.personId === personId) ? [`team ${team.id}`] : [],
    ),
    ...overrides
      .filter((o) => o.personId === personId && Date.parse(o.end) > now.getTime())
      .map((o) => `override ${o.id} of schedule ${o.scheduleId}`),
  ];
}

/** What names a team: policies paging it, triage rules routing to it, services it owns. */
export function teamReferences(
  catalog: Pick<OnCallCatalog, 'policies' | 'services'>,
  rules: TriageRules | undefined,
  teamId: string,
): string[] {
  const triage = rules ? [...rules.rules, rules.defaultRule] : [];
  return [
    ...policyPlaces(catalog, (t) => t.type === 'team' && t.id === teamId).map((p) => `policy ${p}`),
    ...triage.filter((r) => r.team === teamId).map((r) => `rule ${r.id}`),
    ...servicesNaming(catalog, 'team', teamId),
  ];
}
