// Schedules made and changed at run time (API, CLI), beside the catalog file's:
// what makes one valid, who refers to one, and the catalog the worker pages with.
import type { EscalationPolicy, OnCallCatalog, OnCallSchedule } from './oncall';
import { type RuntimeOverride, withRuntimeOverrides } from './oncall-overrides';

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

/** What the worker reads from MongoDB before each page: schedules, policies and overrides made at run time. */
export interface RuntimeOnCall {
  schedules: RuntimeSchedule[];
  overrides: RuntimeOverride[];
  /** Absent in a snapshot saved before policies could be made at run time. */
  policies?: RuntimePolicy[];
}

export const noRuntimeOnCall: RuntimeOnCall = { schedules: [], overrides: [], policies: [] };

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

/** The escalation policies that page a schedule, each with where: `sre-default level 1`, `sre-default fallback`. */
export function scheduleReferences(catalog: Pick<OnCallCatalog, 'policies'>, scheduleId: string): string[] {
  const names = (targets: { type: string; id: string }[]) =>
    targets.some((t) => t.type === 'schedule' && t.id === scheduleId);
  return catalog.policies.flatMap((policy) => [
    ...policy.levels.flatMap((level, i) => (names(level.targets) ? [`${policy.id} level ${i + 1}`] : [])),
    ...(names(policy.fallback ?? []) ? [`${policy.id} fallback`] : []),
  ]);
}

/**
 * The catalog with the schedules and overrides made at run time. A schedule
 * of the catalog file wins over a stored one of the same id: the file is what
 * its team reviews (a stored one of that id can only predate the file's).
 */
export function withRuntimeOnCall(catalog: OnCallCatalog, runtime: RuntimeOnCall): OnCallCatalog {
  const fileIds = new Set(catalog.schedules.map((s) => s.id));
  const stored = runtime.schedules.filter((s) => !fileIds.has(s.id));
  const filePolicies = new Set(catalog.policies.map((p) => p.id));
  const policies = (runtime.policies ?? []).filter((p) => !filePolicies.has(p.id));
  const merged =
    stored.length === 0 && policies.length === 0
      ? catalog
      : {
          ...catalog,
          schedules: [...catalog.schedules, ...stored],
          policies: [...catalog.policies, ...policies],
        };
  return withRuntimeOverrides(merged, runtime.overrides);
}

/**
 * What the shape cannot say is wrong with a policy: a target that names no
 * person, schedule or channel of the catalog (schedules made at run time included).
 */
export function policyProblems(
  definition: Pick<EscalationPolicy, 'levels' | 'fallback'>,
  catalog: Pick<OnCallCatalog, 'people' | 'schedules' | 'channels'>,
  prefix = 'body',
): ScheduleProblem[] {
  const known = {
    person: new Set(catalog.people.map((p) => p.id)),
    schedule: new Set(catalog.schedules.map((s) => s.id)),
    channel: new Set(catalog.channels.map((c) => c.id)),
  };
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
