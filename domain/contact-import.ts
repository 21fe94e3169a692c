// A vendor user's contact methods and notification rules, as PagerDuty's and
// Opsgenie's REST APIs return them, turned into what a Fireline person's
// profile holds: methods (made unconfirmed: the person confirms each with a
// code) and rules per urgency that name them, with what cannot be carried
// over named.
import { isE164 } from './contact-methods';
import { NOTIFICATION_RULE_LIMITS, type Urgency, urgencies } from './notification-rules';

/** A method to make for the person: found again on the next import by `origin`. */
export type MethodImport = { origin: string; label?: string } & (
  { type: 'email'; address: string } | { type: 'sms' | 'voice'; number: string }
);

/** A rule step naming the method by its origin (the Fireline id is known once it is made). */
export interface RuleImport {
  methodOrigin: string;
  afterSeconds: number;
}

/** What comes over for one person. */
export interface ContactImport {
  personId: string;
  methods: MethodImport[];
  /** Per urgency; an urgency without steps keeps what the person has. */
  rules: Record<Urgency, RuleImport[]>;
  problems: string[];
}

/** `GET /users?include[]=contact_methods&include[]=notification_rules`: a contact method. */
export interface PagerDutyContactMethod {
  id: string;
  type: string;
  label?: string;
  address: string;
  country_code?: number;
}

/** …and a notification rule (`assignment_notification_rule`: when an incident is assigned). */
export interface PagerDutyNotificationRule {
  id: string;
  type: string;
  start_delay_in_minutes: number;
  urgency: 'high' | 'low';
  contact_method: { id: string; type: string };
}

/** `GET /v2/users/{id}/contacts`. `to` is `countrycode-number` for sms and voice. */
export interface OpsgenieContact {
  id: string;
  method: string;
  to: string;
  status?: { enabled?: boolean };
}

/** `GET /v2/users/{id}/notification-rules`, with each rule's `GET …/{ruleId}/steps` as `steps`. */
export interface OpsgenieNotificationRule {
  id: string;
  name?: string;
  actionType: string;
  enabled?: boolean;
  steps?: Array<{
    sendAfter?: { timeAmount: number; timeUnit?: string };
    contact: { method: string; to: string };
    enabled?: boolean;
  }>;
}

const emptyRules = (): Record<Urgency, RuleImport[]> => ({ high: [], low: [] });

/** A phone number as E.164, or undefined when it cannot be one. */
function e164(countryCode: number | string | undefined, number: string): string | undefined {
  const digits = `${countryCode ?? ''}${number}`.replace(/[^\d]/g, '');
  const candidate = `+${digits}`;
  return isE164(candidate) ? candidate : undefined;
}

/** Keeps a step within Fireline's limits, naming what does not fit. */
function addStep(
  rules: Record<Urgency, RuleImport[]>,
  urgency: Urgency,
  step: RuleImport,
  what: string,
  problems: string[],
): void {
  if (step.afterSeconds > NOTIFICATION_RULE_LIMITS.maxAfterSeconds) {
    problems.push(`${what}: after ${step.afterSeconds / 60} minutes is later than Fireline's hour: left out`);
    return;
  }
  if (rules[urgency].length >= NOTIFICATION_RULE_LIMITS.rulesPerUrgency) {
    problems.push(
      `${what}: more than ${NOTIFICATION_RULE_LIMITS.rulesPerUrgency} ${urgency}-urgency steps: left out`,
    );
    return;
  }
  rules[urgency].push(step);
}

