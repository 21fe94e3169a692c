import { Schema, type Connection, type Model } from 'mongoose';
import { apiScopes, type ApiScope } from '../../domain/rights';

export { apiScopes, type ApiScope };

/** A catalog person's id, as a key names the person it acts as. */
export const apiKeyPersonPattern = /^[A-Za-z0-9._@-]{1,100}$/;

/** A service a key may be restricted to: the same spelling as an alert's `service`. */
export const apiKeyServicePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** An API key as stored: never the secret, only its SHA-256. */
export interface ApiKeyDocument {
  /** The key's public id: the part of the token before the secret. */
  _id: string;
  name: string;
  scopes: ApiScope[];
  /**
   * The services the key may post alerts for and act on; absent = any. (An
   * empty list is never stored: it would be a key that can do nothing.)
   */
  services?: string[];
  /** The catalog person the key acts as (`alice`); absent = a key that may post alerts and read, not act. */
  person?: string;
  /** The SHA-256 of the secret, hex. */
  hash: string;
  createdAt: Date;
  revokedAt?: Date;
}

const apiKeySchema = new Schema<ApiKeyDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true, match: /^[A-Za-z0-9._@-]{1,100}$/ },
    scopes: { type: [String], enum: apiScopes, required: true },
    services: {
      type: [{ type: String, match: apiKeyServicePattern }],
      default: undefined,
    },
    person: { type: String, match: apiKeyPersonPattern },
    hash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    revokedAt: Date,
  },
  { collection: 'api_keys', versionKey: false },
);
apiKeySchema.index({ name: 1 });

export function apiKeyModel(connection: Connection): Model<ApiKeyDocument> {
  return connection.model<ApiKeyDocument>('ApiKey', apiKeySchema);
}
