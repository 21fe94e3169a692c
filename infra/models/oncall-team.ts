import { Schema, type Connection, type Model } from 'mongoose';
import type { TeamMember } from '../../domain/oncall';
import { type StoredObjectDocument, storedObjectSchema } from './stored-object';

/** A team made at run time. */
export type OnCallTeamDocument = StoredObjectDocument<{ name: string; members: TeamMember[] }>;

const onCallTeamSchema = storedObjectSchema<OnCallTeamDocument>(
  {
    name: { type: String, required: true },
    members: { type: Schema.Types.Mixed, required: true },
  },
  'oncall_teams',
);

export function onCallTeamModel(connection: Connection): Model<OnCallTeamDocument> {
  return connection.model<OnCallTeamDocument>('OnCallTeam', onCallTeamSchema);
}
