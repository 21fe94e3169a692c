// An incident's escalation: the policy it snapshots at triage and where it is in it.
import type { EscalationPolicySnapshot, EscalationState, TargetRef } from './incident';
import type { OnCallCatalog } from './oncall';

/** The policy as the incident keeps it: a copy, so editing the catalog never changes a running incident. */
export function policySnapshot(
  catalog: OnCallCatalog,
  policyId: string,
): EscalationPolicySnapshot | undefined {
  const policy = catalog.policies.find((p) => p.id === policyId);
  if (!policy) return undefined;
  return {
    id: policy.id,
    name: policy.name,
    levels: policy.levels.map((level) => ({
      delaySeconds: level.delaySeconds,
      targets: [...level.targets],
      ...(level.roundRobin ? { roundRobin: true } : {}),
    })),
    repeat: policy.repeat ?? 0,
    fallback: [...(policy.fallback ?? [])],
  };
}

/** Where an incident's escalation starts: level 1 of the first pass, nobody paged yet. */
export function freshEscalation(policy: EscalationPolicySnapshot): EscalationState {
  return {
    policy,
    round: 0,
    level: 0,
    levelNotified: false,
    exhausted: policy.levels.length === 0,
    fallbackNotified: false,
  };
}

/** On to the next level, or the next pass; past the last pass the policy is exhausted. */
export function advanceEscalation(esc: EscalationState): void {
  esc.level += 1;
  if (esc.level >= esc.policy.levels.length) {
    esc.level = 0;
    esc.round += 1;
  }
  if (esc.round > esc.policy.repeat) esc.exhausted = true;
  esc.levelNotified = false;
  esc.nextEscalationAt = undefined;
}

/** Whoever the escalation reaches now: the current level, or the fallback once exhausted. */
export function currentTargets(esc: EscalationState): TargetRef[] {
  return esc.exhausted ? esc.policy.fallback : (esc.policy.levels[esc.level]?.targets ?? []);
}

/** Everyone the policy names, at any level and in the fallback: who answers for the incident. */
export function policyTargets(policy: EscalationPolicySnapshot): TargetRef[] {
  return [...policy.levels.flatMap((level) => level.targets), ...policy.fallback];
}
