import twilioClient from 'twilio';
import webpush from 'web-push';
import {
  addContactMethod,
  confirmContactMethod,
  listPersonContactMethods,
  removeContactMethod,
  resendContactMethodCode,
  sendContactMethodTest,
  type ContactMethodDeps,
} from '../../api/contact-methods/service';
import { HttpError, ValidationError } from '../../api/errors';
import { withLoopback } from '../../config';
import { VERIFICATION } from '../../domain/contact-methods';
import { ContactMethodReader } from '../../infra/contact-methods';
import { DevInbox, listDevInbox } from '../../infra/dev-inbox';
import { EgressPolicy } from '../../infra/egress';
import { PushEndpoint } from '../helpers/push-endpoint';
import { createTestDatabase } from '../helpers/test-database';
import { TwilioStandIn, twilioSignature } from '../helpers/twilio-stand-in';

const ACCOUNT_SID = `AC${'d4'.repeat(16)}`;
const AUTH_TOKEN = 'twilio-auth-token-for-tests';

// The contact method service against the real MongoDB-wire server: a method added is
// unconfirmed until the code sent to it (through the Twilio stand-in, a push endpoint or the
// development inbox) comes back; wrong, expired and used-up codes are refused.
describe('contact methods', () => {
  let env: Awaited<ReturnType<typeof createTestDatabase>>;
  let twilio: TwilioStandIn;
  let push: PushEndpoint;
  let now = new Date('2026-12-03T07:00:00Z');
  const vapid = webpush.generateVAPIDKeys();
  const catalog = { people: [{ id: 'erin', name: 'Erin' }], channels: [], schedules: [], policies: [] };

  beforeAll(async () => {
    env = await createTestDatabase();
    twilio = await new TwilioStandIn({
      accountSid: ACCOUNT_SID,
      username: ACCOUNT_SID,
      password: AUTH_TOKEN,
    }).start();
    push = await new PushEndpoint().start();
  });
  afterAll(async () => {
    await twilio?.stop();
    await push?.stop();
    await env?.teardown();
  });

  function deps(overrides: Partial<ContactMethodDeps> = {}): ContactMethodDeps {
    return {
      models: env.models,
      catalog,
      reach: {
        secrets: {
          TWILIO_ACCOUNT_SID: ACCOUNT_SID,
          TWILIO_AUTH_TOKEN: AUTH_TOKEN,
          TWILIO_FROM: '+15005550006',
          TWILIO_API_URL: twilio.url,
          VAPID_PUBLIC_KEY: vapid.publicKey,
          VAPID_PRIVATE_KEY: vapid.privateKey,
          VAPID_SUBJECT: 'mailto:oncall@example.com',
        },
        httpTimeoutMs: 5_000,
        publicUrl: 'https://fireline.example.com',
        egress: new EgressPolicy(withLoopback({ hosts: [], cidrs: [] })),
      },
      now: () => now,
      ...overrides,
    };
  }

  /** The code in the last SMS the stand-in received for `number`. */
  function lastCodeTo(number: string): string {
    const body = twilio
      .to('Messages')
      .filter((m) => m.To === number)
      .at(-1)!.Body!;
    return /code is (\d{6})\./.exec(body)![1]!;
  }

  const refusalOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (err: unknown) => err,
    );

  it('adds an SMS number unconfirmed, sends it a code, and confirms it with that code', async () => {
    const { method, delivery } = await addContactMethod(deps(), 'erin', {
      type: 'sms',
      number: '+447700900111',
    });
    expect(method).toMatchObject({ type: 'sms', number: '+447700900111', verified: false });
    expect(method.pending).toMatchObject({ attemptsLeft: VERIFICATION.maxAttempts });
    expect(delivery.detail).toMatch(/^SMS to \+44 •••• 0111 queued/);
    const code = lastCodeTo('+447700900111');

    // What MongoDB holds: the code's salted hash, never the code.
    const stored = await env.models.ContactMethods.findById('erin').lean();
    expect(JSON.stringify(stored)).not.toContain(code);
    expect(stored!.contactMethods[0]!.verification!.codeHash).toMatch(/^scrypt\$/);

    // Only a verified method pages.
    const reader = new ContactMethodReader(env.models);
    expect(await reader.verifiedMethod('erin', method.id)).toBeUndefined();

    const wrong = code === '000000' ? '111111' : '000000';
    const refused = await refusalOf(confirmContactMethod(deps(), 'erin', method.id, { code: wrong }));
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).fields).toEqual([
      { field: 'body.code', message: `wrong code; ${VERIFICATION.maxAttempts - 1} attempt(s) left` },
    ]);

    const confirmed = await confirmContactMethod(deps(), 'erin', method.id, { code });
    expect(confirmed).toMatchObject({ verified: true, verifiedAt: now.toISOString() });
    expect(confirmed.pending).toBeUndefined();
    expect(await reader.verifiedMethod('erin', method.id)).toMatchObject({ number: '+447700900111' });
    expect((await listPersonContactMethods(deps(), 'erin')).map((m) => [m.id, m.verified])).toEqual([
      [method.id, true],
    ]);
  });

  it('refuses an expired code, and accepts the new one sent in its place', async () => {
    const { method } = await addContactMethod(deps(), 'erin', { type: 'voice', number: '+14155550123' });
    // A call speaks the code; the stand-in got the TwiML.
    const call = twilio.requests.filter((r) => r.resource === 'Calls').at(-1)!;
    const spoken = /code is ((?:\d, ){5}\d)\./.exec(call.fields.Twiml![0]!)![1]!;
    const code = spoken.replace(/, /g, '');

    now = new Date(now.getTime() + VERIFICATION.ttlMs + 1000);
    const expired = await refusalOf(confirmContactMethod(deps(), 'erin', method.id, { code }));
    expect((expired as ValidationError).fields).toEqual([
      { field: 'body.code', message: 'the code has expired; ask for a new one' },
    ]);

    await resendContactMethodCode(deps(), 'erin', method.id);
    const again = twilio.requests.filter((r) => r.resource === 'Calls').at(-1)!;
    const fresh = /code is ((?:\d, ){5}\d)\./.exec(again.fields.Twiml![0]!)![1]!.replace(/, /g, '');
    expect(await confirmContactMethod(deps(), 'erin', method.id, { code: fresh })).toMatchObject({
      verified: true,
    });
  });

  it(`refuses even the right code after ${VERIFICATION.maxAttempts} wrong ones`, async () => {
    const { method } = await addContactMethod(deps(), 'erin', { type: 'sms', number: '+447700900222' });
    const code = lastCodeTo('+447700900222');
    const wrong = code === '999999' ? '888888' : '999999';
    for (let attempt = 0; attempt < VERIFICATION.maxAttempts; attempt++) {
      await expect(confirmContactMethod(deps(), 'erin', method.id, { code: wrong })).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
    const refused = await refusalOf(confirmContactMethod(deps(), 'erin', method.id, { code }));
    expect((refused as ValidationError).fields).toEqual([
      { field: 'body.code', message: 'too many wrong codes; ask for a new one' },
    ]);
    expect((await listPersonContactMethods(deps(), 'erin')).find((m) => m.id === method.id)).toMatchObject({
      verified: false,
      pending: { attemptsLeft: 0 },
    });
  });

  it('sends a test page only to a confirmed method, and removes a method', async () => {
    const [confirmed] = (await listPersonContactMethods(deps(), 'erin')).filter((m) => m.verified);
    const before = twilio.requests.length;
    const delivery = await sendContactMethodTest(deps(), 'erin', confirmed!.id);
    expect(delivery.detail).toMatch(/^SMS to \+44 •••• 0111 queued/);
    expect(twilio.to('Messages').at(-1)!.Body).toContain('Fireline test page');
    expect(twilio.requests).toHaveLength(before + 1);

    const pending = (await listPersonContactMethods(deps(), 'erin')).find((m) => !m.verified)!;
    const conflict = await refusalOf(sendContactMethodTest(deps(), 'erin', pending.id));
    expect(conflict).toMatchObject({ status: 409 });

    await removeContactMethod(deps(), 'erin', confirmed!.id);
    expect((await listPersonContactMethods(deps(), 'erin')).map((m) => m.id)).not.toContain(confirmed!.id);
    expect(await new ContactMethodReader(env.models).verifiedMethod('erin', confirmed!.id)).toBeUndefined();
    await expect(removeContactMethod(deps(), 'erin', confirmed!.id)).rejects.toMatchObject({ status: 404 });
  });

  it('confirms a push subscription with the code pushed to it', async () => {
    const { method } = await addContactMethod(deps(), 'erin', {
      type: 'push',
      subscription: push.subscription('/push/erin-laptop'),
      label: 'laptop',
    });
    const payload = JSON.parse(push.received.at(-1)!.plaintext);
    expect(payload).toMatchObject({ kind: 'contact.verification', title: 'Fireline', actions: [] });
    const code = /code is (\d{6})\./.exec(payload.body)![1]!;
    expect(await confirmContactMethod(deps(), 'erin', method.id, { code })).toMatchObject({
      verified: true,
      label: 'laptop',
    });
  });

  it('keeps the code in the development inbox when Twilio is not configured there', async () => {
    const devDeps = deps({ devInbox: new DevInbox(env.models) });
    devDeps.reach = { ...devDeps.reach, secrets: {} };
    const { method, delivery } = await addContactMethod(devDeps, 'erin', {
      type: 'sms',
      number: '+447700900333',
    });
    expect(delivery).toEqual({ detail: 'TWILIO_ACCOUNT_SID is not set', devInbox: true });
    const kept = (await listDevInbox(env.models)).find((m) => m.incidentId === `contact:erin:${method.id}`)!;
    expect(kept.label).toBe('erin (sms +44 •••• 0333)');
    const code = /code is (\d{6})\./.exec(kept.title)![1]!;
    expect(await confirmContactMethod(devDeps, 'erin', method.id, { code })).toMatchObject({
      verified: true,
    });
  });

  it('refuses bad input with a 4xx naming the field', async () => {
    const fieldsOf = async (body: unknown, d = deps()) =>
      ((await refusalOf(addContactMethod(d, 'erin', body))) as ValidationError).fields.map((f) => f.field);
    expect(await fieldsOf({ type: 'sms', number: '07700 900123' })).toEqual(['body.number']);
    expect(await fieldsOf({ type: 'pager' })).toEqual(['body.type']);
    expect(
      await fieldsOf({
        type: 'push',
        subscription: { ...push.subscription(), keys: { p256dh: 'abc', auth: 'x' } },
      }),
    ).toEqual(['body.subscription.keys.p256dh', 'body.subscription.keys.auth']);
    // A plain-http endpoint only for a host FIRELINE_EGRESS_ALLOW names.
    const strict = deps();
    strict.reach = { ...strict.reach, egress: new EgressPolicy() };
    expect(await fieldsOf({ type: 'push', subscription: push.subscription() }, strict)).toEqual([
      'body.subscription.endpoint',
    ]);
    expect(await fieldsOf({ type: 'ntfy', server: 'ftp://ntfy.example.com', topic: 'x' }, strict)).toEqual([
      'body.server',
    ]);
    // A provider that is not configured (and no development inbox): the type is not available.
    const bare = deps();
    bare.reach = { ...bare.reach, secrets: {} };
    const unavailable = (await refusalOf(
      addContactMethod(bare, 'erin', { type: 'sms', number: '+447700900444' }),
    )) as ValidationError;
    expect(unavailable.fields).toEqual([
      {
        field: 'body.type',
        message:
          'sms contact methods are not available on this server: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM are not set',
      },
    ]);
    // Twilio refusing the number is the person's input too.
    twilio.invalidNumbers.add('+447700900555');
    const rejected = (await refusalOf(
      addContactMethod(deps(), 'erin', { type: 'sms', number: '+447700900555' }),
    )) as ValidationError;
    expect(rejected.fields[0]!.field).toBe('body.number');
    expect(rejected.fields[0]!.message).not.toContain('7700900555');
    // Someone not in the catalog has no contact methods.
    expect(await refusalOf(listPersonContactMethods(deps(), 'mallory'))).toBeInstanceOf(HttpError);
  });

  it("signs a webhook as Twilio documents it, which twilio-node's validator accepts", () => {
    // Twilio's documented example (https://www.twilio.com/docs/usage/webhooks/webhooks-security).
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const signature = twilioSignature(url, params, '12345');
    expect(signature).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(twilioClient.validateRequest('12345', signature, url, params)).toBe(true);
    expect(twilioClient.validateRequest('12345', signature, url, { ...params, Digits: '1' })).toBe(false);
  });
});
