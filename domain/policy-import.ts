// The escalation policies of the tools teams move from, as their REST APIs
// return them, turned into Fireline policies: levels with their waits, targets
// mapped to the schedules already imported and to people by email, and what
// cannot be carried over named.
import type { TargetRef } from './incident';
import type { Person } from './oncall';
import type { PolicyDefinition } from './runtime-schedules';
import { opsgenieRecipients, type OpsgenieUser } from './opsgenie-import';
import { usersByEmail } from './schedule-import';

/** A vendor policy made ready to import: the definition (when any level could be carried over) and every problem. */
export interface PolicyImport {
  sourceId: string;
  name: string;
  definition?: PolicyDefinition;
  problems: string[];
}

/** The Fireline id of a schedule imported from the vendor's schedule id, if it was. */
export type ImportedScheduleId = (vendorScheduleId: string) => string | undefined;

/** Fireline's limit on how many more times a policy runs. */
const MAX_REPEAT = 10;

/** A level with no target left is dropped; its wait goes to the level before it, so later levels keep their times. */
function levelsWithTargets(levels: Array<{ delaySeconds: number; targets: TargetRef[] }>) {
  const kept: typeof levels = [];
  for (const level of levels) {
    if (level.targets.length > 0) kept.push(level);
    else if (kept.length > 0) kept[kept.length - 1]!.delaySeconds += level.delaySeconds;
  }
  return kept;
}

function policyOf(
  system: 'pagerduty' | 'opsgenie' | 'grafana-oncall',
  sourceId: string,
  name: string,
  levels: Array<{ delaySeconds: number; targets: TargetRef[] }>,
  repeat: number,
  problems: string[],
): PolicyImport {
  const kept = levelsWithTargets(levels);
  if (repeat > MAX_REPEAT) problems.push(`repeats ${repeat} times: imported repeating ${MAX_REPEAT} times`);
  if (kept.length === 0)
    return {
      sourceId,
      name,
      problems: [...problems, 'no level has a target Fireline knows: policy skipped'],
    };
  return {
    sourceId,
    name,
    problems,
    definition: {
      name,
      levels: kept,
      repeat: Math.min(repeat, MAX_REPEAT),
      source: { system, id: sourceId },
    },
  };
}

/** A vendor user as a level's person target, matched by email; one who is no person is named and left out. */
function personTarget(
  matched: ReturnType<typeof usersByEmail>,
  userId: string,
  where: string,
  problems: string[],
): TargetRef[] {
  const person = matched.personOf(userId);
  if (person) return [{ type: 'person', id: person.id }];
  problems.push(
    `${where}: user ${matched.emailOf(userId) ?? userId} is no Fireline person (matched by email): left out`,
  );
  return [];
}

/** `GET /escalation_policies` of PagerDuty (v2): one of its `escalation_policies`. */
export interface PagerDutyEscalationPolicy {
  id: string;
  name: string;
  num_loops?: number;
  escalation_rules: Array<{
    escalation_delay_in_minutes: number;
    targets: Array<{ id: string; type: string; summary?: string }>;
  }>;
}

export function fromPagerDutyPolicy(
  policy: PagerDutyEscalationPolicy,
  users: Array<{ id: string; email: string }>,
  people: Person[],
  scheduleIdOf: ImportedScheduleId,
): PolicyImport {
  const problems: string[] = [];
  const matched = usersByEmail(people, users);
  const levels = policy.escalation_rules.map((rule, i) => ({
    delaySeconds: rule.escalation_delay_in_minutes * 60,
    targets: rule.targets.flatMap((t): TargetRef[] => {
      const where = `level ${i + 1}`;
      if (t.type === 'schedule_reference') {
        const id = scheduleIdOf(t.id);
        if (id) return [{ type: 'schedule', id }];
        problems.push(`${where}: schedule ${t.summary ?? t.id} (${t.id}) was not imported: left out`);
        return [];
      }
      if (t.type === 'user_reference') return personTarget(matched, t.id, where, problems);
      problems.push(`${where}: a ${t.type} target has no Fireline equivalent: left out`);
      return [];
    }),
  }));
  return policyOf('pagerduty', policy.id, policy.name, levels, policy.num_loops ?? 0, problems);
}

