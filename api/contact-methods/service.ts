import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import {
  describeContactMethod,
  isE164,
  newChallenge,
  VERIFICATION,
  verificationRefusal,
  type ContactAddress,
  type ContactMethod,
} from '../../domain/contact-methods';
import type { OnCallCatalog } from '../../domain/oncall';
import type { NotificationRule } from '../../domain/notification-rules';
import {
  changeContactMethods,
  changeContactProfile,
  codeMatches,
  listContactMethods,
  newVerificationCode,
} from '../../infra/contact-methods';
import type { DevInbox } from '../../infra/dev-inbox';
import type { Models } from '../../infra/models';
import { contactMessenger, type ContactMessage } from '../../infra/reach/messages';
import { endpointRefusal } from '../../infra/reach/push';
import type { ReachDeps } from '../../infra/reach/send';
import {
  HttpError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
  fieldErrorsFrom,
} from '../errors';

/**
 * A person's contact methods, for the routes that will manage them: add one
 * (a confirmation code is sent to it), confirm it with that code, send a new
 * code, send a test page, remove, list. Only confirmed (verified) methods page.
 */
export interface ContactMethodDeps {
  models: Pick<Models, 'ContactMethods' | 'RevisionClaims'>;
  catalog: Pick<OnCallCatalog, 'people'>;
  /** How codes and test pages are sent: provider credentials by name, PUBLIC_URL, egress policy, mailer. */
  reach: ReachDeps;
  /** Development only: a message whose provider is not configured is kept here, code included. */
  devInbox?: DevInbox;
  now?: () => Date;
}

const base64url = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `must be base64url (${what})`)
    .refine((v) => Buffer.from(v, 'base64url').length === bytes, `must be ${bytes} bytes (${what})`);

const phone = z
  .string()
  .refine(isE164, 'must be an E.164 number: +, the country code, then the number, e.g. +447700900123');

const label = z.string().trim().min(1).max(60).optional();
/** Where an imported method came from (`pagerduty:PXXXXXX`), so the next import finds it again. */
const origin = z
  .string()
  .regex(/^[a-z][a-z-]{0,30}:[A-Za-z0-9_.-]{1,100}$/, 'must be the tool and its id, e.g. pagerduty:PABC123')
  .optional();
/** false: no code is sent now (an import); the person asks for one when ready. */
const sendCode = z.boolean().optional();

/** What a new contact method is, by type; each field bounded. */
export const contactMethodInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('email'), address: z.email().max(254), label, origin, sendCode }),
  z.object({ type: z.literal('sms'), number: phone, label, origin, sendCode }),
  z.object({ type: z.literal('voice'), number: phone, label, origin, sendCode }),
  z.object({
    type: z.literal('push'),
    subscription: z.object({
      endpoint: z.url().max(2000),
      keys: z.object({
        p256dh: base64url(65, 'an uncompressed P-256 public key'),
        auth: base64url(16, 'the authentication secret'),
      }),
    }),
    label,
  }),
  z.object({
    type: z.literal('ntfy'),
    server: z.url().max(500),
    topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, 'must be 1 to 64 letters, digits, - or _'),
    tokenEnv: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must name an environment variable, e.g. NTFY_TOKEN_ALICE')
      .optional(),
    label,
  }),
  z.object({ type: z.literal('slack_dm'), slackUserId: z.string().regex(/^[UW][A-Z0-9]{2,30}$/), label }),
]);
export type ContactMethodInput = z.infer<typeof contactMethodInput>;

/** The code a person sends back to confirm a method. */
export const confirmationInput = z.object({
  code: z.string().regex(new RegExp(`^\\d{${VERIFICATION.digits}}$`), 'must be the 6-digit code'),
});

/** A method as the API shows it: never its code's hash. */
export type ContactMethodView = ContactAddress & {
  id: string;
  label?: string;
  /** Where an imported method came from (`pagerduty:PXXXXXX`). */
  origin?: string;
  createdAt: string;
  verified: boolean;
  verifiedAt?: string;
  /** While a code is pending. */
  pending?: { sentAt: string; expiresAt: string; attemptsLeft: number };
};

/** What sending a code or a test page did: the detail (numbers masked), or that it was kept in the development inbox. */
export interface ContactDelivery {
  detail: string;
  devInbox?: boolean;
}

export function contactMethodView(method: ContactMethod): ContactMethodView {
  const { verification, ...rest } = method;
  return {
    ...rest,
    verified: Boolean(method.verifiedAt),
    ...(verification && !method.verifiedAt
      ? {
          pending: {
            sentAt: verification.sentAt,
            expiresAt: verification.expiresAt,
            attemptsLeft: Math.max(VERIFICATION.maxAttempts - verification.attempts, 0),
          },
        }
      : {}),
  };
}

function requirePerson(deps: ContactMethodDeps, personId: string): void {
  if (!deps.catalog.people.some((p) => p.id === personId)) {
    throw new NotFoundError(`No person ${personId} in the on-call catalog`);
  }
}

