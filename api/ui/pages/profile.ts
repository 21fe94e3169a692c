import express, { Router, type Request, type Response } from 'express';
import {
  NOTIFICATION_RULE_LIMITS,
  urgencies,
  type NotificationRule,
} from '../../../domain/notification-rules';
import { checkedBy } from '../../actions/run';
import {
  adminRefusal,
  contactMethodDepsOf,
  managedPerson,
  methodIdParam,
  methodShownTo,
  notificationRulesInput,
  personIdParam,
  readNotificationRules,
  replaceNotificationRules,
} from '../../contact-methods/profile';
import {
  addContactMethod,
  confirmContactMethod,
  listPersonContactMethods,
  removeContactMethod,
  resendContactMethodCode,
  sendContactMethodTest,
  type ContactDelivery,
} from '../../contact-methods/service';
import { HttpError, NotFoundError, ValidationError, type FieldError } from '../../errors';
import { actingOf } from '../../identity';
import { filledText, formAction, formBody } from '../form-action';
import { profilePage as profileView, type FormState } from '../views';
import { doneOf, pageContext, sendPage, type PageKit, type UiPage } from './kit';

const NOTICES = {
  confirmed: (self: boolean) => `Confirmed: it will page ${self ? 'you' : 'them'}.`,
  removed: () => 'Removed, with the rules that named it.',
  rules: (self: boolean) => `${self ? 'Your' : 'Their'} notification rules are saved.`,
  'push-added': () =>
    'This device is added. Fireline pushed a code to it: this page confirms it when it arrives, or type the code from the notification.',
} as const;

/** Whose profile a request is about, and the path its forms post to. */
interface Subject {
  personId: string;
  self: boolean;
  base: string;
  /** Whether the signed-in person manages anyone's profile (an admin). */
  admin: boolean;
}

/** My profile pages (`/ui/profile`), and anyone's for an admin (`/ui/people/:personId/profile`). */
const profileBases = ['/ui/profile', '/ui/people/:personId/profile'] as const;

/**
 * The person a profile page manages: the signed-in one, or the one in the path, which takes
 * an admin unless it is oneself (404 for an id not in the catalog, 403 saying why).
 */
function subjectOf(kit: PageKit, req: Request, res: Response): Subject {
  const acting = actingOf(res, kit.deps.onCall.catalog);
  const wanted = req.params.personId === undefined ? acting.person.id : String(req.params.personId);
  if (!personIdParam.safeParse(wanted).success) throw new NotFoundError(`No person ${wanted}`);
  const { person, self } = managedPerson(kit.deps.onCall.catalog, acting, wanted);
  const base =
    req.params.personId === undefined ? '/ui/profile' : `/ui/people/${encodeURIComponent(person.id)}/profile`;
  return { personId: person.id, self, base, admin: adminRefusal(acting) === undefined };
}

function text(body: Record<string, unknown>, name: string): string | undefined {
  return filledText(body[name]);
}

/** The add forms as the API's body (checked by the API's schema in the service). */
function methodFromForm(body: Record<string, unknown>): Record<string, unknown> {
  const type = text(body, 'type');
  const label = text(body, 'label');
  const fields =
    type === 'sms' || type === 'voice'
      ? { number: (text(body, 'number') ?? '').replace(/[\s().-]/g, '') }
      : type === 'email'
        ? { address: text(body, 'address') ?? '' }
        : type === 'ntfy'
          ? {
              server: text(body, 'server') ?? '',
              topic: text(body, 'topic') ?? '',
              ...(text(body, 'tokenEnv') ? { tokenEnv: text(body, 'tokenEnv') } : {}),
            }
          : {};
  return { type, ...fields, ...(label ? { label } : {}) };
}

const addFormOf = (req: Request) => {
  const type = formBody(req).type;
  return `add:${type === 'sms' || type === 'voice' ? 'phone' : type === 'ntfy' ? 'ntfy' : 'email'}`;
};

/**
 * The rules form (`high.0.methodId`, `high.0.afterSeconds`…) as the API's body: rows left
 * at (none) are dropped; a refusal names the row as the form does.
 */