/** `GET /v2/escalations` of Opsgenie: one of its `data`. */
export interface OpsgenieEscalation {
  id: string;
  name: string;
  ownerTeam?: { id: string; name?: string };
  rules: Array<{
    condition?: string;
    notifyType?: string;
    delay: { timeAmount: number; timeUnit?: string };
    recipient: { type: string; id?: string; name?: string; username?: string };
  }>;
  repeat?: { waitInterval?: number; count?: number };
}

const UNIT_MINUTES: Record<string, number> = { minutes: 1, hours: 60, days: 1440 };

/**
 * Opsgenie's rules each wait from the alert's creation; Fireline's levels each
 * wait for the next. Rules with the same delay make one level; each level waits
 * until the next one's delay, the last until the repeat's wait.
 */
export function fromOpsgenieEscalation(
  escalation: OpsgenieEscalation,
  users: OpsgenieUser[],
  people: Person[],
  scheduleIdOf: ImportedScheduleId,
  teamIdOf: ImportedScheduleId = () => undefined,
): PolicyImport {
  const problems: string[] = [];
  const recipients = opsgenieRecipients(users, people);
  const byDelay = new Map<number, TargetRef[]>();
  for (const rule of escalation.rules) {
    const minutes = rule.delay.timeAmount * (UNIT_MINUTES[rule.delay.timeUnit ?? 'minutes'] ?? 1);
    const where = `the rule after ${minutes} min`;
    if (rule.condition && rule.condition !== 'if-not-acked')
      problems.push(`${where}: its condition ${rule.condition} is imported as "until acknowledged"`);
    if (rule.notifyType && rule.notifyType !== 'default')
      problems.push(`${where}: notify type ${rule.notifyType} is imported as the one on call now`);
    const targets = byDelay.get(minutes) ?? [];
    byDelay.set(minutes, targets);
    const { recipient } = rule;
    if (recipient.type === 'schedule') {
      const id = recipient.id ? scheduleIdOf(recipient.id) : undefined;
      if (id) targets.push({ type: 'schedule', id });
      else problems.push(`${where}: schedule ${recipient.name ?? recipient.id} was not imported: left out`);
    } else if (recipient.type === 'user') {
      const email = recipients.emailOf(recipient);
      const person = recipients.personWithEmail(email);
      if (person) targets.push({ type: 'person', id: person.id });
      else
        problems.push(
          `${where}: user ${email ?? recipient.id} is no Fireline person (matched by email): left out`,
        );
    } else if (recipient.type === 'team' && recipient.id && teamIdOf(recipient.id)) {
      // Opsgenie routes a team's alerts by the team's own rules; Fireline pages its members.
      targets.push({ type: 'team', id: teamIdOf(recipient.id)! });
      problems.push(`${where}: team ${recipient.name ?? recipient.id} is imported as every member of it`);
    } else
      problems.push(
        `${where}: a ${recipient.type} recipient (${recipient.name ?? recipient.id}) has no Fireline equivalent: left out`,
      );
  }
  const delays = [...byDelay.keys()].sort((a, b) => a - b);
  if (delays[0]! > 0)
    problems.push(`its first rule waits ${delays[0]} min: Fireline's first level pages at once`);
  const repeat = escalation.repeat?.count ?? 0;
  const levels = delays.map((minutes, i) => ({
    delaySeconds:
      ((delays[i + 1] ?? minutes + (repeat > 0 ? (escalation.repeat?.waitInterval ?? 0) : 0)) - minutes) * 60,
    targets: byDelay.get(minutes)!,
  }));
  return policyOf('opsgenie', escalation.id, escalation.name, levels, repeat, problems);
}

/** `GET /api/v1/escalation_chains/` of Grafana OnCall: one of its `results`. */
export interface GrafanaOnCallChain {
  id: string;
  name: string;
  team_id?: string | null;
}

