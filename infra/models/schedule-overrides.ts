import { Schema, type Connection, type Model } from 'mongoose';

/**
 * The runtime overrides of one schedule, in one document keyed by the
 * schedule id: a change is a compare-and-set on `revision` (`changeByRevision`
 * in infra/revisions.ts), so two people adding overlapping overrides at once
 * cannot both succeed (no transactions needed, on FerretDB or MongoDB).
 */
export interface ScheduleOverridesDocument {
  _id: string;
  revision: number;
  overrides: Array<{
    id: string;
    personId: string;
    start: string;
    end: string;
    createdBy: string;
    createdAt: string;
    note?: string;
  }>;
}

const overrideSchema = new Schema(
  {
    id: { type: String, required: true },
    personId: { type: String, required: true },
    start: { type: String, required: true },
    end: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    note: String,
  },
  { _id: false },
);

const scheduleOverridesSchema = new Schema<ScheduleOverridesDocument>(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    overrides: { type: [overrideSchema], default: [] },
  },
  { collection: 'schedule_overrides', versionKey: false },
);

export function scheduleOverridesModel(connection: Connection): Model<ScheduleOverridesDocument> {
  return connection.model<ScheduleOverridesDocument>('ScheduleOverrides', scheduleOverridesSchema);
}
