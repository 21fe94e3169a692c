import { Schema, type Connection, type Model } from 'mongoose';
import type { RotationLayer } from '../../domain/oncall';
import type { ImportSource, ScheduleManager } from '../../domain/runtime-schedules';

/**
 * A schedule made at run time, keyed by its id (FerretDB finds a document by
 * key only for a bare `_id`): a change is a compare-and-set on `revision`
 * (`changeByRevision`). Layers are plain objects, validated before they are
 * written; none has a field name with a `.` or a leading `$`.
 */
export interface OnCallScheduleDocument {
  _id: string;
  revision: number;
  name: string;
  timeZone: string;
  layers: RotationLayer[];
  /** Set on a schedule imported from another tool. */
  source?: ImportSource;
  /** `config`: changed only by `fireline config apply`; absent: by the API. */
  managedBy?: ScheduleManager;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

const onCallScheduleSchema = new Schema<OnCallScheduleDocument>(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    name: { type: String, required: true },
    timeZone: { type: String, required: true },
    layers: { type: Schema.Types.Mixed, required: true },
    source: { type: { system: String, id: String }, _id: false, default: undefined },
    managedBy: String,
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    updatedBy: { type: String, required: true },
    updatedAt: { type: String, required: true },
  },
  { collection: 'oncall_schedules', versionKey: false },
);

export function onCallScheduleModel(connection: Connection): Model<OnCallScheduleDocument> {
  return connection.model<OnCallScheduleDocument>('OnCallSchedule', onCallScheduleSchema);
}
