import type { EscalationPolicySnapshot, EscalationState, TargetRef } from '../../domain/incident';

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
