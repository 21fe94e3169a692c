import type { RevisionStamp, RuntimeSchedule, ScheduleDefinition } from '../domain/runtime-schedules';
import type { Models } from './models';
import { revisionedStore } from './runtime-model';

type ScheduleModels = Pick<Models, 'OnCallSchedules'>;
type ScheduleWriteModels = Pick<
  Models,
  'OnCallSchedules' | 'OnCallChanges' | 'RevisionClaims' | 'ScheduleOverrides'
>;

const store = (models: ScheduleModels) =>
  revisionedStore<Omit<RuntimeSchedule, 'id' | keyof RevisionStamp>>(
    models.OnCallSchedules,
    'schedule',
    'schedule',
  );

/** Every stored schedule, by id. */
export async function listRuntimeSchedules(models: ScheduleModels): Promise<RuntimeSchedule[]> {
  return store(models).list();
}

/** Stores a new schedule at revision 1; overrides left by an earlier schedule of its id do not carry over. */
export async function createRuntimeSchedule(
  models: ScheduleWriteModels,
  id: string,
  definition: ScheduleDefinition,
  actor: string,
): Promise<RuntimeSchedule> {
  const made = await store(models).create(models, id, definition, actor);
  await models.ScheduleOverrides.deleteOne({ _id: id });
  return made;
}

/** Replaces a stored schedule's definition, if it is still at `revision` (else stale). */
export async function replaceRuntimeSchedule(
  models: ScheduleWriteModels,
  id: string,
  revision: number,
  definition: ScheduleDefinition,
  actor: string,
): Promise<RuntimeSchedule> {
  return store(models).replace(models, id, revision, definition, actor);
}

/** Deletes a stored schedule at `revision`, with its overrides. */
export async function deleteRuntimeSchedule(
  models: ScheduleWriteModels,
  id: string,
  revision: number,
  actor: string,
): Promise<void> {
  await store(models).remove(models, id, revision, actor);
  await models.ScheduleOverrides.deleteOne({ _id: id });
}

/** Who changed a schedule, oldest first. */
export async function scheduleChanges(models: Pick<Models, 'OnCallSchedules' | 'OnCallChanges'>, id: string) {
  return store(models).changes(models, id);
}
