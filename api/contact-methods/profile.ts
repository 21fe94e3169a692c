import { z } from 'zod';
import { maskPhone } from '../../domain/contact-methods';
import {
  defaultRules,
  NOTIFICATION_RULE_LIMITS,
  rulesRefusal,
  urgencies,
  type NotificationRules,
  type Urgency,
} from '../../domain/notification-rules';
import type { Person } from '../../domain/oncall';
import { grants, mayUse, personById, rightsOf, scopesOf, type PersonRight } from '../../domain/rights';
import { changeContactProfile, readContactProfile } from '../../infra/contact-methods';
import { DevInbox } from '../../infra/dev-inbox';
import type { ApiDeps } from '../deps';
import { HttpError, NotFoundError, ValidationError } from '../errors';
import type { Acting } from '../identity';
import type { ContactMethodDeps, ContactMethodView } from './service';

/** A person id in a path: as the catalog spells ids. */
export const personIdParam = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, 'must be a person id from the on-call catalog');
export const methodIdParam = z
  .string()
  .regex(/^cm_[A-Za-z0-9_-]{1,40}$/, 'must be a contact method id (cm_…)');

const rule = z
  .object({
    methodId: methodIdParam.describe('one of the person’s contact methods'),
    afterSeconds: z
      .number()
      .int('must be a whole number of seconds')
      .min(0)
      .max(NOTIFICATION_RULE_LIMITS.maxAfterSeconds)
      .describe('seconds after the escalation level reached the person'),
  })
  .strict();

/** Both urgencies' rules, which replace the stored ones; an empty list means the default for that urgency. */
export const notificationRulesInput = z
  .object({
    high: z.array(rule).max(NOTIFICATION_RULE_LIMITS.rulesPerUrgency).describe('SEV1 and SEV2'),
    low: z.array(rule).max(NOTIFICATION_RULE_LIMITS.rulesPerUrgency).describe('SEV3 and SEV4'),
  })
  .strict();

/** What the contact method service needs, from the API's dependencies. */
export function contactMethodDepsOf(deps: ApiDeps): ContactMethodDeps {
  return {
    models: deps.models,
    // Read per use: people made at run time count.
    get catalog() {
      return deps.onCall.catalog;
    },
    reach: deps.reach,
    ...(deps.config.FIRELINE_DEV_INBOX ? { devInbox: new DevInbox(deps.models) } : {}),
  };
}

/** Whose contact methods and rules a request manages, and whether it is the acting person's own. */
export interface ManagedPerson {
  person: Person;
  self: boolean;
}

/**
 * A person manages their own contact methods and rules; an admin (their
 * rights and their key's scopes both) manages anyone's. 404 for a person not
 * in the catalog, 403 naming who and why otherwise.
 */
export function managedPerson(
  catalog: ApiDeps['onCall']['catalog'],
  acting: Acting,
  personId: string,
): ManagedPerson {
  const person = personById(catalog, personId);
  if (!person) throw new NotFoundError(`No person ${personId} in the on-call catalog`);
  if (acting.person.id === personId) return { person, self: true };
  const refusal = adminRefusal(acting);
  if (refusal)
    throw new HttpError(
      403,
      'forbidden',
      `${acting.person.id} may manage only their own contact methods and rules, not ${personId}'s: that takes an admin (${refusal})`,
    );
  return { person, self: false };
}

/** Why the acting person may not manage others' methods and rules, or undefined for an admin. */
export function adminRefusal(acting: Acting): string | undefined {
  // The person's rights first: a key's scopes narrow them, never widen them.
  return (
    mayUse(acting.person, 'admin') ??
    (acting.keyScopes && !grants(acting.keyScopes, 'admin')
      ? `the key "${acting.keyName}" lacks the admin scope`
      : undefined)
  );
}

/** Who a key acts as, for `GET /v1/me`. */
export function whoAmI(acting: Acting) {
  const rights: readonly PersonRight[] = rightsOf(acting.person);
  return {
    person: { id: acting.person.id, name: acting.person.name },
    rights,
    scopes: scopesOf(acting.person),
    key: {
      name: acting.keyName,
      scopes: acting.keyScopes ?? [],
      ...(acting.keyServices ? { services: acting.keyServices } : {}),
    },
    /** Whether this key may manage other people's contact methods and rules. */
    managesEveryone:
      (!acting.keyScopes || grants(acting.keyScopes, 'admin')) &&
      mayUse(acting.person, 'admin') === undefined,
  };
}

/**
 * A method as shown to a caller: its owner sees their numbers; anyone else
 * (an admin) sees them masked. A push subscription's keys are never shown back.
 */
export function methodShownTo(method: ContactMethodView, self: boolean): ContactMethodView {
  if (method.type === 'push')
    return { ...method, subscription: { endpoint: method.subscription.endpoint } } as ContactMethodView;
  if ((method.type === 'sms' || method.type === 'voice') && !self)
    return { ...method, number: maskPhone(method.number) };
  return method;
}

/** A person's rules as they will run: per urgency, their own, or the default over their confirmed methods. */
export interface NotificationRulesView {
  personId: string;
  rules: NotificationRules;
  /** Per urgency: true when the person set no rules for it and the default applies. */
  isDefault: Record<Urgency, boolean>;
}

export async function readNotificationRules(
  deps: Pick<ApiDeps, 'models'>,
  personId: string,
): Promise<NotificationRulesView> {
  const { methods, rules } = await readContactProfile(deps.models, personId);
  const fallback = defaultRules(methods.filter((m) => m.verifiedAt));
  const own = (u: Urgency) => (rules?.[u].length ?? 0) > 0;
  return {
    personId,
    rules: { high: own('high') ? rules!.high : fallback.high, low: own('low') ? rules!.low : fallback.low },
    isDefault: { high: !own('high'), low: !own('low') },
  };
}

/** Replaces both urgencies' rules; every rule must name one of the person's methods (400 naming the rule). */
export async function replaceNotificationRules(
  deps: Pick<ApiDeps, 'models'>,
  personId: string,
  rules: NotificationRules,
): Promise<NotificationRulesView> {
  const ordered = Object.fromEntries(
    urgencies.map((u) => [u, [...rules[u]].sort((a, b) => a.afterSeconds - b.afterSeconds)]),
  ) as NotificationRules;
  await changeContactProfile(deps.models, personId, (current) => {
    const refusal = rulesRefusal(rules, current.methods);
    if (refusal) throw new ValidationError([refusal]);
    return { next: { ...current, rules: ordered }, result: undefined };
  });
  return readNotificationRules(deps, personId);
}
