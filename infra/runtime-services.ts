import { createHash, randomBytes } from 'node:crypto';
import type { RevisionStamp, RuntimeService } from '../domain/runtime-schedules';
import { integrationIdFrom, type IntegrationType, type ServiceIntegration } from '../domain/runtime-services';
import { createApiKey, revokeApiKey } from './api-keys';
import { LastGoodCache } from './last-good-cache';
import type { Models, ServiceIntegrationDocument } from './models';
import { DEFAULT_MONGO_LOOKUP_TIMEOUT_MS, isDuplicateKeyError } from './mongo';
import { revisionedStore } from './runtime-model';

type IntegrationModels = Pick<Models, 'ServiceIntegrations' | 'RoutingKeys' | 'ApiKey'>;

/** Services made at run time (`oncall_services`), changed only with the revision they were read at. */
export const serviceStore = (models: Pick<Models, 'OnCallServices'>) =>
  revisionedStore<Omit<RuntimeService, 'id' | keyof RevisionStamp>>(
    models.OnCallServices,
    'service',
    'service',
  );

/** What is stored of a routing key: its SHA-256 (the key is 128 random bits, so a fast hash is enough). */
export function routingKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function integrationOf(doc: ServiceIntegrationDocument): ServiceIntegration {
  const { _id, serviceId, type, name, secretHint, apiKeyId, origin, createdBy, createdAt } = doc;
  return {
    id: _id,
    serviceId,
    type,
    ...(name ? { name } : {}),
    secretHint,
    ...(apiKeyId ? { apiKeyId } : {}),
    ...(origin ? { origin } : {}),
    createdBy,
    createdAt,
  };
}