/** `GET /api/v1/escalation_policies/` of Grafana OnCall: one step of a chain. */
export interface GrafanaOnCallStep {
  id: string;
  escalation_chain_id: string;
  position: number;
  type: string;
  /** Seconds, for a `wait`. */
  duration?: number | null;
  persons_to_notify?: string[] | null;
  persons_to_notify_next_each_time?: string[] | null;
  notify_on_call_from_schedule?: string | null;
}

/** How many times Grafana OnCall runs a chain again at most, for a `repeat_escalation` step. */
const GRAFANA_REPEATS = 5;
/** The wait of a last level no `wait` step follows, so that a repeat does not page in a tight loop. */
const TRAILING_WAIT_SECONDS = 300;

/**
 * A Grafana OnCall escalation chain: its steps in order, each `wait` ending a
 * level, notify steps adding its targets (people, the person on call in a
 * schedule imported with it, and people one at a time as a round-robin
 * level); a `repeat_escalation` runs it again, and the other steps are named.
 */
export function fromGrafanaOnCallChain(
  chain: GrafanaOnCallChain,
  steps: GrafanaOnCallStep[],
  users: Array<{ id: string; email: string }>,
  people: Person[],
  scheduleIdOf: ImportedScheduleId,
): PolicyImport {
  const problems: string[] = [];
  const matched = usersByEmail(people, users);
  type Level = { delaySeconds: number; targets: TargetRef[]; roundRobin?: boolean };
  const levels: Level[] = [];
  let current: Level = { delaySeconds: 0, targets: [] };
  let leadingWait = 0;
  let repeat = 0;
  const personTargets = (ids: string[] | null | undefined, where: string) =>
    (ids ?? []).flatMap((id) => personTarget(matched, id, where, problems));
  const close = (delaySeconds: number) => {
    if (current.targets.length === 0) {
      if (levels.length > 0) levels[levels.length - 1]!.delaySeconds += delaySeconds;
      else leadingWait += delaySeconds;
    } else levels.push({ ...current, delaySeconds });
    current = { delaySeconds: 0, targets: [] };
  };
  for (const step of [...steps].sort((a, b) => a.position - b.position)) {
    const where = `step ${step.position + 1} (${step.type})`;
    switch (step.type) {
      case 'wait':
        close(step.duration ?? 0);
        break;
      case 'notify_persons':
        if (current.roundRobin) close(0);
        current.targets.push(...personTargets(step.persons_to_notify, where));
        break;
      case 'notify_person_next_each_time':
        // One person per incident, in turn: a round-robin level of its own.
        if (current.targets.length > 0) close(0);
        current.roundRobin = true;
        current.targets.push(...personTargets(step.persons_to_notify_next_each_time, where));
        break;
      case 'notify_on_call_from_schedule': {
        const id = step.notify_on_call_from_schedule
          ? scheduleIdOf(step.notify_on_call_from_schedule)
          : undefined;
        if (current.roundRobin) close(0);
        if (id) current.targets.push({ type: 'schedule', id });
        else
          problems.push(
            `${where}: schedule ${step.notify_on_call_from_schedule ?? '?'} was not imported: left out`,
          );
        break;
      }
      case 'repeat_escalation':
        repeat = GRAFANA_REPEATS;
        problems.push(`${where}: the chain runs again up to ${GRAFANA_REPEATS} times, as in Grafana OnCall`);
        break;
      default:
        problems.push(`${where}: has no Fireline equivalent: left out`);
    }
  }
  if (current.targets.length > 0) {
    problems.push(`the chain ends without a wait: its last level waits ${TRAILING_WAIT_SECONDS / 60} min`);
    close(TRAILING_WAIT_SECONDS);
  }
  if (leadingWait > 0)
    problems.push(
      `it waits ${leadingWait / 60} min before its first step: Fireline's first level pages at once`,
    );
  return policyOf('grafana-oncall', chain.id, chain.name, levels, repeat, problems);
}
