import { Schema, type Connection, type Model } from 'mongoose';
import type { PersonRight } from '../../domain/rights';
import type { ImportSource, ScheduleManager } from '../../domain/runtime-schedules';

/**
 * A person made at run time, keyed by their id: changed by compare-and-set on
 * `revision` (`changeByRevision`), as schedules are. Their contact methods
 * and notification rules live in `contact_methods`, keyed by the same id.
 */
export interface OnCallPersonDocument {
  _id: string;
  revision: number;
  name: string;
  email?: string;
  timeZone?: string;
  slackUserId?: string;
  channels?: string[];
  rights?: PersonRight[];
  managedBy?: ScheduleManager;
  source?: ImportSource;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

const onCallPersonSchema = new Schema<OnCallPersonDocument>(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    name: { type: String, required: true },
    email: String,
    timeZone: String,
    slackUserId: String,
    channels: { type: [String], default: undefined },
    rights: { type: Schema.Types.Mixed },
    managedBy: String,
    source: { type: { system: String, id: String }, _id: false, default: undefined },
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    updatedBy: { type: String, required: true },
    updatedAt: { type: String, required: true },
  },
  { collection: 'oncall_people', versionKey: false },
);

export function onCallPersonModel(connection: Connection): Model<OnCallPersonDocument> {
  return connection.model<OnCallPersonDocument>('OnCallPerson', onCallPersonSchema);
}
