import { Schema, type Connection, type Model } from 'mongoose';
import type { IntegrationType } from '../../domain/runtime-services';
import { type StoredObjectDocument, storedObjectSchema } from './stored-object';

/** A service made at run time. */
export type OnCallServiceDocument = StoredObjectDocument<{
  name: string;
  description?: string;
  team?: string;
  escalationPolicy?: string;
}>;

const onCallServiceSchema = storedObjectSchema<OnCallServiceDocument>(
  { name: { type: String, required: true }, description: String, team: String, escalationPolicy: String },
  'oncall_services',
);

export function onCallServiceModel(connection: Connection): Model<OnCallServiceDocument> {
  return connection.model<OnCallServiceDocument>('OnCallService', onCallServiceSchema);
}

/**
 * How a sender reaches a service, keyed by the integration id. The secret is
 * never stored: a routing key's SHA-256 is (`routingKeyHash`, also the key of
 * its `integration_keys` entry), a token's is in its API key.
 */
export interface ServiceIntegrationDocument {
  _id: string;
  serviceId: string;
  type: IntegrationType;
  name?: string;
  secretHint: string;
  routingKeyHash?: string;
  apiKeyId?: string;
  origin?: string;
  createdBy: string;
  createdAt: string;
}

const serviceIntegrationSchema = new Schema<ServiceIntegrationDocument>(
  {
    _id: { type: String, required: true },
    serviceId: { type: String, required: true },
    type: { type: String, required: true },
    name: String,
    secretHint: { type: String, required: true },
    routingKeyHash: String,
    apiKeyId: String,
    origin: String,
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
  },
  { collection: 'service_integrations', versionKey: false },
);
serviceIntegrationSchema.index({ serviceId: 1 });

export function serviceIntegrationModel(connection: Connection): Model<ServiceIntegrationDocument> {
  return connection.model<ServiceIntegrationDocument>('ServiceIntegration', serviceIntegrationSchema);
}

/**
 * A PagerDuty routing key's service, keyed by the key's SHA-256: what
 * `/v2/enqueue` looks up, by `_id` alone (the one lookup FerretDB does by key).
 */
export interface RoutingKeyDocument {
  _id: string;
  serviceId: string;
  integrationId: string;
}

const routingKeySchema = new Schema<RoutingKeyDocument>(
  {
    _id: { type: String, required: true },
    serviceId: { type: String, required: true },
    integrationId: { type: String, required: true },
  },
  { collection: 'routing_keys', versionKey: false },
);

export function routingKeyModel(connection: Connection): Model<RoutingKeyDocument> {
  return connection.model<RoutingKeyDocument>('RoutingKey', routingKeySchema);
}
