import type { RuntimeSchedule, ScheduleDefinition } from '../domain/runtime-schedules';
import type { Models, OnCallChangeDocument, OnCallScheduleDocument } from './models';
import { isDuplicateKeyError } from './mongo';
import { changeByRevision, deleteByRevision } from './revisions';

/** Why a change to a stored schedule was refused; the API maps each kind to its status. */
export class ScheduleChangeRefused extends Error {
  constructor(
    readonly kind: 'exists' | 'not-found' | 'stale',
    message: string,
    /** The revision stored now, for a stale change. */
    readonly current?: number,
  ) {
    super(message);
    this.name = 'ScheduleChangeRefused';
  }
}

type ScheduleModels = Pick<Models, 'OnCallSchedules'>;
type ScheduleWriteModels = Pick<
  Models,
  'OnCallSchedules' | 'OnCallChanges' | 'RevisionClaims' | 'ScheduleOverrides'
>;

function fromDocument({ _id, ...rest }: OnCallScheduleDocument): RuntimeSchedule {
  return { id: _id, ...rest };
}

/** Every stored schedule, by id. */
export async function listRuntimeSchedules(models: ScheduleModels): Promise<RuntimeSchedule[]> {
  const docs = await models.OnCallSchedules.find({}).lean();
  return docs.map(fromDocument).sort((a, b) => a.id.localeCompare(b.id));
}

async function recordChange(
  models: Pick<Models, 'OnCallChanges'>,
  change: Omit<OnCallChangeDocument, '_id' | 'at'>,
): Promise<void> {
  const at = new Date();
  await models.OnCallChanges.create({
    ...change,
    _id: `${change.kind}:${change.objectId}@${change.revision}:${at.getTime()}`,
    at,
  });
}

/** Stores a new schedule at revision 1; refused when one of that id is stored. */
export async function createRuntimeSchedule(
  models: ScheduleWriteModels,
  id: string,
  definition: ScheduleDefinition,
  actor: string,
  now = new Date(),
): Promise<RuntimeSchedule> {
  const stamp = now.toISOString();
  const doc: OnCallScheduleDocument = {
    _id: id,
    revision: 1,
    ...definition,
    createdBy: actor,
    createdAt: stamp,
    updatedBy: actor,
    updatedAt: stamp,
  };
  try {
    await models.OnCallSchedules.create(doc);
  } catch (err) {
    if (isDuplicateKeyError(err)) throw new ScheduleChangeRefused('exists', `Schedule ${id} exists already`);
    throw err;
  }
  // Overrides left by an earlier schedule of this id do not carry over to a new one.
  await models.ScheduleOverrides.deleteOne({ _id: id });
  await recordChange(models, { kind: 'schedule', objectId: id, revision: 1, action: 'created', actor });
  return fromDocument(doc);
}

/** Replaces a stored schedule's definition, if it is still at `revision` (else stale). */
export async function replaceRuntimeSchedule(
  models: ScheduleWriteModels,
  id: string,
  revision: number,
  definition: ScheduleDefinition,
  actor: string,
  now = new Date(),
): Promise<RuntimeSchedule> {
  const updated = await changeByRevision(
    models.OnCallSchedules,
    models.RevisionClaims,
    id,
    `schedule ${id}`,
    (doc) => {
      if (!doc) throw new ScheduleChangeRefused('not-found', `No schedule ${id} is stored`);
      if (doc.revision !== revision) throw staleChange(id, revision, doc.revision);
      const set = { ...definition, updatedBy: actor, updatedAt: now.toISOString() };
      return { set, result: fromDocument({ ...doc, ...set, revision: doc.revision + 1 }) };
    },
  );
  await recordChange(models, {
    kind: 'schedule',
    objectId: id,
    revision: updated.revision,
    action: 'updated',
    actor,
  });
  return updated;
}

function staleChange(id: string, expected: number, current: number): ScheduleChangeRefused {
  return new ScheduleChangeRefused(
    'stale',
    `Schedule ${id} is at revision ${current}, not ${expected}: someone changed it since you read it; read it again and redo your change`,
    current,
  );
}

/** Deletes a stored schedule at `revision`, with its overrides. */
export async function deleteRuntimeSchedule(
  models: ScheduleWriteModels,
  id: string,
  revision: number,
  actor: string,
): Promise<void> {
  const doc = await models.OnCallSchedules.findById(id).lean();
  if (!doc) throw new ScheduleChangeRefused('not-found', `No schedule ${id} is stored`);
  if (doc.revision !== revision) throw staleChange(id, revision, doc.revision);
  if (!(await deleteByRevision(models.OnCallSchedules, models.RevisionClaims, id, revision))) {
    const now = await models.OnCallSchedules.findById(id).lean();
    if (!now) throw new ScheduleChangeRefused('not-found', `No schedule ${id} is stored`);
    throw staleChange(id, revision, now.revision);
  }
  await models.ScheduleOverrides.deleteOne({ _id: id });
  await recordChange(models, {
    kind: 'schedule',
    objectId: id,
    revision: revision + 1,
    action: 'deleted',
    actor,
  });
}

/** Who changed a schedule, oldest first (a schedule deleted and made again starts again at revision 1). */
export async function scheduleChanges(
  models: Pick<Models, 'OnCallChanges'>,
  id: string,
): Promise<Array<Omit<OnCallChangeDocument, '_id' | 'kind' | 'objectId'>>> {
  const docs = await models.OnCallChanges.find({ kind: 'schedule', objectId: id }).lean();
  return docs
    .map(({ revision, action, actor, at }) => ({ revision, action, actor, at }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.revision - b.revision);
}
