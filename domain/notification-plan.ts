// Who a set of escalation targets reaches at an instant, and through which channels.
import type { NotificationContext, PlannedDelivery, TargetRef, UnreachableTarget } from './incident';
import { type OnCallCatalog, teamById } from './oncall';
import { whoIsOnCall } from './oncall-schedule';
import { scheduleLabel } from './runtime-schedules';

/** The person ids a set of targets reaches at an instant (people, and whoever schedules have on call); channels reach nobody in particular. */
export function peopleReached(catalog: OnCallCatalog, targets: TargetRef[], at: Date): string[] {
  const ids = new Set<string>();
  for (const target of targets) {
    if (target.type === 'person') ids.add(target.id);
    if (target.type === 'schedule') {
      const schedule = catalog.schedules.find((s) => s.id === target.id);
      const personId = schedule ? whoIsOnCall(schedule, at) : undefined;
      if (personId) ids.add(personId);
    }
    if (target.type === 'team')
      for (const member of teamById(catalog, target.id)?.members ?? []) ids.add(member.personId);
  }
  return [...ids];
}

/** The deliveries for a set of targets at an instant. */
export function planDeliveries(
  catalog: OnCallCatalog,
  targets: TargetRef[],
  at: Date,
  key: string,
  /** People are also paged on their own contact methods: having no email and no channels does not make them unreachable. */
  options: { contactMethods?: boolean } = {},
): { deliveries: PlannedDelivery[]; unreachable: UnreachableTarget[] } {
  const deliveries = new Map<string, PlannedDelivery>();
  const unreachable: UnreachableTarget[] = [];
  const add = (delivery: Omit<PlannedDelivery, 'deliveryId'>) => {
    const deliveryId = `${key}:${delivery.channelType}:${delivery.destination}`;
    // The same person reached through two targets gets one message.
    if (!deliveries.has(deliveryId)) deliveries.set(deliveryId, { ...delivery, deliveryId });
  };
  const addChannel = (channelId: string, via: string, target: TargetRef, personId?: string) => {
    const channel = catalog.channels.find((c) => c.id === channelId);
    if (!channel) unreachable.push({ target, reason: `channel ${channelId} is not in the catalog` });
    else
      add({
        channelType: channel.type,
        destination: channel.id,
        label: `${via}${channel.id} (${channel.type})`,
        ...(personId ? { personId } : {}),
      });
  };
  const addPerson = (personId: string, via: string, target: TargetRef) => {
    const person = catalog.people.find((p) => p.id === personId);
    if (!person) {
      unreachable.push({ target, reason: `person ${personId} is not in the catalog` });
      return;
    }
    if (!person.email && !person.channels?.length) {
      if (options.contactMethods) return;
      unreachable.push({ target, reason: `${person.name} has no email and no channels` });
      return;
    }
    if (person.email)
      add({
        channelType: 'email',
        destination: `person:${person.id}`,
        label: `${via}${person.id} (email)`,
        personId: person.id,
      });
    for (const channelId of person.channels ?? [])
      addChannel(channelId, `${via}${person.id} via `, target, person.id);
  };

  for (const target of targets) {
    switch (target.type) {
      case 'channel':
        addChannel(target.id, '', target);
        break;
      case 'person':
        addPerson(target.id, '', target);
        break;
      case 'team': {
        const team = teamById(catalog, target.id);
        if (!team) unreachable.push({ target, reason: `team ${target.id} is not in the catalog` });
        else if (team.members.length === 0)
          unreachable.push({ target, reason: `team ${team.name} has no members` });
        else for (const member of team.members) addPerson(member.personId, `team ${team.id} → `, target);
        break;
      }
      case 'schedule': {
        const schedule = catalog.schedules.find((s) => s.id === target.id);
        if (!schedule) {
          unreachable.push({ target, reason: `schedule ${target.id} is not in the catalog` });
          break;
        }
        const personId = whoIsOnCall(schedule, at);
        if (!personId) unreachable.push({ target, reason: `nobody is on call for ${schedule.name}` });
        else addPerson(personId, `schedule ${scheduleLabel(schedule)} → `, target);
        break;
      }
    }
  }
  return { deliveries: [...deliveries.values()], unreachable };
}

/** What one escalation step pages: its targets, and whether it takes one person in turn. */
export interface StepTargets {
  targets: TargetRef[];
  roundRobin: boolean;
  /** The level's index in the policy, for a level step (its round-robin counter is the level's). */
  level?: number;
}

/**
 * What an escalation step (`r<round>-l<level>`, or `fallback`) pages as its
 * policy says now, so a change to a policy reaches incidents already open at
 * their next step; the incident's own copy when the policy or the level is
 * gone. The delays stay those the incident was triaged with: they are its timers.
 */
export function stepTargetsNow(
  catalog: Pick<OnCallCatalog, 'policies'>,
  policyId: string | undefined,
  key: string,
  snapshot: TargetRef[],
): StepTargets {
  const policy = policyId === undefined ? undefined : catalog.policies.find((p) => p.id === policyId);
  const asSnapshot = { targets: snapshot, roundRobin: false };
  if (!policy) return asSnapshot;
  if (key === 'fallback') return { targets: policy.fallback ?? [], roundRobin: false };
  const match = /^r\d+-l(\d+)$/.exec(key);
  if (!match) return asSnapshot;
  const index = Number(match[1]);
  const level = policy.levels[index];
  if (!level) return asSnapshot;
  return { targets: level.targets, roundRobin: level.roundRobin === true, level: index };
}

/**
 * A round-robin step's targets: its channels, and the one person whose turn
 * it is among those the people targets reach (`turn` counts the level's incidents).
 */
export function roundRobinTargets(
  catalog: OnCallCatalog,
  targets: TargetRef[],
  at: Date,
  turn: number,
): TargetRef[] {
  const people = peopleReached(catalog, targets, at);
  const channels = targets.filter((t) => t.type === 'channel');
  if (people.length === 0) return targets;
  return [...channels, { type: 'person', id: people[turn % people.length]! }];
}

/** The people a step pages, each once: those its deliveries reach, then those paged on their contact methods. */
export function pagedBy(deliveries: PlannedDelivery[], pagers: string[]): string[] {
  return [...new Set([...deliveries.flatMap((d) => (d.personId ? [d.personId] : [])), ...pagers])];
}

/** The page's context once the plan is known: whom it pages, who now responds to a major incident. */
export function contextWithPaged(context: NotificationContext, paged: string[]): NotificationContext {
  if (paged.length === 0) return context;
  const response = context.response && {
    ...context.response,
    responders: [...new Set([...context.response.responders, ...paged.map((id) => `user:${id}`)])],
  };
  return { ...context, paged, ...(response ? { response } : {}) };
}
