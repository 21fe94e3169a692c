import type { Model } from 'mongoose';
import type { RevisionStamp } from '../domain/runtime-schedules';
import type { Models, OnCallChangeDocument } from './models';
import { isDuplicateKeyError } from './mongo';
import { changeByRevision, deleteByRevision } from './revisions';

/** The kinds of on-call object made and changed at run time. */
export type ModelKind = OnCallChangeDocument['kind'];

/** Why a change to a stored object was refused; the API maps each kind to its status. */
export class ModelChangeRefused extends Error {
  constructor(
    readonly kind: 'exists' | 'not-found' | 'stale',
    message: string,
    /** The revision stored now, for a stale change. */
    readonly current?: number,
  ) {
    super(message);
    this.name = 'ModelChangeRefused';
  }
}

/** A stored object's document: its fields, keyed by id, with who made its revision. */
export type StoredDocument<F> = F & RevisionStamp & { _id: string };
type WriteModels = Pick<Models, 'OnCallChanges' | 'RevisionClaims'>;

/**
 * One kind of on-call object stored in MongoDB, each changed only with the
 * revision it was read at (`changeByRevision`), every change recorded in
 * `oncall_changes` (who, which revision, when).
 */
export function revisionedStore<F extends object>(
  model: Model<StoredDocument<F>>,
  kind: ModelKind,
  noun: string,
) {
  type Stored = F & RevisionStamp & { id: string };
  const fromDocument = ({ _id, ...rest }: StoredDocument<F>): Stored =>
    ({ id: _id, ...rest }) as unknown as Stored;
  const title = noun[0]!.toUpperCase() + noun.slice(1);
  const notStored = (id: string) => new ModelChangeRefused('not-found', `No ${noun} ${id} is stored`);
  const stale = (id: string, expected: number, current: number) =>
    new ModelChangeRefused(
      'stale',
      `${title} ${id} is at revision ${current}, not ${expected}: someone changed it since you read it; read it again and redo your change`,
      current,
    );
  const record = async (
    models: WriteModels,
    objectId: string,
    revision: number,
    action: OnCallChangeDocument['action'],
    actor: string,
  ) => {
    const at = new Date();
    await models.OnCallChanges.create({
      _id: `${kind}:${objectId}@${revision}:${at.getTime()}`,
      kind,
      objectId,
      revision,
      action,
      actor,
      at,
    });
  };

  return {
    /** Every stored object, by id. */
    async list(): Promise<Stored[]> {
      const docs = (await model.find({}).lean()) as StoredDocument<F>[];
      return docs.map(fromDocument).sort((a, b) => a.id.localeCompare(b.id));
    },

    /** Stores a new object at revision 1; refused when one of that id is stored. */
    async create(
      models: WriteModels,
      id: string,
      fields: F,
      actor: string,
      now = new Date(),
    ): Promise<Stored> {
      const stamp = now.toISOString();
      const doc = {
        _id: id,
        revision: 1,
        ...fields,
        createdBy: actor,
        createdAt: stamp,
        updatedBy: actor,
        updatedAt: stamp,
      };
      try {
        await model.create(doc);
      } catch (err) {
        if (isDuplicateKeyError(err)) throw new ModelChangeRefused('exists', `${title} ${id} exists already`);
        throw err;
      }
      await record(models, id, 1, 'created', actor);
      return fromDocument(doc);
    },

    /** Replaces an object's fields, if it is still at `revision` (else stale). */
    async replace(
      models: WriteModels,
      id: string,
      revision: number,
      fields: F,
      actor: string,
      now = new Date(),
    ): Promise<Stored> {
      const updated = await changeByRevision(model, models.RevisionClaims, id, `${noun} ${id}`, (doc) => {
        if (!doc) throw notStored(id);
        if (doc.revision !== revision) throw stale(id, revision, doc.revision);
        const set = { ...fields, updatedBy: actor, updatedAt: now.toISOString() };
        return {
          set,
          result: fromDocument({ ...doc, ...set, revision: doc.revision + 1 }),
        };
      });
      await record(models, id, updated.revision, 'updated', actor);
      return updated;
    },

    /** Deletes an object at `revision`. */
    async remove(models: WriteModels, id: string, revision: number, actor: string): Promise<void> {
      const doc = (await model.findById(id).lean()) as StoredDocument<F> | null;
      if (!doc) throw notStored(id);
      if (doc.revision !== revision) throw stale(id, revision, doc.revision);
      if (!(await deleteByRevision(model, models.RevisionClaims, id, revision))) {
        const now = (await model.findById(id).lean()) as StoredDocument<F> | null;
        if (!now) throw notStored(id);
        throw stale(id, revision, now.revision);
      }
      await record(models, id, revision + 1, 'deleted', actor);
    },

    /** Who changed an object, oldest first (one deleted and made again starts again at revision 1). */
    async changes(models: Pick<Models, 'OnCallChanges'>, id: string) {
      const docs = await models.OnCallChanges.find({ kind, objectId: id }).lean();
      return docs
        .map(({ revision, action, actor, at }) => ({ revision, action, actor, at }))
        .sort((a, b) => a.at.getTime() - b.at.getTime() || a.revision - b.revision);
    },
  };
}