/** A service's integrations (every service's, without `serviceId`), oldest first. */
export async function listIntegrations(
  models: Pick<Models, 'ServiceIntegrations'>,
  serviceId?: string,
): Promise<ServiceIntegration[]> {
  const docs = await models.ServiceIntegrations.find(serviceId === undefined ? {} : { serviceId }).lean();
  return docs
    .map(integrationOf)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * Adds an integration to a service and returns its secret, which is shown
 * once: a new PagerDuty routing key (32 hex characters, as PagerDuty's), or an
 * Alertmanager or Grafana token (an API key that may only post that service's alerts).
 */
export async function addIntegration(
  models: IntegrationModels,
  serviceId: string,
  type: IntegrationType,
  actor: string,
  options: { name?: string; origin?: string } = {},
): Promise<{ integration: ServiceIntegration; secret: string }> {
  const id = integrationIdFrom(randomBytes(6));
  const base = {
    _id: id,
    serviceId,
    type,
    ...(options.name ? { name: options.name } : {}),
    ...(options.origin ? { origin: options.origin } : {}),
    createdBy: actor,
    createdAt: new Date().toISOString(),
  };
  if (type === 'pagerduty') {
    const secret = randomBytes(16).toString('hex');
    const hash = routingKeyHash(secret);
    await models.RoutingKeys.create({ _id: hash, serviceId, integrationId: id });
    const doc = { ...base, secretHint: secret.slice(-4), routingKeyHash: hash };
    await models.ServiceIntegrations.create(doc);
    return { integration: integrationOf(doc), secret };
  }
  const { token, keyId } = await createApiKey(models, `${type}-${serviceId}-${id}`, ['alerts:write'], {
    services: [serviceId],
  });
  const doc = { ...base, secretHint: token.slice(-4), apiKeyId: keyId };
  await models.ServiceIntegrations.create(doc);
  return { integration: integrationOf(doc), secret: token };
}

/** Removes an integration: its routing key stops routing, its token is revoked. False when there is none. */
export async function removeIntegration(
  models: IntegrationModels,
  serviceId: string,
  integrationId: string,
): Promise<boolean> {
  const doc = await models.ServiceIntegrations.findById(integrationId).lean();
  if (!doc || doc.serviceId !== serviceId) return false;
  if (doc.routingKeyHash) await models.RoutingKeys.deleteOne({ _id: doc.routingKeyHash });
  if (doc.apiKeyId) await revokeApiKey(models, doc.apiKeyId);
  await models.ServiceIntegrations.deleteOne({ _id: integrationId });
  return true;
}

/** Deletes a stored service at `revision`, and every integration that fed it. */
export async function deleteRuntimeService(
  models: IntegrationModels & Pick<Models, 'OnCallServices' | 'OnCallChanges' | 'RevisionClaims'>,
  id: string,
  revision: number,
  actor: string,
): Promise<void> {
  await serviceStore(models).remove(models, id, revision, actor);
  for (const integration of await listIntegrations(models, id))
    await removeIntegration(models, id, integration.id);
}

const SEED_ACTOR = 'system:FIRELINE_ROUTING_KEYS';

/**
 * Stores the routing keys of FIRELINE_ROUTING_KEYS (key → service) as
 * integrations, making each service that does not exist yet: the variable
 * seeds the model, which then holds the keys. Idempotent, and safe for API
 * processes starting together: an integration's id comes from its key's hash.
 */
export async function seedRoutingKeys(
  models: IntegrationModels & Pick<Models, 'OnCallServices' | 'OnCallChanges' | 'RevisionClaims'>,
  keys: Map<string, string> | undefined,
): Promise<number> {
  let seeded = 0;
  for (const [key, serviceId] of keys ?? []) {
    const hash = routingKeyHash(key);
    if (await models.RoutingKeys.findById(hash).lean()) continue;
    const services = serviceStore(models);
    try {
      await services.create(models, serviceId, { name: serviceId }, SEED_ACTOR);
    } catch (err) {
      if (!(err instanceof Error && 'kind' in err && err.kind === 'exists')) throw err;
    }
    const id = integrationIdFrom(Buffer.from(hash, 'hex'));
    try {
      await models.ServiceIntegrations.create({
        _id: id,
        serviceId,
        type: 'pagerduty',
        secretHint: key.slice(-4),
        routingKeyHash: hash,
        origin: 'FIRELINE_ROUTING_KEYS',
        createdBy: SEED_ACTOR,
        createdAt: new Date().toISOString(),
      });
      await models.RoutingKeys.create({ _id: hash, serviceId, integrationId: id });
      seeded += 1;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
  return seeded;
}

/**
 * Which service a PagerDuty routing key feeds: a key of FIRELINE_ROUTING_KEYS
 * at once; any other by one lookup of its hash, remembered for a while, and
 * while MongoDB does not answer, the last answer (LastGoodCache).
 */
export class RoutingKeyResolver {
  private readonly cache: LastGoodCache<string>;

  constructor(
    private readonly models: Pick<Models, 'RoutingKeys'>,
    private readonly seed: Map<string, string> | undefined,
    options: { cacheMs?: number; outageGraceMs?: number; lookupTimeoutMs?: number } = {},
  ) {
    this.cache = new LastGoodCache<string>('routing key lookup', {
      freshMs: options.cacheMs ?? 30_000,
      graceMs: options.outageGraceMs ?? 15 * 60_000,
      lookupTimeoutMs: options.lookupTimeoutMs ?? DEFAULT_MONGO_LOOKUP_TIMEOUT_MS,
    });
  }

  /** The key's service; undefined for an unknown key. Throws MongoUnavailableError when it cannot tell. */
  async serviceOf(key: string): Promise<string | undefined> {
    // A key of the variable routes while it is there, without a lookup.
    const seeded = this.seed?.get(key);
    if (seeded) return seeded;
    // Not a key Fireline or PagerDuty makes: no lookup.
    if (key.length < 32 || key.length > 64) return undefined;
    const hash = routingKeyHash(key);
    return this.cache.get(hash, async () => {
      const doc = await this.models.RoutingKeys.findById(hash).lean();
      return doc ? { value: doc.serviceId } : undefined;
    });
  }
}
