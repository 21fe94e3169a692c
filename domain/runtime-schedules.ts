// Schedules made and changed at run time (API, CLI), beside the catalog file's:
// what makes one valid, who refers to one, and the catalog the worker pages with.
import type { OnCallCatalog, OnCallSchedule } from './oncall';
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

/** What the worker reads from MongoDB before each page: schedules and overrides made at run time. */
export interface RuntimeOnCall {
  schedules: RuntimeSchedule[];
  overrides: RuntimeOverride[];
}

export const noRuntimeOnCall: RuntimeOnCall = { schedules: [], overrides: [] };

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
  const withSchedules =
    stored.length === 0 ? catalog : { ...catalog, schedules: [...catalog.schedules, ...stored] };
  return withRuntimeOverrides(withSchedules, runtime.overrides);
}

/** How a schedule is named where it paged: a stored one with its revision, so the timeline says which definition paged. */
export function scheduleLabel(schedule: Pick<OnCallSchedule, 'id'> & { revision?: number }): string {
  return schedule.revision === undefined ? schedule.id : `${schedule.id} (revision ${schedule.revision})`;
}
