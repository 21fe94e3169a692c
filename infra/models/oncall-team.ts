import { Schema, type Connection, type Model } from 'mongoose';
import type { TeamMember } from '../../domain/oncall';
import type { ImportSource, ScheduleManager } from '../../domain/runtime-schedules';

/** A team made at run time, keyed by its id: changed by compare-and-set on `revision`, as schedules are. */
export interface OnCallTeamDocument {
  _id: string;
  revision: number;
  name: string;
  members: TeamMember[];
  managedBy?: ScheduleManager;
  source?: ImportSource;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

const onCallTeamSchema = new Schema<OnCallTeamDocument>(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    name: { type: String, required: true },
    members: { type: Schema.Types.Mixed, required: true },
    managedBy: String,
    source: { type: { system: String, id: String }, _id: false, default: undefined },
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    updatedBy: { type: String, required: true },
    updatedAt: { type: String, required: true },
  },
  { collection: 'oncall_teams', versionKey: false },
);

export function onCallTeamModel(connection: Connection): Model<OnCallTeamDocument> {
  return connection.model<OnCallTeamDocument>('OnCallTeam', onCallTeamSchema);
}
