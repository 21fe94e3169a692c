import { Schema } from 'mongoose';
import type { ImportSource, RevisionStamp, ScheduleManager } from '../../domain/runtime-schedules';

/**
 * What every on-call object made at run time stores beside its own fields,
 * keyed by its id (FerretDB finds a document by key only for a bare `_id`): a
 * change is a compare-and-set on `revision` (`changeByRevision`); who made the
 * revision, and when; who manages it; where it was imported from.
 */
export type StoredObjectDocument<F> = F &
  RevisionStamp & {
    _id: string;
    /** `config`: changed only by `fireline config apply`; absent: by the API. */
    managedBy?: ScheduleManager;
    /** Set on an object imported from another tool. */
    source?: ImportSource;
  };

/** A schema of a stored on-call object: its own fields (plain values, validated before they are written) and the common ones. */
export function storedObjectSchema<F>(fields: Record<string, unknown>, collection: string) {
  return new Schema<StoredObjectDocument<F>>(
    {
      _id: { type: String, required: true },
      revision: { type: Number, required: true },
      ...fields,
      managedBy: String,
      source: { type: { system: String, id: String }, _id: false, default: undefined },
      createdBy: { type: String, required: true },
      createdAt: { type: String, required: true },
      updatedBy: { type: String, required: true },
      updatedAt: { type: String, required: true },
    },
    { collection, versionKey: false },
  );
}
