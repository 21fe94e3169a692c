import type { EscalationPolicy } from '../../domain/oncall';
import { type PolicyDefinition, policyProblems } from '../../domain/runtime-schedules';
import { servicesNaming } from '../../domain/runtime-services';
import {
  createRuntimePolicy,
  deleteRuntimePolicy,
  policyChanges,
  replaceRuntimePolicy,
} from '../../infra/runtime-policies';
import { storedKindService } from './stored-kind';
import { type ManagedFields, managedFields } from './stored-objects';

/** An escalation policy as the API shows it: `managedBy` as for schedules, stored ones with their revision. */
export type PolicyView = EscalationPolicy & ManagedFields;

/**
 * Escalation policies made at run time. A target must name a person,
 * schedule, team or channel (those made at run time count); one a triage rule
 * or a service names is not deleted.
 */
export const policies = storedKindService<EscalationPolicy, PolicyDefinition, PolicyView>({
  noun: 'escalation policy',
  objects: (catalog) => catalog.policies,
  view: (_deps, policy) => {
    const { id, name, levels, repeat, fallback } = policy;
    return { id, name, levels, repeat: repeat ?? 0, fallback: fallback ?? [], ...managedFields(policy) };
  },
  problems: policyProblems,
  references: ({ catalog }, deps, id) => [
    ...[...(deps.triageRules?.rules ?? []), ...(deps.triageRules ? [deps.triageRules.defaultRule] : [])]
      .filter((r) => r.escalationPolicy === id)
      .map((r) => `rule ${r.id}`),
    ...servicesNaming(catalog, 'escalationPolicy', id),
  ],
  create: createRuntimePolicy,
  replace: replaceRuntimePolicy,
  remove: deleteRuntimePolicy,
  changes: policyChanges,
});
