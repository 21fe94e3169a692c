// Services made at run time, and the integrations that feed them.
import type { Service } from '../../domain/oncall';
import type { ScheduleManager, ServiceDefinition } from '../../domain/runtime-schedules';
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
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { onCallState } from './service';
import {
  answeringRefusals,
  type ManagedFields,
  managedFields,
  type MaybeStored,
  refuseManaged,
} from './stored-objects';

type Deps = Pick<ApiDeps, 'onCall' | 'models' | 'triageRules' | 'config'>;

export type ServiceView = Service & ManagedFields & { integrations: ServiceIntegration[] };

function view(service: Service & MaybeStored, integrations: ServiceIntegration[]): ServiceView {
  const { id, name, description, team, escalationPolicy } = service;
  return {
    id,
    name,
    ...(description ? { description } : {}),
    ...(team ? { team } : {}),
    ...(escalationPolicy ? { escalationPolicy } : {}),
    ...managedFields(service),
    integrations: integrations.filter((i) => i.serviceId === id),
  };
}

const title = (id: string) => `Service ${id}`;
const inFile = (deps: Deps, id: string) => (deps.onCall.file.services ?? []).some((s) => s.id === id);

function refuseProblems(problems: { field: string; message: string }[]): void {
  if (problems.length > 0) throw new ValidationError(problems);
}

export async function listServices(deps: Deps): Promise<ServiceView[]> {
  const [{ catalog }, integrations] = await Promise.all([onCallState(deps), listIntegrations(deps.models)]);
  return (catalog.services ?? []).map((s) => view(s, integrations));
}

async function requireService(deps: Deps, id: string) {
  const { catalog } = await onCallState(deps);
  const service = catalog.services?.find((s) => s.id === id);
  if (!service) throw new NotFoundError(`No service ${id}`);
  return { catalog, service };
}

export async function getService(deps: Deps, id: string): Promise<ServiceView> {
  const { service } = await requireService(deps, id);
  return view(service, await listIntegrations(deps.models, id));
}

export async function createService(
  deps: Deps,
  input: ServiceDefinition & { id: string },
  actor: string,
): Promise<ServiceView> {
  const { id, ...definition } = input;
  refuseManaged(title(id), inFile(deps, id), undefined, definition.managedBy);
  refuseProblems(serviceProblems(definition, (await onCallState(deps)).catalog));
  const made = await answeringRefusals(() =>
    serviceStore(deps.models).create(deps.models, id, definition, actor),
  );
  await deps.onCall.refresh();
  return view(made, []);
}

export async function replaceService(
  deps: Deps,
  id: string,
  input: ServiceDefinition & { revision: number },
  actor: string,
): Promise<ServiceView> {
  const { revision, ...definition } = input;
  const { catalog } = await onCallState(deps);
  refuseManaged(
    title(id),
    inFile(deps, id),
    catalog.services?.find((s) => s.id === id),
    definition.managedBy,
  );
  refuseProblems(serviceProblems(definition, catalog));
  const changed = await answeringRefusals(() =>
    serviceStore(deps.models).replace(deps.models, id, revision, definition, actor),
  );
  await deps.onCall.refresh();
  return view(changed, await listIntegrations(deps.models, id));
}

/** Deletes a stored service and its integrations; refused while a triage rule names it. */
export async function deleteService(
  deps: Deps,
  id: string,
  revision: number,
  actor: string,
  by?: ScheduleManager,
): Promise<void> {
  const { catalog } = await onCallState(deps);
  refuseManaged(
    title(id),
    inFile(deps, id),
    catalog.services?.find((s) => s.id === id),
    by,
  );
  const references = serviceReferences(deps.triageRules, id);
  if (references.length > 0)
    throw new ConflictError(`${title(id)} is named by ${references.join(', ')}: change those first`, {
      referencedBy: references,
    });
  await answeringRefusals(() => deleteRuntimeService(deps.models, id, revision, actor));
  await deps.onCall.refresh();
}

export async function serviceHistory(deps: Deps, id: string) {
  const changes = await serviceStore(deps.models).changes(deps.models, id);
  if (changes.length === 0 && !inFile(deps, id)) throw new NotFoundError(`No service ${id}`);
  return changes.map((c) => ({ ...c, at: c.at.toISOString() }));
}

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
  input: { type: IntegrationType; name?: string },
  actor: string,
) {
  await requireService(deps, serviceId);
  const { integration, secret } = await addIntegration(deps.models, serviceId, input.type, actor, {
    ...(input.name ? { name: input.name } : {}),
  });
  return { integration, secret, send: howToSend(deps, input.type, secret) };
}

export async function deleteIntegration(deps: Deps, serviceId: string, integrationId: string): Promise<void> {
  if (!(await removeIntegration(deps.models, serviceId, integrationId)))
    throw new NotFoundError(`Service ${serviceId} has no integration ${integrationId}`);
}
