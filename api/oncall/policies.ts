import type { EscalationPolicy, OnCallCatalog } from '../../domain/oncall';
import { type PolicyDefinition, policyProblems, type ScheduleManager } from '../../domain/runtime-schedules';
import {
  createRuntimePolicy,
  deleteRuntimePolicy,
  policyChanges,
  replaceRuntimePolicy,
} from '../../infra/runtime-policies';
import type { ApiDeps } from '../deps';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import {
  answeringRefusals,
  type ManagedFields,
  managedFields,
  type MaybeStored,
  refuseManaged,
} from './stored-objects';
import { onCallState } from './service';
import { servicesNaming } from '../../domain/runtime-services';

type Deps = Pick<ApiDeps, 'onCall' | 'models' | 'triageRules'>;

/** An escalation policy as the API shows it: `managedBy` as for schedules, stored ones with their revision. */
export type PolicyView = EscalationPolicy & ManagedFields;

function view(policy: EscalationPolicy & MaybeStored): PolicyView {
  const { id, name, levels, repeat, fallback } = policy;
  return { id, name, levels, repeat: repeat ?? 0, fallback: fallback ?? [], ...managedFields(policy) };
}

export async function listPolicies(deps: Deps): Promise<PolicyView[]> {
  return (await onCallState(deps)).catalog.policies.map(view);
}

export async function getPolicy(deps: Deps, id: string): Promise<PolicyView> {
  const policy = (await onCallState(deps)).catalog.policies.find((p) => p.id === id);
  if (!policy) throw new NotFoundError(`No escalation policy ${id}`);
  return view(policy);
}

const title = (id: string) => `Escalation policy ${id}`;
const inFile = (deps: Deps, id: string) => deps.onCall.file.policies.some((p) => p.id === id);

/** A target naming nothing is a 400 naming its field (schedules made at run time count). */
function refuseProblems(catalog: OnCallCatalog, definition: PolicyDefinition): void {
  const problems = policyProblems(definition, catalog);
  if (problems.length > 0) throw new ValidationError(problems);
}

export async function createPolicy(
  deps: Deps,
  input: PolicyDefinition & { id: string },
  actor: string,
): Promise<PolicyView> {
  const { id, ...definition } = input;
  // One of that id stored already is refused by the store.
  refuseManaged(title(id), inFile(deps, id), undefined, definition.managedBy);
  refuseProblems((await onCallState(deps)).catalog, definition);
  return view(await answeringRefusals(() => createRuntimePolicy(deps.models, id, definition, actor)));
}

export async function replacePolicy(
  deps: Deps,
  id: string,
  input: PolicyDefinition & { revision: number },
  actor: string,
): Promise<PolicyView> {
  const { revision, ...definition } = input;
  const { catalog } = await onCallState(deps);
  refuseManaged(
    title(id),
    inFile(deps, id),
    catalog.policies.find((p) => p.id === id),
    definition.managedBy,
  );
  refuseProblems(catalog, definition);
  return view(
    await answeringRefusals(() => replaceRuntimePolicy(deps.models, id, revision, definition, actor)),
  );
}

/** Deletes a stored policy; refused while a triage rule or a service names it, naming each. */
export async function deletePolicy(
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
    catalog.policies.find((p) => p.id === id),
    by,
  );
  const rules = [
    ...[...(deps.triageRules?.rules ?? []), ...(deps.triageRules ? [deps.triageRules.defaultRule] : [])]
      .filter((r) => r.escalationPolicy === id)
      .map((r) => `rule ${r.id}`),
    ...servicesNaming(catalog, 'escalationPolicy', id),
  ];
  if (rules.length > 0)
    throw new ConflictError(`Escalation policy ${id} is named by ${rules.join(', ')}: change those first`, {
      referencedBy: rules,
    });
  await answeringRefusals(() => deleteRuntimePolicy(deps.models, id, revision, actor));
}

export async function policyHistory(deps: Deps, id: string) {
  const changes = await policyChanges(deps.models, id);
  if (changes.length === 0 && !inFile(deps, id)) throw new NotFoundError(`No escalation policy ${id}`);
  return changes.map((c) => ({ ...c, at: c.at.toISOString() }));
}
