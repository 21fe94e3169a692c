import { Schema, type Connection, type Model } from 'mongoose';
import type { AlertSeverity } from '../../domain/incident';

/**
 * A heartbeat's settings, keyed by its name (read by a bare `_id`). Its ping
 * token is kept only as a SHA-256 hash, with its last characters to tell it by.
 * Its state (last ping, missed or not) lives in its workflow.
 */
export interface HeartbeatDocument {
  _id: string;
  service: string;
  intervalSeconds: number;
  graceSeconds: number;
  severity: AlertSeverity;
  paused: boolean;
  tokenHash: string;
  tokenHint: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const heartbeatSchema = new Schema<HeartbeatDocument>(
  {
    _id: { type: String, required: true },
    service: { type: String, required: true },
    intervalSeconds: { type: Number, required: true },
    graceSeconds: { type: Number, required: true },
    severity: { type: String, required: true },
    paused: { type: Boolean, required: true },
    tokenHash: { type: String, required: true },
    tokenHint: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'heartbeats', versionKey: false },
);

export function heartbeatModel(connection: Connection): Model<HeartbeatDocument> {
  return connection.model<HeartbeatDocument>('Heartbeat', heartbeatSchema);
}
