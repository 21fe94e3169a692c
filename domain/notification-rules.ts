// How and when a person is paged once an escalation level reaches them: their
// notification rules per urgency, the default for a person with none, the
// storm limit on texts and calls, and the short codes an SMS reply names.
import type { ContactMethod, ContactMethodType } from './contact-methods';
import type { IncidentSeverity } from './severity';

/** High: SEV1 and SEV2; low: the rest. */
export const urgencies = ['high', 'low'] as const;
export type Urgency = (typeof urgencies)[number];

export function urgencyOf(severity: IncidentSeverity): Urgency {
  return severity === 'SEV1' || severity === 'SEV2' ? 'high' : 'low';
}

/** One step: page this contact method this long after the level reached the person. */
export interface NotificationRule {
  /** A contact method of the person (`cm_…`). */
  methodId: string;
  afterSeconds: number;
}

export type NotificationRules = Record<Urgency, NotificationRule[]>;

export const NOTIFICATION_RULE_LIMITS = {
  rulesPerUrgency: 10,
  /** A step later than an hour would page long after the escalation moved on. */
  maxAfterSeconds: 3600,
} as const;

/**
 * The rules of a person who set none, over their verified methods: push, ntfy,
 * Slack DM and email at once; for high urgency an SMS after 1 minute and a
 * call after 5; for low urgency an SMS after 5 minutes and no call.
 */
export const defaultRuleOffsets: Record<Urgency, Partial<Record<ContactMethodType, number>>> = {
  high: { push: 0, ntfy: 0, slack_dm: 0, email: 0, sms: 60, voice: 300 },
  low: { push: 0, ntfy: 0, slack_dm: 0, email: 0, sms: 300 },
};

export function defaultRules(methods: Pick<ContactMethod, 'id' | 'type'>[]): NotificationRules {
  const rulesFor = (urgency: Urgency) =>
    methods.flatMap((method) => {
      const afterSeconds = defaultRuleOffsets[urgency][method.type];
      return afterSeconds === undefined ? [] : [{ methodId: method.id, afterSeconds }];
    });
  return { high: rulesFor('high'), low: rulesFor('low') };
}

/** A rule as it will run: its method found among the person's verified methods. */
export interface PlannedStep {
  /** Its place in the person's plan for this incident: `s0`, `s1`… */
  stepId: string;
  afterSeconds: number;
  method: ContactMethod;
}

/**
 * The steps a page runs for one person: their rules for the urgency (the
 * default when they set none for it), earliest first, each on a verified
 * method; a rule whose method was removed or is unverified is left out.
 */
export function planSteps(
  rules: NotificationRules | undefined,
  verified: ContactMethod[],
  urgency: Urgency,
): PlannedStep[] {
  const chosen = rules && rules[urgency].length > 0 ? rules[urgency] : defaultRules(verified)[urgency];
  return chosen
    .flatMap((rule) => {
      const method = verified.find((m) => m.id === rule.methodId && m.verifiedAt);
      return method ? [{ afterSeconds: rule.afterSeconds, method }] : [];
    })
    .sort((a, b) => a.afterSeconds - b.afterSeconds)
    .map((step, i) => ({ ...step, stepId: `s${i}` }));
}

/** Why rules cannot be stored, naming the field, or undefined when they can. */
export function rulesRefusal(
  rules: NotificationRules,
  methods: Pick<ContactMethod, 'id'>[],
): { field: string; message: string } | undefined {
  for (const urgency of urgencies) {
    const list = rules[urgency];
    if (list.length > NOTIFICATION_RULE_LIMITS.rulesPerUrgency)
      return {
        field: `body.${urgency}`,
        message: `at most ${NOTIFICATION_RULE_LIMITS.rulesPerUrgency} rules per urgency`,
      };
    for (const [i, rule] of list.entries()) {
      if (!methods.some((m) => m.id === rule.methodId))
        return {
          field: `body.${urgency}.${i}.methodId`,
          message: `${rule.methodId} is not one of your contact methods`,
        };
    }
  }
  return undefined;
}

/** Contact method types that cost a text or a call, which the storm limit counts. */
export const phoneMethodTypes: readonly ContactMethodType[] = ['sms', 'voice'];

/**
 * A person gets at most `maxPerWindow` texts and calls in any `windowSeconds`;
 * the pages held back meanwhile go out as one bundle when the window allows.
 */
export const STORM_LIMIT: StormLimit = { maxPerWindow: 3, windowSeconds: 300 };

export interface StormLimit {
  maxPerWindow: number;
  windowSeconds: number;
}

/** When the next text or call may go out, given the instants (ms) of those sent. */
export function nextPhoneSlot(sentAt: number[], now: number, limit: StormLimit = STORM_LIMIT): number {
  const recent = sentAt.filter((t) => t > now - limit.windowSeconds * 1000).sort((a, b) => a - b);
  if (recent.length < limit.maxPerWindow) return now;
  return recent[recent.length - limit.maxPerWindow]! + limit.windowSeconds * 1000;
}

/** What an SMS reply can ask: `a` acknowledges, `e` escalates. */
export const smsReplyActions = { a: 'acknowledge', e: 'escalate' } as const;
export type SmsReplyAction = (typeof smsReplyActions)[keyof typeof smsReplyActions];

/** A person's short code for one incident: four digits, unique among that person's open pages. */
export function shortCode(sequence: number): string {
  return String(1000 + (sequence % 9000));
}

/**
 * What an SMS reply says: `4821a`, `4821 e`, `a all`; case and spaces do not
 * matter. Undefined when it is not a reply Fireline understands.
 */
export function parseSmsReply(
  body: string,
): { action: SmsReplyAction; code: string } | { action: SmsReplyAction; all: true } | undefined {
  const text = body.trim().toLowerCase().replace(/\s+/g, ' ');
  const all = /^([ae]) ?all$/.exec(text);
  if (all) return { action: smsReplyActions[all[1] as 'a' | 'e'], all: true };
  const codeFirst = /^(\d{4}) ?([ae])$/.exec(text);
  const letterFirst = /^([ae]) ?(\d{4})$/.exec(text);
  const [code, letter] = codeFirst
    ? [codeFirst[1]!, codeFirst[2]!]
    : letterFirst
      ? [letterFirst[2]!, letterFirst[1]!]
      : [];
  if (!code || !letter) return undefined;
  return { action: smsReplyActions[letter as 'a' | 'e'], code };
}
