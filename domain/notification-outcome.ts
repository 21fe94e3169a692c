// What an escalation step's plan and first attempts change on the incident. The
// workflow applies it to its incident; the step's activity applies it to a copy
// it saves, so both must come from here to agree.
import type { DeliverResult } from '../activities/notifications';
import { firelineActor } from './actors';
import type { Incident, PlannedDelivery, TimelineEntry, TimelineType, UnreachableTarget } from './incident';
import { addResponder } from './major-response';

/** Who a step notifies: its deliveries, the targets it cannot reach, and the people it reaches. */
export interface Plan {
  deliveries: PlannedDelivery[];
  unreachable: UnreachableTarget[];
  people?: string[];
}

/** One delivery's first attempt: sent, or why not (the workflow then retries it on its own). */
export type FirstAttempt = { deliveryId: string } & ({ sent: DeliverResult } | { failed: string });

/** Escalation steps an incident lists in `pages`, the latest last. */
const maxPages = 20;

export interface EntryRecord {
  type: TimelineType;
  actor: string;
  message: string;
  data?: Record<string, unknown>;
}

/** One change a step makes, in the order the incident takes them. */
export type StepChange =
  | { kind: 'entry'; entry: EntryRecord }
  | { kind: 'pages'; reason: string; targets: string[]; people: string[] }
  | { kind: 'chatChannel'; channelId: string };

/**
 * What a step's plan and the first attempts that were sent change: the
 * targets it could not reach, the page itself, then each delivery sent.
 * A first attempt that failed is left to the workflow's own retries.
 */
export function stepChanges(
  plan: Plan,
  paged: string[],
  pagers: string[],
  attempts: FirstAttempt[],
  reason: string,
): StepChange[] {
  const changes: StepChange[] = plan.unreachable.map(({ target, reason: why }) => ({
    kind: 'entry',
    entry: {
      type: 'notification.failed',
      actor: firelineActor,
      message: `Cannot notify ${target.type} ${target.id}: ${why}`,
    },
  }));
  if (plan.deliveries.length > 0 || pagers.length > 0)
    changes.push({ kind: 'pages', reason, targets: plan.deliveries.map((d) => d.label), people: paged });
  const sent = new Map(attempts.flatMap((a) => ('sent' in a ? [[a.deliveryId, a.sent] as const] : [])));
  for (const delivery of plan.deliveries) {
    const outcome = sent.get(delivery.deliveryId);
    if (outcome) changes.push(...sentChanges(delivery, outcome, reason));
  }
  return changes;
}

/** A delivery that was sent: the chat channel that now holds the incident's message, and the entry. */
export function sentChanges(delivery: PlannedDelivery, outcome: DeliverResult, reason: string): StepChange[] {
  return [
    ...(outcome.chatMessage ? [{ kind: 'chatChannel' as const, channelId: delivery.destination }] : []),
    {
      kind: 'entry',
      entry: {
        type: 'notification.sent',
        actor: firelineActor,
        message: outcome.devInbox
          ? `Development inbox: the page for ${delivery.label} (${reason}) was kept, not sent: ${outcome.detail}`
          : `Notified ${delivery.label} (${reason})`,
        data: {
          channelType: delivery.channelType,
          destination: delivery.destination,
          detail: outcome.detail,
          ...(outcome.devInbox ? { devInbox: true } : {}),
        },
      },
    },
  ];
}

export interface AppliedStep {
  /** The timeline entries added, numbered after the incident's last. */
  entries: TimelineEntry[];
  /** Something the incident's chat message shows changed. */
  chatChanged: boolean;
}

/**
 * Applies a step's changes to the incident at `at`: entries numbered on, the
 * page listed, chat channels and paged responders added, and the version
 * raised once if anything changed.
 */
export function applyStepChanges(incident: Incident, changes: StepChange[], at: string): AppliedStep {
  const entries: TimelineEntry[] = [];
  let chatChanged = false;
  let changed = false;
  for (const change of changes) {
    changed ||= change.kind !== 'chatChannel';
    if (change.kind === 'entry') {
      incident.timelineLength += 1;
      entries.push({ seq: incident.timelineLength, at, ...change.entry });
    } else if (change.kind === 'pages') {
      const pages = (incident.pages ??= []);
      pages.push({ reason: change.reason, at, targets: change.targets, people: change.people });
      if (pages.length > maxPages) pages.splice(0, pages.length - maxPages);
      const responders = incident.response?.responders;
      for (const id of change.people)
        if (responders && addResponder(responders, `user:${id}`, 'paged', at)) chatChanged = true;
    } else {
      const channels = (incident.chatChannels ??= []);
      if (!channels.includes(change.channelId)) {
        channels.push(change.channelId);
        chatChanged = changed = true;
      }
    }
  }
  if (changed) incident.version += 1;
  return { entries, chatChanged };
}
