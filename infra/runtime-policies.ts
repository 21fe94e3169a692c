import type { PolicyDefinition, RevisionStamp, RuntimePolicy } from '../domain/runtime-schedules';
import type { Models } from './models';
import { revisionedStore } from './runtime-model';

type PolicyModels = Pick<Models, 'OnCallPolicies'>;
type PolicyWriteModels = Pick<Models, 'OnCallPolicies' | 'OnCallChanges' | 'RevisionClaims'>;

const store = (models: PolicyModels) =>
  revisionedStore<Omit<RuntimePolicy, 'id' | keyof RevisionStamp>>(
    models.OnCallPolicies,
    'policy',
    'escalation policy',
  );

export const listRuntimePolicies = (models: PolicyModels): Promise<RuntimePolicy[]> => store(models).list();

export const createRuntimePolicy = (
  models: PolicyWriteModels,
  id: string,
  definition: PolicyDefinition,
  actor: string,
) => store(models).create(models, id, definition, actor);

export const replaceRuntimePolicy = (
  models: PolicyWriteModels,
  id: string,
  revision: number,
  definition: PolicyDefinition,
  actor: string,
) => store(models).replace(models, id, revision, definition, actor);

export const deleteRuntimePolicy = (models: PolicyWriteModels, id: string, revision: number, actor: string) =>
  store(models).remove(models, id, revision, actor);

export const policyChanges = (models: Pick<Models, 'OnCallPolicies' | 'OnCallChanges'>, id: string) =>
  store(models).changes(models, id);