function requireMethod(methods: ContactMethod[], personId: string, methodId: string): ContactMethod {
  const method = methods.find((m) => m.id === methodId);
  if (!method) throw new NotFoundError(`${personId} has no contact method ${methodId}`);
  return method;
}

/** Why a type cannot be added on this server (its provider is not configured), or undefined. */
function unavailability(deps: ContactMethodDeps, type: ContactMethod['type']): string | undefined {
  const messenger = contactMessenger(type);
  if (!messenger) return `${type} contact methods cannot be sent messages on this server`;
  const missing = messenger.missingSettings(deps.reach);
  if (missing.length === 0 || deps.devInbox) return undefined;
  return `${type} contact methods are not available on this server: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set`;
}

/** Sends a code or test page, or keeps it in the development inbox when the provider is not configured. */
async function sendMessage(
  deps: ContactMethodDeps,
  personId: string,
  method: ContactMethod,
  message: ContactMessage,
  key: string,
): Promise<ContactDelivery> {
  const messenger = contactMessenger(method.type);
  if (!messenger) throw new HttpError(400, 'unsupported', unavailability(deps, method.type)!);
  const [missing] = messenger.missingSettings(deps.reach);
  if (missing && deps.devInbox) {
    await deps.devInbox.keep({
      _id: key,
      incidentId: `contact:${personId}:${method.id}`,
      title: message.text,
      severity: 'info',
      status: message.kind,
      label: `${personId} (${describeContactMethod(method)})`,
      reason: message.kind === 'contact.verification' ? 'contact method confirmation' : 'contact method test',
      missing,
    });
    return { detail: `${missing} is not set`, devInbox: true };
  }
  try {
    return { detail: await messenger.send(method, message, deps.reach) };
  } catch (err) {
    throw sendingError(method, err);
  }
}

/** A provider's refusal is the person's input (400 naming the field); anything else may pass (503). */
function sendingError(method: ContactMethod, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ApplicationFailure && err.nonRetryable) {
    const field =
      method.type === 'sms' || method.type === 'voice'
        ? 'body.number'
        : method.type === 'push'
          ? 'body.subscription.endpoint'
          : method.type === 'ntfy'
            ? 'body.server'
            : 'body.type';
    return new ValidationError([{ field, message }]);
  }
  return new ServiceUnavailableError(`the message could not be sent: ${message}`);
}

function codeMessage(code: string): ContactMessage {
  return {
    kind: 'contact.verification',
    text: `Your Fireline confirmation code is ${code}. It expires in ${VERIFICATION.ttlMs / 60_000} minutes.`,
    speech: `Your Fireline confirmation code is ${code.split('').join(', ')}.`,
  };
}

/** Puts a fresh code on the method (replacing a pending one) and sends it. */
async function sendNewCode(
  deps: ContactMethodDeps,
  personId: string,
  methodId: string,
): Promise<{ method: ContactMethodView; delivery: ContactDelivery }> {
  const now = deps.now?.() ?? new Date();
  const { code, codeHash } = newVerificationCode();
  const method = await changeContactMethods(deps.models, personId, (current) => {
    const found = requireMethod(current, personId, methodId);
    if (found.verifiedAt) throw new HttpError(409, 'conflict', `${methodId} is confirmed already`);
    const updated: ContactMethod = { ...found, verification: newChallenge(codeHash, now) };
    return { next: current.map((m) => (m.id === methodId ? updated : m)), result: updated };
  });
  const delivery = await sendMessage(
    deps,
    personId,
    method,
    codeMessage(code),
    `${personId}:${methodId}:${method.verification!.sentAt}`,
  );
  return { method: contactMethodView(method), delivery };
}

/** Adds an unconfirmed method and sends its confirmation code, unless told not to (`sendCode: false`). */
export async function addContactMethod(
  deps: ContactMethodDeps,
  personId: string,
  body: unknown,
): Promise<{ method: ContactMethodView; delivery: ContactDelivery }> {
  requirePerson(deps, personId);
  const parsed = contactMethodInput.safeParse(body);
  if (!parsed.success) throw new ValidationError(fieldErrorsFrom(parsed.error, 'body'));
  const { sendCode, ...input } = parsed.data as ContactMethodInput & { sendCode?: boolean };
  // An imported method waits for its person to ask for a code, by when the server may send it.
  const unavailable = sendCode === false ? undefined : unavailability(deps, input.type);
  if (unavailable) throw new ValidationError([{ field: 'body.type', message: unavailable }]);
  // Person-supplied URLs the worker will POST to: https, unless FIRELINE_EGRESS_ALLOW names the host.
  const url =
    input.type === 'push' ? input.subscription.endpoint : input.type === 'ntfy' ? input.server : undefined;
  if (url !== undefined) {
    const refusal = deps.reach.egress ? endpointRefusal(url, deps.reach.egress) : 'cannot be reached';
    const field = input.type === 'push' ? 'body.subscription.endpoint' : 'body.server';
    if (refusal) throw new ValidationError([{ field, message: refusal }]);
  }
  const now = deps.now?.() ?? new Date();
  const method = {
    ...input,
    id: `cm_${randomBytes(8).toString('base64url')}`,
    createdAt: now.toISOString(),
  } as ContactMethod;
  await changeContactMethods(deps.models, personId, (current) => {
    if (current.length >= VERIFICATION.maxMethodsPerPerson) {
      throw new ValidationError([
        {
          field: 'body',
          message: `${personId} has ${current.length} contact methods, the most one may have`,
        },
      ]);
    }
    return { next: [...current, method], result: undefined };
  });
  if (sendCode === false)
    return {
      method: contactMethodView(method),
      delivery: { detail: 'no code sent: the person asks for one (resend) when ready to confirm' },
    };
  return sendNewCode(deps, personId, method.id);
}