async function saveRulesFromForm(kit: PageKit, personId: string, body: Record<string, unknown>) {
  const rowOf: Record<string, number[]> = {};
  const errors: FieldError[] = [];
  const rules = Object.fromEntries(
    urgencies.map((u) => {
      const rows: NotificationRule[] = [];
      rowOf[u] = [];
      for (let i = 0; i < NOTIFICATION_RULE_LIMITS.rulesPerUrgency; i++) {
        const methodId = text(body, `${u}.${i}.methodId`);
        if (!methodId) continue;
        const seconds = text(body, `${u}.${i}.afterSeconds`) ?? '';
        if (!/^\d{1,6}$/.test(seconds))
          errors.push({ field: `${u}.${i}.afterSeconds`, message: 'give a whole number of seconds' });
        rows.push({ methodId, afterSeconds: Number(seconds) });
        rowOf[u].push(i);
      }
      return [u, rows];
    }),
  );
  if (errors.length > 0) throw new ValidationError(errors);
  // A refusal names the rule by its place among the rules sent: name the form's row instead.
  const asRows = (err: unknown) => {
    if (!(err instanceof ValidationError)) return err;
    return new ValidationError(
      err.fields.map((f) => {
        const match = /^body\.(high|low)\.(\d+)\.(\w+)$/.exec(f.field);
        const row = match ? rowOf[match[1]!]?.[Number(match[2])] : undefined;
        return {
          field: match && row !== undefined ? `${match[1]}.${row}.${match[3]}` : f.field,
          message: f.message,
        };
      }),
    );
  };
  try {
    await replaceNotificationRules(kit.deps, personId, checkedBy(notificationRulesInput, rules, 'body'));
  } catch (err) {
    throw asRows(err);
  }
}

/** What a code or test page did, as the page says it. */
function sentNotice(what: string, delivery: ContactDelivery): string {
  return delivery.devInbox
    ? `${what} kept in the development inbox (${delivery.detail}).`
    : `${what} sent: ${delivery.detail}.`;
}

/** Push on this device: from the page's script (profile.js), which reads the answer, so JSON. */
function pushRoute(router: Router, kit: PageKit, service: ReturnType<typeof contactMethodDepsOf>): void {
  router.post('/ui/profile/push', ...kit.post, async (req, res) => {
    const body = formBody(req);
    try {
      // Under /ui/profile: always the signed-in person's own.
      const { method, delivery } = await addContactMethod(service, subjectOf(kit, req, res).personId, {
        type: 'push',
        subscription: {
          endpoint: text(body, 'endpoint') ?? '',
          keys: { p256dh: text(body, 'p256dh') ?? '', auth: text(body, 'auth') ?? '' },
        },
        ...(text(body, 'label') ? { label: text(body, 'label') } : {}),
      });
      res.json({ method: { id: method.id }, delivery, next: '/ui/profile?done=push-added' });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500 || err.status === 401) throw err;
      res
        .status(err.status)
        .json({ error: { code: err.code, message: err.message, details: err.details ?? null } });
    }
  });
}

interface ShowOptions {
  notice?: string;
  form?: FormState;
  status?: number;
}

async function showProfile(
  kit: PageKit,
  service: ReturnType<typeof contactMethodDepsOf>,
  subject: Subject,
  res: Response,
  extra: ShowOptions = {},
): Promise<void> {
  const person = kit.deps.onCall.catalog.people.find((p) => p.id === subject.personId)!;
  const data = {
    person,
    self: subject.self,
    base: subject.base,
    // An admin can open anyone's profile from here.
    ...(subject.admin
      ? { people: kit.deps.onCall.catalog.people.map((p) => ({ id: p.id, name: p.name })) }
      : {}),
    // As the API shows them: an admin sees another person's numbers masked.
    methods: (await listPersonContactMethods(service, subject.personId)).map((m) =>
      methodShownTo(m, subject.self),
    ),
    rules: await readNotificationRules(kit.deps, subject.personId),
    vapidPublicKey: kit.deps.reach?.secrets.VAPID_PUBLIC_KEY,
    ...extra,
  };
  sendPage(res, profileView(pageContext(res), data), extra.status);
}

function methodIdOf(req: Request): string {
  const id = String(req.params.methodId);
  if (!methodIdParam.safeParse(id).success) throw new NotFoundError(`No contact method ${id}`);
  return id;
}

