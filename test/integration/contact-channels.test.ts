import webpush from 'web-push';
import { withLoopback } from '../../config';
import { createNotificationActivities, type NotificationDeps } from '../../activities/notifications';
import { pushPayload } from '../../activities/channels/push';
import type { ContactMethod } from '../../domain/contact-methods';
import type { PlannedDelivery } from '../../domain/incident';
import type { OnCallCatalog } from '../../domain/oncall';
import { changeContactMethods, ContactMethodReader } from '../../infra/contact-methods';
import { DevInbox, listDevInbox } from '../../infra/dev-inbox';
import { EgressPolicy } from '../../infra/egress';
import { HttpReceiver } from '../helpers/http-receiver';
import { pageContext } from '../helpers/notification-context';
import { PushEndpoint } from '../helpers/push-endpoint';
import { createTestDatabase } from '../helpers/test-database';
import { TwilioStandIn } from '../helpers/twilio-stand-in';

const ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
const AUTH_TOKEN = 'twilio-auth-token-for-tests';
const PUBLIC_URL = 'https://fireline.example.com';
const NUMBER = '+447700900123';

// Paging a person's verified contact methods through the official clients, pointed at local
// stand-ins: Twilio's REST API (twilio-node with TWILIO_API_URL), a push service that decrypts
// like a browser and checks VAPID (web-push), and an ntfy server (an HTTP receiver).
describe('contact method channels', () => {
  let env: Awaited<ReturnType<typeof createTestDatabase>>;
  let twilio: TwilioStandIn;
  let push: PushEndpoint;
  let ntfy: HttpReceiver;
  const vapid = webpush.generateVAPIDKeys();
  const catalog: OnCallCatalog = {
    people: [{ id: 'ezra', name: 'Ezra' }],
    channels: [],
    schedules: [],
    policies: [],
  };
  const context = pageContext({ alertCount: 2 });

  beforeAll(async () => {
    env = await createTestDatabase();
    twilio = await new TwilioStandIn({
      accountSid: ACCOUNT_SID,
      username: ACCOUNT_SID,
      password: AUTH_TOKEN,
    }).start();
    push = await new PushEndpoint().start();
    ntfy = await new HttpReceiver().start();
    ntfy.bodies.set('/', { id: 'hwQ2YpKdmg', event: 'message', topic: 'ezra-pages-3f9a' });
    const methods: ContactMethod[] = [
      {
        id: 'cm_sms',
        type: 'sms',
        number: NUMBER,
        createdAt: '2026-12-01T00:00:00Z',
        verifiedAt: '2026-12-01T00:01:00Z',
      },
      {
        id: 'cm_voice',
        type: 'voice',
        number: NUMBER,
        createdAt: '2026-12-01T00:00:00Z',
        verifiedAt: '2026-12-01T00:01:00Z',
      },
      {
        id: 'cm_push',
        type: 'push',
        subscription: push.subscription(),
        createdAt: '2026-12-01T00:00:00Z',
        verifiedAt: '2026-12-01T00:01:00Z',
      },
      {
        id: 'cm_ntfy',
        type: 'ntfy',
        server: ntfy.url(''),
        topic: 'ezra-pages-3f9a',
        tokenEnv: 'NTFY_TOKEN_ERIN',
        createdAt: '2026-12-01T00:00:00Z',
        verifiedAt: '2026-12-01T00:01:00Z',
      },
      { id: 'cm_unconfirmed', type: 'sms', number: '+447700900999', createdAt: '2026-12-01T00:00:00Z' },
    ];
    await changeContactMethods(env.models, 'ezra', () => ({ next: methods, result: undefined }));
  });
  afterAll(async () => {
    await twilio?.stop();
    await push?.stop();
    await ntfy?.stop();
    await env?.teardown();
  });

  const twilioSecrets = {
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_FROM: '+15005550006',
  };

  function activities(overrides: Partial<NotificationDeps> = {}) {
    return createNotificationActivities({
      catalog,
      secrets: {
        ...twilioSecrets,
        TWILIO_API_URL: twilio.url,
        PUBLIC_URL,
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
        VAPID_SUBJECT: 'mailto:oncall@example.com',
        NTFY_TOKEN_ERIN: 'tk_erin_token',
      },
      publicUrl: PUBLIC_URL,
      mailFrom: 'Fireline <fireline@example.com>',
      contactMethods: new ContactMethodReader(env.models),
      // The stand-ins listen on loopback: allowed as the local stack and the tests allow it.
      egress: new EgressPolicy(withLoopback({ hosts: [], cidrs: [] })),
      ...overrides,
    });
  }

  const delivery = (channelType: PlannedDelivery['channelType'], methodId: string): PlannedDelivery => ({
    deliveryId: `d-${methodId}`,
    channelType,
    destination: `contact:ezra:${methodId}`,
    label: `ezra (${channelType})`,
    personId: 'ezra',
  });

  it('sends the SMS through twilio-node to TWILIO_API_URL, with the reply codes and the status callback', async () => {
    const result = await activities().deliverNotification({
      delivery: delivery('sms', 'cm_sms'),
      context,
      idempotencyKey: 'INC-ABCDEF123456:sms',
      replyCode: '4821',
    });
    const [sent] = twilio.requests.filter((r) => r.resource === 'Messages');
    expect(sent!.username).toBe(ACCOUNT_SID);
    expect(sent!.userAgent).toMatch(/^twilio-node\//);
    expect(twilio.to('Messages')[0]).toEqual({
      To: NUMBER,
      From: '+15005550006',
      Body: '[SEV1] payments: Card authorisations failing — reply 4821a to acknowledge, 4821e to escalate',
      StatusCallback: `${PUBLIC_URL}/v1/integrations/twilio/status`,
    });
    // What goes to the timeline: the number masked.
    expect(result.detail).toMatch(/^SMS to \+44 •••• 0123 queued \(SM[0-9a-f]{32}\)$/);
    expect(result.detail).not.toContain('7700900');
  });

  it('uses an API key and a messaging service when configured that way', async () => {
    const keyed = await new TwilioStandIn({
      accountSid: ACCOUNT_SID,
      username: `SK${'b2'.repeat(16)}`,
      password: 'api-key-secret',
    }).start();
    try {
      const { detail } = await activities({
        secrets: {
          TWILIO_ACCOUNT_SID: ACCOUNT_SID,
          TWILIO_API_KEY: `SK${'b2'.repeat(16)}`,
          TWILIO_API_SECRET: 'api-key-secret',
          TWILIO_FROM: `MG${'c3'.repeat(16)}`,
          TWILIO_API_URL: keyed.url,
        },
      }).deliverNotification({ delivery: delivery('sms', 'cm_sms'), context, idempotencyKey: 'k-mg' });
      expect(keyed.requests[0]!.username).toBe(`SK${'b2'.repeat(16)}`);
      expect(keyed.to('Messages')[0]).toMatchObject({
        MessagingServiceSid: `MG${'c3'.repeat(16)}`,
        To: NUMBER,
      });
      expect(keyed.to('Messages')[0]!.From).toBeUndefined();
      expect(detail).toContain('accepted');
    } finally {
      await keyed.stop();
    }
  });

  it('calls with TwiML that speaks the incident and gathers one digit for the voice webhook', async () => {
    const result = await activities().deliverNotification({
      delivery: delivery('voice', 'cm_voice'),
      context,
      idempotencyKey: 'INC-ABCDEF123456:voice',
    });
    const [call] = twilio.requests.filter((r) => r.resource === 'Calls');
    expect(call!.fields.To).toEqual([NUMBER]);
    expect(call!.fields.From).toEqual(['+15005550006']);
    expect(call!.fields.StatusCallback).toEqual([`${PUBLIC_URL}/v1/integrations/twilio/status`]);
    expect(call!.fields.StatusCallbackEvent).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    const twiml = call!.fields.Twiml![0]!;
    expect(twiml).toContain(
      `<Gather numDigits="1" action="${PUBLIC_URL}/v1/integrations/twilio/voice" method="POST" timeout="10">`,
    );
    expect(twiml).toContain(
      '<Say>Fireline page. SEV1 incident on payments: Card authorisations failing. Press 1 to acknowledge. Press 2 to escalate.</Say>',
    );
    expect(result.detail).toMatch(/^call to \+44 •••• 0123 queued \(CA[0-9a-f]{32}\)$/);
  });

  it("fails without retry when Twilio refuses the number, the number masked in Twilio's message", async () => {
    twilio.invalidNumbers.add(NUMBER);
    try {
      const failure = await activities()
        .deliverNotification({ delivery: delivery('sms', 'cm_sms'), context, idempotencyKey: 'k-bad' })
        .then(
          () => undefined,
          (err: unknown) => err as { nonRetryable: boolean; type: string; message: string },
        );
      expect(failure).toMatchObject({ nonRetryable: true, type: 'NotificationRejected' });
      expect(failure!.message).toContain("The 'To' number +44 •••• 0123 is not a valid phone number");
      expect(failure!.message).toContain('21211');
      expect(failure!.message).not.toContain('7700900');
    } finally {
      twilio.invalidNumbers.delete(NUMBER);
    }
  });

  it('delivers a Web Push message that the browser decrypts to the page, signed with the VAPID key', async () => {
    const result = await activities().deliverNotification({
      delivery: delivery('push', 'cm_push'),
      context,
      idempotencyKey: 'INC-ABCDEF123456:push',
    });
    expect(result.detail).toBe(`push via ${new URL(push.origin).host}: HTTP 201`);
    const [received] = push.received;
    expect(received!.path).toBe('/push/device-1');
    expect(received!.vapid).toMatchObject({ sub: 'mailto:oncall@example.com', publicKey: vapid.publicKey });
    expect(received!.headers.urgency).toBe('high');
    expect(received!.headers.ttl).toBe('3600');
    const payload = JSON.parse(received!.plaintext);
    const incidentUrl = `${PUBLIC_URL}/v1/incidents/INC-ABCDEF123456`;
    expect(payload).toEqual(pushPayload({ context, url: incidentUrl }));
    expect(payload).toMatchObject({
      kind: 'incident.page',
      title: '[SEV1] payments: Card authorisations failing',
      actions: [{ action: 'open', title: 'Open', url: incidentUrl }],
    });
    // With a signed acknowledge link (made by the signed-link work), it is the first button.
    expect(pushPayload({ context, ackUrl: 'https://fireline.example.com/a/tok' }).actions).toEqual([
      { action: 'acknowledge', title: 'Acknowledge', url: 'https://fireline.example.com/a/tok' },
    ]);
  });

  it('refuses a plain-http push endpoint unless FIRELINE_EGRESS_ALLOW names its host', async () => {
    await expect(
      activities({ egress: new EgressPolicy() }).deliverNotification({
        delivery: delivery('push', 'cm_push'),
        context,
        idempotencyKey: 'k-push-refused',
      }),
    ).rejects.toMatchObject({ nonRetryable: true, type: 'EgressRefused' });
    expect(push.received).toHaveLength(1);
  });

  it('publishes to ntfy as JSON with the priority of the severity and the token the method names', async () => {
    const result = await activities().deliverNotification({
      delivery: delivery('ntfy', 'cm_ntfy'),
      context,
      idempotencyKey: 'INC-ABCDEF123456:ntfy',
    });
    const [published] = ntfy.to('/');
    expect(published!.headers.authorization).toBe('Bearer tk_erin_token');
    expect(published!.headers['content-type']).toBe('application/json');
    expect(published!.body).toEqual({
      topic: 'ezra-pages-3f9a',
      title: '[SEV1] payments: Card authorisations failing',
      message: 'INC-ABCDEF123456 · triggered · 2 alert(s) · level 1',
      priority: 5,
      tags: ['rotating_light'],
      click: `${PUBLIC_URL}/v1/incidents/INC-ABCDEF123456`,
      actions: [{ action: 'view', label: 'Open', url: `${PUBLIC_URL}/v1/incidents/INC-ABCDEF123456` }],
    });
    expect(result.detail).toBe(`ntfy ${new URL(ntfy.url('')).host}: message hwQ2YpKdmg`);
  });

  it('never pages an unconfirmed method, nor one the person does not have', async () => {
    for (const methodId of ['cm_unconfirmed', 'cm_missing']) {
      await expect(
        activities().deliverNotification({
          delivery: delivery('sms', methodId),
          context,
          idempotencyKey: `k-${methodId}`,
        }),
      ).rejects.toMatchObject({ nonRetryable: true, type: 'ChannelNotConfigured' });
    }
    expect(twilio.to('Messages').map((m) => m.To)).not.toContain('+447700900999');
  });

  it('keeps the page in the development inbox when Twilio is not configured', async () => {
    const before = twilio.requests.length;
    const result = await activities({ secrets: {}, devInbox: new DevInbox(env.models) }).deliverNotification({
      delivery: delivery('sms', 'cm_sms'),
      context,
      idempotencyKey: 'INC-ABCDEF123456:dev-sms',
    });
    expect(result).toEqual({ detail: 'TWILIO_ACCOUNT_SID is not set', devInbox: true });
    expect(twilio.requests).toHaveLength(before);
    const kept = (await listDevInbox(env.models)).find((m) => m._id === 'INC-ABCDEF123456:dev-sms');
    expect(kept).toMatchObject({ incidentId: 'INC-ABCDEF123456', missing: 'TWILIO_ACCOUNT_SID' });
  });
});
