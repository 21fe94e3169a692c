import type { OnCallSchedule } from '../../domain/oncall';
import {
  type ScheduleDefinition,
  scheduleProblems,
  scheduleReferences,
} from '../../domain/runtime-schedules';
import {
  createRuntimeSchedule,
  deleteRuntimeSchedule,
  replaceRuntimeSchedule,
  scheduleChanges,
} from '../../infra/runtime-schedules';
import { NotFoundError } from '../errors';
import type { OnCallState } from './service';
import { storedKindService } from './stored-kind';
import { type ManagedFields, managedFields, type MaybeStored } from './stored-objects';

/**
 * A schedule as the API shows it: `managedBy: "file"` for one of the catalog
 * file (changed there, read-only here), `"api"` for one made at run time,
 * `"config"` for one applied from a configuration file (`fireline config
 * apply`, read-only elsewhere); stored ones with the revision a change must name.
 */
export type ScheduleView = Pick<OnCallSchedule, 'id' | 'name' | 'timeZone' | 'layers'> & ManagedFields;

function view(schedule: OnCallSchedule & MaybeStored): ScheduleView {
  const { id, name, timeZone, layers } = schedule;
  return { id, name, timeZone, layers, ...managedFields(schedule) };
}

/**
 * Schedules made and changed at run time. A change names the revision it was
 * read at; one an escalation policy pages is not deleted; its overrides go with it.
 */
export const schedules = storedKindService<OnCallSchedule, ScheduleDefinition, ScheduleView>({
  noun: 'schedule',
  objects: (catalog) => catalog.schedules,
  view: (_deps, schedule) => view(schedule),
  problems: scheduleProblems,
  references: ({ catalog }, _deps, id) => scheduleReferences(catalog, id).map((place) => `policy ${place}`),
  create: createRuntimeSchedule,
  replace: replaceRuntimeSchedule,
  remove: deleteRuntimeSchedule,
  changes: scheduleChanges,
});

/** A schedule of an on-call state already read. */
export function scheduleIn({ catalog }: OnCallState, id: string): ScheduleView {
  const schedule = catalog.schedules.find((s) => s.id === id);
  if (!schedule) throw new NotFoundError(`No schedule ${id}`);
  return view(schedule);
}
