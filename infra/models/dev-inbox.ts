import { Schema, type Connection, type Model } from 'mongoose';

/** A page kept in the development inbox instead of being sent (its channel is not configured). */
export interface DevInboxDocument {
  /** The delivery's idempotency key: a retried delivery is kept once. */
  _id: string;
  at: Date;
  incidentId: string;
  title: string;
  severity: string;
  status: string;
  /** Where it would have gone: `sre-slack (slack)`, `alice (email)`. */
  label: string;
  reason: string;
  /** Why it was not sent: the variable that is not set. */
  missing: string;
  /** A text or call to a person: the inbox lets that person answer it as from their phone. */
  answerable?: DevInboxAnswerable;
}

export interface DevInboxAnswerable {
  personId: string;
  channelType: 'sms' | 'voice';
  /** The SMS's short code (`4821` in `4821a`). */
  replyCode?: string;
  /** The pager's step (`bundle` for a storm bundle's call). */
  stepId?: string;
}

const devInboxSchema = new Schema<DevInboxDocument>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    incidentId: { type: String, required: true },
    title: { type: String, required: true },
    severity: { type: String, required: true },
    status: { type: String, required: true },
    label: { type: String, required: true },
    reason: { type: String, required: true },
    missing: { type: String, required: true },
    answerable: { type: Schema.Types.Mixed },
  },
  { collection: 'dev_inbox', versionKey: false },
);
devInboxSchema.index({ at: -1 });

export function devInboxModel(connection: Connection): Model<DevInboxDocument> {
  return connection.model<DevInboxDocument>('DevInbox', devInboxSchema);
}
