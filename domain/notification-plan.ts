// Who a set of escalation targets reaches at an instant, and through which channels.
import type { PlannedDelivery, TargetRef, UnreachableTarget } from './incident';
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
