import { Schema, type Connection, type Model } from 'mongoose';

/** A web UI session: the browser holds a random id, MongoDB only its SHA-256. */
export interface UiSessionDocument {
  /** SHA-256 (hex) of the session id in the browser's cookie. */
  _id: string;
  /** The API key the person signed in with: the session acts as it, and ends when it is revoked. */
  keyId: string;
  createdAt: Date;
  expiresAt: Date;
}

const uiSessionSchema = new Schema<UiSessionDocument>(
  {
    _id: { type: String, required: true },
    keyId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'ui_sessions', versionKey: false },
);
// Expired sessions are deleted at sign-ins (FerretDB has no TTL indexes); every use checks the expiry.
uiSessionSchema.index({ expiresAt: 1 });

export function uiSessionModel(connection: Connection): Model<UiSessionDocument> {
  return connection.model<UiSessionDocument>('UiSession', uiSessionSchema);
}
