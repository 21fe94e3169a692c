import type { OnCallSchedule } from '../../domain/oncall';
import {
  type ScheduleManager,
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
import type { ApiDeps } from '../deps';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import {
  answeringRefusals,
  type ManagedFields,
  managedFields,
  type MaybeStored,
  refuseManaged,
} from './stored-objects';
import { onCallState, type OnCallState } from './service';

type Deps = Pick<ApiDeps, 'onCall' | 'models'>;

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

export async function listSchedules(deps: Deps): Promise<ScheduleView[]> {
  const { catalog } = await onCallState(deps);
  return catalog.schedules.map(view);
}

export async function getSchedule(deps: Deps, id: string): Promise<ScheduleView> {
  return scheduleIn(await onCallState(deps), id);
}

/** getSchedule over an on-call state already read. */
export function scheduleIn({ catalog }: OnCallState, id: string): ScheduleView {
  const schedule = catalog.schedules.find((s) => s.id === id);
  if (!schedule) throw new NotFoundError(`No schedule ${id}`);
  return view(schedule);
}

const title = (id: string) => `Schedule ${id}`;
const inFile = (deps: Deps, id: string) => deps.onCall.file.schedules.some((s) => s.id === id);

function refuseProblems(deps: Deps, definition: ScheduleDefinition): void {
  const problems = scheduleProblems(definition, deps.onCall.catalog);
  if (problems.length > 0) throw new ValidationError(problems);
}

export async function createSchedule(
  deps: Deps,
  input: ScheduleDefinition & { id: string },
  actor: string,
): Promise<ScheduleView> {
  const { id, ...definition } = input;
  // One of that id stored already is refused by the store.
  refuseManaged(title(id), inFile(deps, id), undefined, definition.managedBy);
  refuseProblems(deps, definition);
  return view(await answeringRefusals(() => createRuntimeSchedule(deps.models, id, definition, actor)));
}

export async function replaceSchedule(
  deps: Deps,
  id: string,
  input: ScheduleDefinition & { revision: number },
  actor: string,
): Promise<ScheduleView> {
  const { revision, ...definition } = input;
  const stored = (await onCallState(deps)).catalog.schedules.find((s) => s.id === id);
  refuseManaged(title(id), inFile(deps, id), stored, definition.managedBy);
  refuseProblems(deps, definition);
  return view(
    await answeringRefusals(() => replaceRuntimeSchedule(deps.models, id, revision, definition, actor)),
  );
}

/** Deletes a stored schedule; refused while an escalation policy pages it, naming where. */
export async function deleteSchedule(
  deps: Deps,
  id: string,
  revision: number,
  actor: string,
  by?: ScheduleManager,
): Promise<void> {
  const { catalog } = await onCallState(deps);
  refuseManaged(
    title(id),
    inFile(deps, id),
    catalog.schedules.find((s) => s.id === id),
    by,
  );
  const references = scheduleReferences(catalog, id);
  if (references.length > 0) {
    throw new ConflictError(`Schedule ${id} is paged by ${references.join(', ')}: change those first`, {
      referencedBy: references,
    });
  }
  await answeringRefusals(() => deleteRuntimeSchedule(deps.models, id, revision, actor));
}

/** Who made each revision of a schedule made at run time, and when (none for the catalog file's: git has those). */
export async function scheduleHistory(deps: Deps, id: string) {
  const changes = await scheduleChanges(deps.models, id);
  if (changes.length === 0 && !inFile(deps, id)) throw new NotFoundError(`No schedule ${id}`);
  return changes.map((c) => ({ ...c, at: c.at.toISOString() }));
}