/** Saving the rules form; a refused row is named as the form names it. */
function rulesRoute(
  router: Router,
  kit: PageKit,
  base: string,
  rerender: (req: Request, res: Response, form: FormState, status: number) => Promise<void>,
): void {
  router.post(
    `${base}/rules`,
    // Two fields per row, up to the rule limit per urgency: more than the kit's form parser takes.
    express.urlencoded({
      extended: false,
      limit: '16kb',
      parameterLimit: 4 * NOTIFICATION_RULE_LIMITS.rulesPerUrgency + 4,
    }),
    ...kit.post,
    formAction({
      form: () => 'rules',
      rerender,
      act: async (req, res) => {
        const subject = subjectOf(kit, req, res);
        await saveRulesFromForm(kit, subject.personId, formBody(req));
        return `${subject.base}?done=rules`;
      },
    }),
  );
}

/**
 * My profile: the signed-in person's contact methods and notification rules, through the
 * same service and schemas as the API (/v1/people/:id/…), and push on this device; and, for
 * an admin, anyone's.
 */
export const profilePage: UiPage = (kit) => {
  const router = Router();
  const service = contactMethodDepsOf(kit.deps);

  const show = (req: Request, res: Response, extra: ShowOptions = {}) =>
    showProfile(kit, service, subjectOf(kit, req, res), res, extra);
  const rerender = (req: Request, res: Response, form: FormState, status: number) =>
    show(req, res, { form, status });
  const stripBody = (field: string) => (field === 'body' ? 'type' : field.replace(/^body\./, ''));

  // An admin's way to anyone's profile: the person picked on their own profile page.
  router.get('/ui/people', ...kit.read, (req, res) => {
    const picked = personIdParam.safeParse(req.query.person);
    if (!picked.success) throw new NotFoundError('Pick a person from the on-call catalog');
    res.redirect(303, `/ui/people/${encodeURIComponent(picked.data)}/profile`);
  });

  for (const base of profileBases) {
    router.get(base, ...kit.read, async (req, res) => {
      const subject = subjectOf(kit, req, res);
      const notice = doneOf(req.query, NOTICES)?.(subject.self);
      await showProfile(kit, service, subject, res, { notice });
    });

    router.post(
      `${base}/methods`,
      ...kit.post,
      formAction({
        form: addFormOf,
        rerender,
        formField: stripBody,
        act: async (req, res) => {
          const { method, delivery } = await addContactMethod(
            service,
            subjectOf(kit, req, res).personId,
            methodFromForm(formBody(req)),
          );
          await show(req, res, {
            notice: sentNotice(`Added ${method.type} ${method.id}. Its code was`, delivery),
          });
          return undefined;
        },
      }),
    );

    router.post(
      `${base}/methods/:methodId/confirm`,
      ...kit.post,
      formAction({
        form: (req) => `confirm:${String(req.params.methodId)}`,
        rerender,
        formField: stripBody,
        act: async (req, res) => {
          const subject = subjectOf(kit, req, res);
          await confirmContactMethod(service, subject.personId, methodIdOf(req), {
            code: text(formBody(req), 'code') ?? '',
          });
          return `${subject.base}?done=confirmed`;
        },
      }),
    );

    for (const action of ['resend', 'test'] as const) {
      router.post(
        `${base}/methods/:methodId/${action}`,
        ...kit.post,
        formAction({
          form: (req) => `${action}:${String(req.params.methodId)}`,
          rerender,
          act: async (req, res) => {
            const personId = subjectOf(kit, req, res).personId;
            const delivery =
              action === 'test'
                ? await sendContactMethodTest(service, personId, methodIdOf(req))
                : (await resendContactMethodCode(service, personId, methodIdOf(req))).delivery;
            await show(req, res, {
              notice: sentNotice(action === 'test' ? 'A test page was' : 'A new code was', delivery),
            });
            return undefined;
          },
        }),
      );
    }

    router.post(
      `${base}/methods/:methodId/delete`,
      ...kit.post,
      formAction({
        form: (req) => `delete:${String(req.params.methodId)}`,
        rerender,
        act: async (req, res) => {
          const subject = subjectOf(kit, req, res);
          await removeContactMethod(service, subject.personId, methodIdOf(req));
          return `${subject.base}?done=removed`;
        },
      }),
    );

    rulesRoute(router, kit, base, rerender);
  }

  // Push on this device is one's own: a device belongs to whoever signed in on it.
  pushRoute(router, kit, service);
  return router;
};
