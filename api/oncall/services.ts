// Services made at run time, and the integrations that feed them.
import type { Service } from '../../domain/oncall';
import type { ServiceDefinition } from '../../domain/runtime-schedules';
import {
  type IntegrationType,
  type ServiceIntegration,
  serviceProblems,
  serviceReferences,
} from '../../domain/runtime-services';
import {
  addIntegration,
  deleteRuntimeService,
  listIntegrations,
  removeIntegration,
  serviceStore,
} from '../../infra/runtime-services';
import type { ApiDeps } from '../deps';
import { NotFoundError } from '../errors';
import { storedKindService } from './stored-kind';
import { type ManagedFields, managedFields } from './stored-objects';

type Deps = Pick<ApiDeps, 'onCall' | 'models' | 'triageRules' | 'config'>;

export type ServiceView = Service & ManagedFields & { integrations: ServiceIntegration[] };

export const services = storedKindService<Service, ServiceDefinition, ServiceView>({
  noun: 'service',
  objects: (catalog) => catalog.services ?? [],
  view: async (deps, service) => {
    const { id, name, description, team, escalationPolicy } = service;
    return {
      id,
      name,
      ...(description ? { description } : {}),
      ...(team ? { team } : {}),
      ...(escalationPolicy ? { escalationPolicy } : {}),
      ...managedFields(service),
      integrations: await listIntegrations(deps.models, id),
    };
  },
  problems: serviceProblems,
  references: (_state, deps, id) => serviceReferences(deps.triageRules, id),
  create: (models, id, definition, actor) => serviceStore(models).create(models, id, definition, actor),
  replace: (models, id, revision, definition, actor) =>
    serviceStore(models).replace(models, id, revision, definition, actor),
  // Its routing keys stop routing and its tokens are revoked with it.
  remove: deleteRuntimeService,
  changes: (models, id) => serviceStore(models).changes(models, id),
});

/** How a sender uses an integration's secret, as the answer that shows it once says. */
function howToSend(deps: Deps, type: IntegrationType, secret: string) {
  const base = deps.config.PUBLIC_URL ?? '';
  if (type === 'pagerduty')
    return {
      url: `${base}/v2/enqueue`,
      body: { routing_key: secret },
      note: 'PagerDuty Events API v2: change the URL only',
    };
  return {
    url: `${base}/v1/integrations/${type}`,
    header: `Authorization: Bearer ${secret}`,
    note: 'or append ?token=… to the URL where the sender cannot set a header',
  };
}

/** Adds an integration to a service; its secret is in this answer only. */
export async function createIntegration(
  deps: Deps,
  serviceId: string,
  input: { type: IntegrationType; name?: string; origin?: string },
  actor: string,
) {
  await services.get(deps, serviceId);
  const { integration, secret } = await addIntegration(deps.models, serviceId, input.type, actor, {
    ...(input.name ? { name: input.name } : {}),
    ...(input.origin ? { origin: input.origin } : {}),
  });
  return { integration, secret, send: howToSend(deps, input.type, secret) };
}

export async function deleteIntegration(deps: Deps, serviceId: string, integrationId: string): Promise<void> {
  if (!(await removeIntegration(deps.models, serviceId, integrationId)))
    throw new NotFoundError(`Service ${serviceId} has no integration ${integrationId}`);
}
