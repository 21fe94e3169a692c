import { Schema, type Connection, type Model } from 'mongoose';

/** A calendar feed: a secret URL that shows one schedule's, or one person's, shifts. */
export interface CalendarFeedDocument {
  /** SHA-256 of the feed's token (the token itself is never stored). */
  _id: string;
  /** The feed's public id: `CAL-…`, for listing and revoking. */
  feedId: string;
  kind: 'schedule' | 'person';
  targetId: string;
  createdBy: string;
  /** The API key that made it (a key may have only so many feeds); absent on older feeds. */
  createdByKey?: string;
  createdAt: Date;
}

const calendarFeedSchema = new Schema<CalendarFeedDocument>(
  {
    _id: { type: String, required: true },
    feedId: { type: String, required: true },
    kind: { type: String, enum: ['schedule', 'person'], required: true },
    targetId: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdByKey: String,
    createdAt: { type: Date, required: true },
  },
  { collection: 'calendar_feeds', versionKey: false },
);

export function calendarFeedModel(connection: Connection): Model<CalendarFeedDocument> {
  return connection.model<CalendarFeedDocument>('CalendarFeed', calendarFeedSchema);
}
