import type { EscalationPolicy } from '../../domain/oncall';
import {
  type ImportSource,
  type PolicyDefinition,
  policyProblems,
  type RevisionStamp,
  type ScheduleManager,
} from '../../domain/runtime-schedules';
import {
  createRuntimePolicy,
  deleteRuntimePolicy,
  policyChanges,
  replaceRuntimePolicy,
} from '../../infra/runtime-policies';
import type { ApiDeps } from '../deps';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { answeringRefusals } from './model-refusal';
import { onCallState } from './service';

type Deps = Pick<ApiDeps, 'catalog' | 'models' | 'triageRules'>;

/** An escalation policy as the API shows it: `managedBy` as for schedules, stored ones with their revision. */
export type PolicyView = EscalationPolicy &
  ({ managedBy: 'file' } | ({ managedBy: ScheduleManager; source?: ImportSource } & RevisionStamp));

function view(
  policy: EscalationPolicy & Partial<RevisionStamp> & { managedBy?: ScheduleManager; source?: ImportSource },
): PolicyView {
  const { id, name, levels, repeat, fallback } = policy;
  const base = { id, name, levels, repeat: repeat ?? 0, fallback: fallback ?? [] };
  if (policy.revision === undefined) return { ...base, managedBy: 'file' };
  const { revision, createdBy, createdAt, updatedBy, updatedAt } = policy as RevisionStamp;
  return {
    ...base,
    managedBy: policy.managedBy ?? 'api',
    revision,
    createdBy,
    createdAt,
    updatedBy,
    updatedAt,
    ...(policy.source ? { source: policy.source } : {}),
  };
}

export async function listPolicies(deps: Deps): Promise<PolicyView[]> {
  return (await onCallState(deps)).catalog.policies.map(view);
}

async function findPolicy(deps: Deps, id: string) {
  const policy = (await onCallState(deps)).catalog.policies.find((p) => p.id === id);
  if (!policy) throw new NotFoundError(`No escalation policy ${id}`);
  return policy as EscalationPolicy & { managedBy?: ScheduleManager };
}

export async function getPolicy(deps: Deps, id: string): Promise<PolicyView> {
  return view(await findPolicy(deps, id));
}

/** Refuses a change to the catalog file's policy, or to one a configuration file manages that does not come from it. */
async function refuseManaged(deps: Deps, id: string, by: ScheduleManager | undefined): Promise<void> {
  if (deps.catalog.policies.some((p) => p.id === id))
    throw new ConflictError(
      `Escalation policy ${id} is managed by the catalog file (config/oncall-catalog.ts): change it there`,
      {
        managedBy: 'file',
      },
    );
  const stored = (await onCallState(deps)).catalog.policies.find((p) => p.id === id) as
    { managedBy?: ScheduleManager } | undefined;
  if (stored?.managedBy === 'config' && by !== 'config')
    throw new ConflictError(
      `Escalation policy ${id} is managed by a configuration file (fireline config apply): change it there`,
      {
        managedBy: 'config',
      },
    );
}

/** A target naming nothing is a 400 naming its field (schedules made at run time count). */
async function refuseProblems(deps: Deps, definition: PolicyDefinition): Promise<void> {
  const problems = policyProblems(definition, (await onCallState(deps)).catalog);
  if (problems.length > 0) throw new ValidationError(problems);
}

export async function createPolicy(
  deps: Deps,
  input: PolicyDefinition & { id: string },
  actor: string,
): Promise<PolicyView> {
  const { id, ...definition } = input;
  await refuseManaged(deps, id, definition.managedBy);
  await refuseProblems(deps, definition);
  return view(await answeringRefusals(() => createRuntimePolicy(deps.models, id, definition, actor)));
}

export async function replacePolicy(
  deps: Deps,
  id: string,
  input: PolicyDefinition & { revision: number },
  actor: string,
): Promise<PolicyView> {
  const { revision, ...definition } = input;
  await refuseManaged(deps, id, definition.managedBy);
  await refuseProblems(deps, definition);
  return view(
    await answeringRefusals(() => replaceRuntimePolicy(deps.models, id, revision, definition, actor)),
  );
}

/** Deletes a stored policy; refused while a triage rule names it, naming the rule. */
export async function deletePolicy(
  deps: Deps,
  id: string,
  revision: number,
  actor: string,
  by?: ScheduleManager,
): Promise<void> {
  await refuseManaged(deps, id, by);
  const rules = [
    ...(deps.triageRules?.rules ?? []),
    ...(deps.triageRules ? [deps.triageRules.defaultRule] : []),
  ]
    .filter((r) => r.escalationPolicy === id)
    .map((r) => `rule ${r.id}`);
  if (rules.length > 0)
    throw new ConflictError(`Escalation policy ${id} is named by ${rules.join(', ')}: change those first`, {
      referencedBy: rules,
    });
  await answeringRefusals(() => deleteRuntimePolicy(deps.models, id, revision, actor));
}

export async function policyHistory(deps: Deps, id: string) {
  const changes = await policyChanges(deps.models, id);
  if (changes.length === 0 && !deps.catalog.policies.some((p) => p.id === id))
    throw new NotFoundError(`No escalation policy ${id}`);
  return changes.map((c) => ({ ...c, at: c.at.toISOString() }));
}