export function fromPagerDutyContacts(
  personId: string,
  methods: PagerDutyContactMethod[],
  rules: PagerDutyNotificationRule[],
): ContactImport {
  const problems: string[] = [];
  const made: MethodImport[] = [];
  for (const m of methods) {
    const origin = `pagerduty:${m.id}`;
    const label = m.label ? { label: m.label.slice(0, 60) } : {};
    if (m.type === 'email_contact_method') made.push({ origin, type: 'email', address: m.address, ...label });
    else if (m.type === 'phone_contact_method' || m.type === 'sms_contact_method') {
      const number = e164(m.country_code, m.address);
      if (number)
        made.push({ origin, type: m.type === 'sms_contact_method' ? 'sms' : 'voice', number, ...label });
      else
        problems.push(`contact method ${m.id} (${m.type}): not a phone number Fireline can dial: left out`);
    } else
      problems.push(
        `contact method ${m.id} (${m.type}): PagerDuty's own app; in Fireline, enable push on the person's device`,
      );
  }
  const imported = emptyRules();
  for (const r of rules) {
    const what = `notification rule ${r.id}`;
    if (r.type !== 'assignment_notification_rule') continue;
    const origin = `pagerduty:${r.contact_method.id}`;
    if (!made.some((m) => m.origin === origin)) {
      problems.push(`${what}: its contact method ${r.contact_method.id} did not come over: left out`);
      continue;
    }
    addStep(
      imported,
      r.urgency,
      { methodOrigin: origin, afterSeconds: r.start_delay_in_minutes * 60 },
      what,
      problems,
    );
  }
  return { personId, methods: made, rules: imported, problems };
}

const opsgenieSeconds: Record<string, number> = { minutes: 60, hours: 3600, days: 86_400 };

export function fromOpsgenieContacts(
  personId: string,
  contacts: OpsgenieContact[],
  rules: OpsgenieNotificationRule[],
): ContactImport {
  const problems: string[] = [];
  const made: MethodImport[] = [];
  // The contact a step names, if it came over.
  const contactMade = (method: string, to: string) =>
    contacts.find(
      (c) => c.method === method && c.to === to && made.some((m) => m.origin === `opsgenie:${c.id}`),
    );
  for (const c of contacts) {
    const origin = `opsgenie:${c.id}`;
    if (c.status?.enabled === false) {
      problems.push(`contact ${c.id} (${c.method}): disabled in Opsgenie: left out`);
      continue;
    }
    if (c.method === 'email') made.push({ origin, type: 'email', address: c.to });
    else if (c.method === 'sms' || c.method === 'voice') {
      const [countryCode, ...rest] = c.to.split('-');
      const number = rest.length > 0 ? e164(countryCode, rest.join('')) : e164(undefined, c.to);
      if (number) made.push({ origin, type: c.method, number });
      else problems.push(`contact ${c.id} (${c.method}): not a phone number Fireline can dial: left out`);
    } else
      problems.push(
        `contact ${c.id} (${c.method}): Opsgenie's own app; in Fireline, enable push on the person's device`,
      );
  }
  const imported = emptyRules();
  // Opsgenie has no urgency: the steps of its rules for new alerts apply to both of Fireline's.
  for (const rule of rules) {
    if (rule.actionType !== 'create-alert' || rule.enabled === false) continue;
    for (const [i, step] of (rule.steps ?? []).entries()) {
      const what = `notification rule "${rule.name ?? rule.id}" step ${i + 1}`;
      if (step.enabled === false) continue;
      const contact = contactMade(step.contact.method, step.contact.to);
      if (!contact) {
        problems.push(`${what}: its ${step.contact.method} contact did not come over: left out`);
        continue;
      }
      const amount = step.sendAfter?.timeAmount ?? 0;
      const afterSeconds = amount * (opsgenieSeconds[step.sendAfter?.timeUnit ?? 'minutes'] ?? 60);
      if (afterSeconds > NOTIFICATION_RULE_LIMITS.maxAfterSeconds) {
        problems.push(`${what}: after ${afterSeconds / 60} minutes is later than Fireline's hour: left out`);
        continue;
      }
      for (const urgency of urgencies)
        addStep(imported, urgency, { methodOrigin: `opsgenie:${contact.id}`, afterSeconds }, what, problems);
    }
  }
  return { personId, methods: made, rules: imported, problems };
}
