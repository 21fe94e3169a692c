// What the incident's chat message (the Slack app's) follows: pure, used by the workflow.
import type { TimelineType } from './incident';

/** Entries posted in the message's thread: what a responder in the channel needs to know. */
export const chatThreadTypes: ReadonlySet<TimelineType> = new Set<TimelineType>([
  'acknowledged',
  'snoozed',
  'snooze.expired',
  'escalated',
  'escalation.exhausted',
  'resolved',
  'note',
  'updated',
  'runbook.started',
  'runbook.succeeded',
  'runbook.failed',
  'runbook.outcome_unknown',
  'approval.requested',
  'approval.decided',
  'mitigated',
  'sla.breached',
  'response.opened',
  'response.updated',
  'commander.claimed',
]);

/**
 * Entries after which the message is updated in place. Alerts folded into the
 * incident are not among them: a storm of duplicates would exceed Slack's rate
 * limit for chat.update; the alert count shown catches up at the next change.
 */
export function updatesChatMessage(type: TimelineType): boolean {
  return chatThreadTypes.has(type) || type === 'notification.sent' || type === 'escalation.level';
}

/** At most this many thread entries wait for the chat: a long outage of Slack must not grow the workflow's state. */
export const maxChatBacklog = 50;

/** The Slack buttons Fireline puts on an incident's message, and what each runs. */
export const slackActions = {
  acknowledge: 'fireline_acknowledge',
  resolve: 'fireline_resolve',
  escalate: 'fireline_escalate',
  snooze: 'fireline_snooze_1h',
  claimCommander: 'fireline_claim_commander',
  approve: 'fireline_approve',
  reject: 'fireline_reject',
} as const;
export type SlackAction = keyof typeof slackActions;

/** What a button carries (its `value`): the incident, and for approvals the approval. */
export interface SlackActionValue {
  incidentId: string;
  approvalId?: string;
}

/** The action an `action_id` names, if it is one of Fireline's. */
export function slackActionOf(actionId: string): SlackAction | undefined {
  return (Object.keys(slackActions) as SlackAction[]).find((k) => slackActions[k] === actionId);
}
