import { Schema, type Connection, type Model } from 'mongoose';
import type { TimelineEntry } from '../../domain/incident';

/** One timeline entry, keyed `<incidentId>:<seq>` so a retried save writes it once. */
export interface TimelineEntryDocument extends Omit<TimelineEntry, 'at'> {
  _id: string;
  incidentId: string;
  at: Date;
}

const timelineEntrySchema = new Schema<TimelineEntryDocument>(
  {
    _id: { type: String, required: true },
    incidentId: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    type: { type: String, required: true },
    actor: { type: String, required: true },
    message: { type: String, required: true },
    data: Schema.Types.Mixed,
  },
  { collection: 'incident_timeline', versionKey: false },
);
timelineEntrySchema.index({ incidentId: 1, seq: 1 });

export function timelineEntryModel(connection: Connection): Model<TimelineEntryDocument> {
  return connection.model<TimelineEntryDocument>('TimelineEntry', timelineEntrySchema);
}

export function timelineEntryId(incidentId: string, seq: number): string {
  return `${incidentId}:${String(seq).padStart(6, '0')}`;
}