/** Sends a new code to an unconfirmed method (the last one expired, or was used up). */
export async function resendContactMethodCode(
  deps: ContactMethodDeps,
  personId: string,
  methodId: string,
): Promise<{ method: ContactMethodView; delivery: ContactDelivery }> {
  requirePerson(deps, personId);
  return sendNewCode(deps, personId, methodId);
}

/**
 * Confirms a method with the code sent to it. A wrong code uses up one of its
 * attempts; an expired or used-up code is refused without being compared.
 */
export async function confirmContactMethod(
  deps: ContactMethodDeps,
  personId: string,
  methodId: string,
  body: unknown,
): Promise<ContactMethodView> {
  requirePerson(deps, personId);
  const parsed = confirmationInput.safeParse(body);
  if (!parsed.success) throw new ValidationError(fieldErrorsFrom(parsed.error, 'body'));
  const now = deps.now?.() ?? new Date();
  const outcome = await changeContactMethods<{
    method: ContactMethod;
    refusal?: 'none' | 'expired' | 'too_many_attempts' | 'wrong';
  }>(deps.models, personId, (current) => {
    const method = requireMethod(current, personId, methodId);
    if (method.verifiedAt) return { next: current, result: { method, refusal: undefined } };
    const refusal = verificationRefusal(method.verification, now);
    if (refusal) return { next: current, result: { method, refusal } };
    const challenge = method.verification!;
    const updated: ContactMethod = codeMatches(parsed.data.code, challenge.codeHash)
      ? (() => {
          const { verification: _, ...rest } = method;
          return { ...rest, verifiedAt: now.toISOString() };
        })()
      : { ...method, verification: { ...challenge, attempts: challenge.attempts + 1 } };
    return {
      next: current.map((m) => (m.id === methodId ? updated : m)),
      result: { method: updated, refusal: updated.verifiedAt ? undefined : ('wrong' as const) },
    };
  });
  const { method, refusal } = outcome;
  if (!refusal) return contactMethodView(method);
  const messages = {
    none: 'no code is pending for this method; ask for a new one',
    expired: 'the code has expired; ask for a new one',
    too_many_attempts: 'too many wrong codes; ask for a new one',
    wrong: `wrong code; ${Math.max(VERIFICATION.maxAttempts - (method.verification?.attempts ?? 0), 0)} attempt(s) left`,
  };
  throw new ValidationError([{ field: 'body.code', message: messages[refusal] }]);
}

/** Sends a test page to a confirmed method. */
export async function sendContactMethodTest(
  deps: ContactMethodDeps,
  personId: string,
  methodId: string,
): Promise<ContactDelivery> {
  requirePerson(deps, personId);
  const method = requireMethod(await listContactMethods(deps.models, personId), personId, methodId);
  if (!method.verifiedAt) {
    throw new HttpError(409, 'conflict', `${methodId} is not confirmed yet: confirm it with its code first`);
  }
  const now = deps.now?.() ?? new Date();
  return sendMessage(
    deps,
    personId,
    method,
    {
      kind: 'contact.test',
      text: 'Fireline test page: this is how pages will reach you. Nothing to do.',
      speech: 'This is a Fireline test page. This is how pages will reach you. Nothing to do. Goodbye.',
    },
    `${personId}:${methodId}:test:${now.toISOString()}`,
  );
}

/** Removes a method, and the notification rules that name it; NotFoundError when there is none. */
export async function removeContactMethod(
  deps: ContactMethodDeps,
  personId: string,
  methodId: string,
): Promise<void> {
  requirePerson(deps, personId);
  await changeContactProfile(deps.models, personId, ({ methods, rules }) => {
    requireMethod(methods, personId, methodId);
    const kept = (list: NotificationRule[]) => list.filter((r) => r.methodId !== methodId);
    return {
      next: {
        methods: methods.filter((m) => m.id !== methodId),
        ...(rules ? { rules: { high: kept(rules.high), low: kept(rules.low) } } : {}),
      },
      result: undefined,
    };
  });
}

/** A person's methods, in the order they were added. */
export async function listPersonContactMethods(
  deps: ContactMethodDeps,
  personId: string,
): Promise<ContactMethodView[]> {
  requirePerson(deps, personId);
  return (await listContactMethods(deps.models, personId)).map(contactMethodView);
}
