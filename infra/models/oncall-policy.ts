import { Schema, type Connection, type Model } from 'mongoose';
import type { EscalationPolicy } from '../../domain/oncall';
import type { ImportSource, ScheduleManager } from '../../domain/runtime-schedules';

/**
 * An escalation policy made at run time, keyed by its id: changed by
 * compare-and-set on `revision` (`changeByRevision`), as schedules are. Levels
 * and targets are plain objects, validated before they are written.
 */
export interface OnCallPolicyDocument {
  _id: string;
  revision: number;
  name: string;
  levels: EscalationPolicy['levels'];
  repeat?: number;
  fallback?: EscalationPolicy['fallback'];
  /** `config`: changed only by `fireline config apply`; absent: by the API. */
  managedBy?: ScheduleManager;
  /** Set on a policy imported from another tool. */
  source?: ImportSource;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

const onCallPolicySchema = new Schema<OnCallPolicyDocument>(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    name: { type: String, required: true },
    levels: { type: Schema.Types.Mixed, required: true },
    repeat: Number,
    fallback: { type: Schema.Types.Mixed },
    managedBy: String,
    source: { type: { system: String, id: String }, _id: false, default: undefined },
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    updatedBy: { type: String, required: true },
    updatedAt: { type: String, required: true },
  },
  { collection: 'oncall_policies', versionKey: false },
);

export function onCallPolicyModel(connection: Connection): Model<OnCallPolicyDocument> {
  return connection.model<OnCallPolicyDocument>('OnCallPolicy', onCallPolicySchema);
}
