import { Schema, type Connection, type Model } from 'mongoose';
import type { RotationLayer } from '../../domain/oncall';
import { type StoredObjectDocument, storedObjectSchema } from './stored-object';

/**
 * A schedule made at run time. Layers are plain objects, validated before
 * they are written; none has a field name with a `.` or a leading `$`.
 */
export type OnCallScheduleDocument = StoredObjectDocument<{
  name: string;
  timeZone: string;
  layers: RotationLayer[];
}>;

const onCallScheduleSchema = storedObjectSchema<OnCallScheduleDocument>(
  {
    name: { type: String, required: true },
    timeZone: { type: String, required: true },
    layers: { type: Schema.Types.Mixed, required: true },
  },
  'oncall_schedules',
);

export function onCallScheduleModel(connection: Connection): Model<OnCallScheduleDocument> {
  return connection.model<OnCallScheduleDocument>('OnCallSchedule', onCallScheduleSchema);
}
