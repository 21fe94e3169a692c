import { Schema, type Connection, type Model } from 'mongoose';
import type { EscalationPolicy } from '../../domain/oncall';
import { type StoredObjectDocument, storedObjectSchema } from './stored-object';

/** An escalation policy made at run time: levels and targets are plain objects. */
export type OnCallPolicyDocument = StoredObjectDocument<{
  name: string;
  levels: EscalationPolicy['levels'];
  repeat?: number;
  fallback?: EscalationPolicy['fallback'];
}>;

const onCallPolicySchema = storedObjectSchema<OnCallPolicyDocument>(
  {
    name: { type: String, required: true },
    levels: { type: Schema.Types.Mixed, required: true },
    repeat: Number,
    fallback: { type: Schema.Types.Mixed },
  },
  'oncall_policies',
);

export function onCallPolicyModel(connection: Connection): Model<OnCallPolicyDocument> {
  return connection.model<OnCallPolicyDocument>('OnCallPolicy', onCallPolicySchema);
}
