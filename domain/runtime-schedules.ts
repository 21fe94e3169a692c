// Schedules made and changed at run time (API, CLI), beside the catalog file's:
// what makes one valid, who refers to one, and the catalog the worker pages with.
import type { EscalationPolicy, OnCallCatalog, OnCallSchedule, Person, Service, Team } from './oncall';
import { type RuntimeOverride, withRuntimeOverrides } from './oncall-overrides';
import type { MaintenanceWindow } from './maintenance';

/** Who made a stored schedule's current revision, and when. */
export interface RevisionStamp {
  revision: number;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** Where an imported object came from: the tool and its id there, so importing again updates it. */
export interface ImportSource {
  system: 'pagerduty' | 'opsgenie' | 'grafana-oncall';
  id: string;
}

/** Who changes a stored schedule: the API, or only `fireline config apply` from a configuration file. */
export type ScheduleManager = 'api' | 'config';

/** A schedule stored in MongoDB: changed only with the revision it was read at. */
export type RuntimeSchedule = OnCallSchedule &
  RevisionStamp & { source?: ImportSource; managedBy?: ScheduleManager };

/** An escalation policy stored in MongoDB, changed as a stored schedule is. */
export type RuntimePolicy = EscalationPolicy &
  RevisionStamp & { managedBy?: ScheduleManager; source?: ImportSource };

/** A policy's definition, as made or replaced: no id, no revision. */
export type PolicyDefinition = Omit<EscalationPolicy, 'id'> & {
  managedBy?: ScheduleManager;
  source?: ImportSource;
};

/** A person stored in MongoDB, changed as a stored schedule is. */
export type RuntimePerson = Person & RevisionStamp & { managedBy?: ScheduleManager; source?: ImportSource };

/** A person's definition, as made or replaced: no id, no revision. */
export type PersonDefinition = Omit<Person, 'id'> & { managedBy?: ScheduleManager; source?: ImportSource };

/** A team stored in MongoDB, changed as a stored schedule is. */
export type RuntimeTeam = Team & RevisionStamp & { managedBy?: ScheduleManager; source?: ImportSource };

/** A team's definition, as made or replaced: no id, no revision. */
export type TeamDefinition = Omit<Team, 'id'> & { managedBy?: ScheduleManager; source?: ImportSource };

/** A service stored in MongoDB, changed as a stored schedule is. */
export type RuntimeService = Service & RevisionStamp & { managedBy?: ScheduleManager; source?: ImportSource };

/** A service's definition, as made or replaced: no id, no revision. */
export type ServiceDefinition = Omit<Service, 'id'> & { managedBy?: ScheduleManager; source?: ImportSource };

/** What the worker reads from MongoDB before each page: the on-call model made at run time. */
export interface RuntimeOnCall {
  schedules: RuntimeSchedule[];
  overrides: RuntimeOverride[];
  /** Absent in a snapshot saved before policies could be made at run time. */
  policies?: RuntimePolicy[];
  /** Absent in a snapshot saved before people and teams could be made at run time. */
  people?: RuntimePerson[];
  teams?: RuntimeTeam[];
  services?: RuntimeService[];
  /** Maintenance windows not over when read: what new incidents are checked against. */
  maintenance?: MaintenanceWindow[];
}

export const noRuntimeOnCall: RuntimeOnCall = {
  schedules: [],
  overrides: [],
  policies: [],
  people: [],
  teams: [],
  services: [],
  maintenance: [],
};

/** A schedule's definition, as made or replaced: no id, no revision. */
export type ScheduleDefinition = Pick<OnCallSchedule, 'name' | 'timeZone' | 'layers'> & {
  source?: ImportSource;
  managedBy?: ScheduleManager;
};

export interface ScheduleProblem {
  field: string;
  message: string;
}

/**
 * What the shape cannot say is wrong with a definition: a participant who is
 * not a person. Fields are named under `prefix` (`body`), as the API names them.
 */
export function scheduleProblems(
  definition: ScheduleDefinition,
  catalog: Pick<OnCallCatalog, 'people'>,
  prefix = 'body',
): ScheduleProblem[] {
  const people = new Set(catalog.people.map((p) => p.id));
  return definition.layers.flatMap((layer, l) =>
    layer.participants.flatMap((id, p) =>
      people.has(id)
        ? []
        : [{ field: `${prefix}.layers.${l}.participants.${p}`, message: `${id} is not a person` }],
    ),
  );
}

/** Where policies' levels and fallbacks name a target: `sre-default level 1`, `sre-default fallback`. */
export function policyPlaces(
  catalog: Pick<OnCallCatalog, 'policies'>,
  names: (target: { type: string; id: string }) => boolean,
): string[] {
  return catalog.policies.flatMap((policy) => [
    ...policy.levels.flatMap((level, i) =>
      level.targets.some(names) ? [`${policy.id} level ${i + 1}`] : [],
    ),
    ...((policy.fallback ?? []).some(names) ? [`${policy.id} fallback`] : []),
  ]);
}

/** The escalation policies that page a schedule, each with where: `sre-default level 1`, `sre-default fallback`. */
export function scheduleReferences(catalog: Pick<OnCallCatalog, 'policies'>, scheduleId: string): string[] {
  return policyPlaces(catalog, (t) => t.type === 'schedule' && t.id === scheduleId);
}

/** The file's objects, then the stored ones whose id the file does not have. */
function merged<T extends { id: string }>(file: T[], stored: T[] = []): T[] {
  const ids = new Set(file.map((o) => o.id));
  const added = stored.filter((o) => !ids.has(o.id));
  return added.length === 0 ? file : [...file, ...added];
}

/**
 * The catalog with the on-call model made at run time. An object of the
 * catalog file wins over a stored one of the same id: the file is what its
 * team reviews (a stored one of that id can only predate the file's).
 */
export function withRuntimeOnCall(catalog: OnCallCatalog, runtime: RuntimeOnCall): OnCallCatalog {
  const schedules = merged(catalog.schedules, runtime.schedules);
  const policies = merged(catalog.policies, runtime.policies);
  const people = merged(catalog.people, runtime.people);
  const teams = merged(catalog.teams ?? [], runtime.teams);
  const services = merged(catalog.services ?? [], runtime.services);
  const unchanged =
    schedules === catalog.schedules &&
    policies === catalog.policies &&
    people === catalog.people &&
    teams === (catalog.teams ?? []) &&
    services === (catalog.services ?? []);
  const all = unchanged ? catalog : { ...catalog, schedules, policies, people, teams, services };
  return withRuntimeOverrides(all, runtime.overrides);
}

/** The ids a target of each type may name: what planning and `policyProblems` check targets against. */
export function targetIds(catalog: Pick<OnCallCatalog, 'people' | 'schedules' | 'channels' | 'teams'>) {
  return {
    person: new Set(catalog.people.map((p) => p.id)),
    schedule: new Set(catalog.schedules.map((s) => s.id)),
    team: new Set((catalog.teams ?? []).map((t) => t.id)),
    channel: new Set(catalog.channels.map((c) => c.id)),
  };
}

/**
 * What the shape cannot say is wrong with a policy: a target that names no
 * person, schedule, team or channel of the catalog (schedules made at run time included).
 */
export function policyProblems(
  definition: Pick<EscalationPolicy, 'levels' | 'fallback'>,
  catalog: Pick<OnCallCatalog, 'people' | 'schedules' | 'channels' | 'teams'>,
  prefix = 'body',
): ScheduleProblem[] {
  const known = targetIds(catalog);
  const check = (targets: EscalationPolicy['fallback'] = [], path: string) =>
    targets.flatMap((t, i) =>
      known[t.type].has(t.id) ? [] : [{ field: `${path}.${i}.id`, message: `${t.id} is not a ${t.type}` }],
    );
  return [
    ...definition.levels.flatMap((level, l) => check(level.targets, `${prefix}.levels.${l}.targets`)),
    ...check(definition.fallback, `${prefix}.fallback`),
  ];
}

/** How a schedule is named where it paged: a stored one with its revision, so the timeline says which definition paged. */
export function scheduleLabel(schedule: Pick<OnCallSchedule, 'id'> & { revision?: number }): string {
  return schedule.revision === undefined ? schedule.id : `${schedule.id} (revision ${schedule.revision})`;
}
