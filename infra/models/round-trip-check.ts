import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A diagnostics record written by the round-trip workflow: proof that the API,
 * Temporal, the worker and MongoDB all work together.
 */
export interface RoundTripCheck {
  _id: string;
  workflowId: string;
  requestedAt: Date;
  recordedAt: Date;
  attempts: number;
}

const roundTripCheckSchema = new Schema<RoundTripCheck>(
  {
    _id: { type: String, required: true },
    workflowId: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    recordedAt: { type: Date, required: true },
    attempts: { type: Number, required: true, default: 0 },
  },
  { collection: 'round_trip_checks', versionKey: false },
);

export function roundTripCheckModel(connection: Connection): Model<RoundTripCheck> {
  return connection.model<RoundTripCheck>('RoundTripCheck', roundTripCheckSchema);
}
