// What a person's pager decides, as pure functions: short codes, how a step's
// outcome reads on the timeline, which provider statuses mean "try the next
// rule", and which sends the storm limit lets through.
import { describeContactMethod, type ContactMethod, type ContactMethodType } from './contact-methods';
import { nextPhoneSlot, phoneMethodTypes, shortCode, type StormLimit } from './notification-rules';

/** A person's pager holds at most this many open pages; beyond it an incident is told the pager is full. */
export const MAX_OPEN_PAGES = 200;

/** A page nobody stopped (its incident went away unseen) is closed this long after it began, and its code with it. */
export const PAGE_TTL_SECONDS = 24 * 3600;

/** One planned step as the pager keeps it: the method's id and masked description, never its number. */
export interface PagerStep {
  stepId: string;
  afterSeconds: number;
  methodId: string;
  methodType: ContactMethodType;
  /** How the timeline names the step's target: `SMS to +44 •••• 1234`. */
  target: string;
}

/** How a step to this method reads on the timeline: numbers masked, push by its service's host. */
export function stepTarget(method: ContactMethod): string {
  switch (method.type) {
    case 'sms':
    case 'voice': {
      const [, masked] = /^\S+ (.*)$/.exec(describeContactMethod(method)) ?? [];
      return `${method.type === 'sms' ? 'SMS' : 'call'} to ${masked}`;
    }
    case 'email':
      return `email to ${method.address}`;
    case 'slack_dm':
      return 'Slack DM';
    default:
      return describeContactMethod(method);
  }
}

/** What a person's pager runs for one page: their steps, and the method a storm bundle goes to. */
export interface PersonPagePlan {
  personName: string;
  steps: PagerStep[];
  /** Their first verified SMS method, else voice: where a storm bundle goes. */
  bundleStep?: PagerStep;
}

/** The step as the pager keeps it. */
export function pagerStep(step: { stepId: string; afterSeconds: number; method: ContactMethod }): PagerStep {
  return {
    stepId: step.stepId,
    afterSeconds: step.afterSeconds,
    methodId: step.method.id,
    methodType: step.method.type,
    target: stepTarget(step.method),
  };
}

/** Whether a step to this type of method costs a text or a call (the storm limit counts it). */
export function isPhoneStep(step: Pick<PagerStep, 'methodType'>): boolean {
  return phoneMethodTypes.includes(step.methodType);
}

/**
 * The next short code after `sequence` that none of the person's open pages
 * holds, and the sequence to continue from. Codes cycle through 9000 values;
 * open pages are far fewer, so a free one is always found.
 */
export function allocateCode(
  sequence: number,
  taken: ReadonlySet<string>,
): { code: string; sequence: number } {
  for (let next = sequence; ; next++) {
    const code = shortCode(next);
    if (!taken.has(code)) return { code, sequence: next + 1 };
  }
}

/** Whether the storm limit lets a text or call go out now, given the instants (ms) of those sent. */
export function phoneSlotFree(sentAt: number[], now: number, limit: StormLimit): boolean {
  return nextPhoneSlot(sentAt, now, limit) <= now;
}

/** The send instants worth keeping: those still inside the window. */
export function recentSends(sentAt: number[], now: number, limit: StormLimit): number[] {
  return sentAt.filter((t) => t > now - limit.windowSeconds * 1000);
}

/** Twilio's statuses that mean the page did not reach the person: the next rule runs at once. */
const failedStatuses = new Set(['failed', 'undelivered', 'no-answer', 'busy', 'canceled']);

/** Whether a status callback says the step failed (a call answered by a machine counts as unanswered). */
export function deliveryFailed(status: string, answeredBy?: string): boolean {
  return failedStatuses.has(status) || (answeredBy !== undefined && /^(machine|fax)/.test(answeredBy));
}

/** Statuses worth a timeline entry: the final word on a text or a call. */
const finalStatuses = new Set([...failedStatuses, 'delivered', 'read', 'completed', 'answered']);

export function isFinalStatus(status: string): boolean {
  return finalStatuses.has(status);
}

/** A status as the timeline says it: `no answer`, `answered by a machine`. */
export function statusWording(status: string, answeredBy?: string): string {
  if (answeredBy && /^(machine|fax)/.test(answeredBy)) return 'answered by a machine';
  if (status === 'completed' || status === 'answered') return 'answered';
  return status.replace(/-/g, ' ');
}

/** `Bob: SMS to +44 •••• 1234, sent`. */
export function stepOutcomeMessage(
  personName: string,
  step: Pick<PagerStep, 'target'>,
  outcome: string,
): string {
  return `${personName}: ${step.target}, ${outcome}`;
}
