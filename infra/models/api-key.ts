import { Schema, type Connection, type Model } from 'mongoose';

export const apiScopes = [
  'alerts:write',
  'incidents:read',
  'incidents:write',
  'runbooks:run',
  'approvals:decide',
  'postmortems:write',
  'admin',
] as const;
export type ApiScope = (typeof apiScopes)[number];

/** An API key as stored: never the secret, only its scrypt hash and salt. */
export interface ApiKeyDocument {
  /** The key's public id: the part of the token before the secret. */
  _id: string;
  name: string;
  scopes: ApiScope[];
  salt: string;
  hash: string;
  createdAt: Date;
  revokedAt?: Date;
}

const apiKeySchema = new Schema<ApiKeyDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true, match: /^[A-Za-z0-9._@-]{1,100}$/ },
    scopes: { type: [String], enum: apiScopes, required: true },
    salt: { type: String, required: true },
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
