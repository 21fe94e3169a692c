import { Schema, type Connection, type Model } from 'mongoose';
import type { PersonRight } from '../../domain/rights';
import { type StoredObjectDocument, storedObjectSchema } from './stored-object';

/**
 * A person made at run time. Their contact methods and notification rules
 * live in `contact_methods`, keyed by the same id.
 */
export type OnCallPersonDocument = StoredObjectDocument<{
  name: string;
  email?: string;
  timeZone?: string;
  slackUserId?: string;
  channels?: string[];
  rights?: PersonRight[];
}>;

const onCallPersonSchema = storedObjectSchema<OnCallPersonDocument>(
  {
    name: { type: String, required: true },
    email: String,
    timeZone: String,
    slackUserId: String,
    channels: { type: [String], default: undefined },
    rights: { type: Schema.Types.Mixed },
  },
  'oncall_people',
);

export function onCallPersonModel(connection: Connection): Model<OnCallPersonDocument> {
  return connection.model<OnCallPersonDocument>('OnCallPerson', onCallPersonSchema);
}
