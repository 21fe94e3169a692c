import { liveOnCallModel } from '../../api/deps';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import webpush from 'web-push';
import { createNotificationActivities } from '../../activities/notifications';
import { createApp } from '../../api/app';
import { withLoopback } from '../../config';
import type { ContactMethod } from '../../domain/contact-methods';
import type { NotificationContext } from '../../domain/incident';
import type { OnCallCatalog } from '../../domain/oncall';
import type { TriageRules } from '../../domain/triage-types';
import { actionLinkSettings, signActionToken } from '../../infra/action-links';
import { changeContactMethods, ContactMethodReader } from '../../infra/contact-methods';
import { EgressPolicy } from '../../infra/egress';
import { createLogger } from '../../infra/logger';
import { eventually, HttpReceiver } from '../helpers/http-receiver';
import { openIncident, timelineOf } from '../helpers/incidents';
import { pageContext } from '../helpers/notification-context';
import { PushEndpoint } from '../helpers/push-endpoint';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { bodyOf } from '../helpers/smtp-capture';
import { testTeams } from '../helpers/test-catalog';

const PUBLIC_URL = 'https://fireline.example.com';
const SECRET = 'action-link-secret-for-the-tests-0123456789';
const LINK = /https:\/\/fireline\.example\.com(\/v1\/act\/[A-Za-z0-9_.-]+)/;

// Acknowledge links end to end: a SEV page by email through the real workflow and a local SMTP
// server, push and ntfy pages through their activity to a local push service and ntfy server, and
// the link followed against the API with no key and no cookie.
describe('acknowledge links', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;
  let smtp: SMTPServer;
  let push: PushEndpoint;
  let ntfy: HttpReceiver;
  const mails: Array<{ to: string[]; text: string }> = [];
  const logLines: string[] = [];
  const vapid = webpush.generateVAPIDKeys();
  const vapidSecrets = {
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    VAPID_SUBJECT: 'mailto:oncall@example.com',
  };

  const catalog: OnCallCatalog = {
    teams: testTeams(),
    people: [
      { id: 'alice', name: 'Alice Admin', rights: [{ role: 'admin' }] },
      {
        id: 'bea',
        name: 'Bea Payments',
        email: 'bea@example.com',
        rights: [{ role: 'responder', teams: ['payments'] }],
      },
      // Paged too, but a responder of another team only: the link names him, his rights refuse it.
      {
        id: 'sam',
        name: 'Sam Search',
        email: 'sam@example.com',
        rights: [{ role: 'responder', teams: ['search'] }],
      },
    ],
    channels: [],
    schedules: [],
    policies: [
      {
        id: 'payments',
        name: 'Payments',
        levels: [
          {
            delaySeconds: 300,
            targets: [
              { type: 'person', id: 'bea' },
              { type: 'person', id: 'sam' },
            ],
          },
        ],
        repeat: 0,
        fallback: [],
      },
    ],
  };
  const rules: TriageRules = {
    rules: [],
    defaultRule: { id: 'default', impact: 'high', team: 'payments', escalationPolicy: 'payments' },
  };

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), text: bodyOf(data) });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    push = await new PushEndpoint().start();
    ntfy = await new HttpReceiver().start();
    ntfy.bodies.set('/', { id: 'msg1', event: 'message' });

    env = await createTestEnv({
      catalog,
      config: { PUBLIC_URL, ACTION_LINK_SECRET: SECRET, ACTION_LINK_TTL_SECONDS: 3600 },
    });
    // The API as production builds it, with a logger whose lines the test reads.
    app = createApp({
      ...env.apiDeps,
      logger: createLogger({
        level: 'info',
        destination: new Writable({
          write(chunk: Buffer, _enc, done) {
            logLines.push(chunk.toString('utf8'));
            done();
          },
        }),
      }),
      onCall: liveOnCallModel(catalog, env.models, {}),
    });
    await env.startWorker({
      catalog,
      triageRules: rules,
      secrets: vapidSecrets,
      mailer: nodemailer.createTransport({
        host: '127.0.0.1',
        port: (smtp.server.address() as AddressInfo).port,
        secure: false,
        ignoreTLS: true,
      }),
      mailFrom: 'Fireline <fireline@example.com>',
      contactMethods: new ContactMethodReader(env.models),
      egress: new EgressPolicy(withLoopback({ hosts: [], cidrs: [] })),
    });
  });
  afterAll(async () => {
    await env?.teardown();
    await push?.stop();
    await ntfy?.stop();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  async function trigger(dedupKey: string) {
    await request(env.app)
      .post('/v1/alerts')
      .send({
        service: 'payments',
        summary: `Card authorisations failing (${dedupKey})`,
        severity: 'critical',
        dedupKey,
      })
      .expect(202);
    return openIncident(env, 'payments', dedupKey);
  }

  async function linkMailedTo(address: string, incidentId: string): Promise<string> {
    return eventually(() => {
      const mail = mails.find((m) => m.to.includes(address) && m.text.includes(incidentId));
      const path = mail && LINK.exec(mail.text)?.[1];
      if (!path) throw new Error(`no link mailed to ${address} yet`);
      return path;
    });
  }

  async function statusOf(incidentId: string): Promise<string> {
    return (
      (await request(env.app).get(`/v1/incidents/${incidentId}`).expect(200)).body as { status: string }
    ).status;
  }

  it('mails a link whose GET only asks, whose POST acknowledges as the person; refusals do nothing', async () => {
    const incident = await trigger('email-link');
    const beaLink = await linkMailedTo('bea@example.com', incident.incidentId);
    const samLink = await linkMailedTo('sam@example.com', incident.incidentId);

    // A GET (what a mail scanner does) shows the confirm page and acknowledges nothing.
    const page = await request(app).get(beaLink).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain(`Acknowledge ${incident.incidentId}?`);
    expect(page.text).toContain('Bea Payments');
    expect(page.text).toContain(`<form method="post" action="${beaLink}"`);
    expect(await statusOf(incident.incidentId)).toBe('triggered');

    // Sam's link is genuine, but Sam has no rights on payments' incidents.
    const refused = await request(app).post(samLink).set('accept', 'application/json').expect(403);
    expect(refused.body.error.message).toMatch(/Sam Search \(sam\) may not use incidents:write on INC-/);
    expect((await request(app).post(samLink).expect(403)).text).toContain('Nothing was done');

    // Tampered, forged, expired, for another action, or not a token at all.
    const token = beaLink.slice('/v1/act/'.length);
    const [payload, signature] = token.split('.') as [string, string];
    const otherPerson = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), p: 'alice' }),
    ).toString('base64url');
    await request(app).post(`/v1/act/${otherPerson}.${signature}`).expect(403);
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`;
    await request(app).post(`/v1/act/${payload}.${flipped}`).expect(403);
    const expired = signActionToken(SECRET, {
      incidentId: incident.incidentId,
      personId: 'bea',
      action: 'acknowledge',
      via: 'email link',
      expiresAt: Math.floor(Date.now() / 1000) - 1,
    });
    const gone = await request(app).post(`/v1/act/${expired}`).expect(410);
    expect(gone.text).toContain('This link has expired');
    expect((await request(app).get(`/v1/act/${expired}`).expect(410)).text).not.toContain('<form');
    const resolvePayload = Buffer.from(
      JSON.stringify({ i: incident.incidentId, p: 'bea', a: 'resolve', v: 'email link', e: 4_000_000_000 }),
    ).toString('base64url');
    const resolveSig = createHmac('sha256', SECRET)
      .update(`fireline-action-link.v1.${resolvePayload}`)
      .digest('base64url');
    await request(app).post(`/v1/act/${resolvePayload}.${resolveSig}`).expect(400);
    await request(app).post('/v1/act/not-a-token').set('accept', 'application/json').expect(400);
    expect(await statusOf(incident.incidentId)).toBe('triggered');

    // The button: a form POST with no key and no cookie.
    const done = await request(app).post(beaLink).set('accept', 'text/html').expect(200);
    expect(done.text).toContain(`You acknowledged ${incident.incidentId} as Bea Payments`);
    expect(await statusOf(incident.incidentId)).toBe('acknowledged');
    await eventually(async () => {
      const entry = (await timelineOf(env, incident.incidentId)).find((e) => e.type === 'acknowledged');
      expect(entry).toMatchObject({
        actor: 'user:bea',
        message: expect.stringContaining('(via email link)'),
      });
    });
    // Used once: the incident is acknowledged, so the link does nothing more.
    await request(app).post(beaLink).set('accept', 'application/json').expect(409);

    // The token is in no log line, and neither it nor the secret is in the workflow's history.
    const logs = logLines.join('');
    expect(logs).toContain('/v1/act/[redacted]');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(payload);
    const history = JSON.stringify(await env.client.workflow.getHandle(incident.workflowId).fetchHistory());
    expect(history).not.toContain(payload);
    expect(history).not.toContain(SECRET);
  });

  it('puts the link on the push notification and the ntfy message; POSTing it acknowledges', async () => {
    const methods: ContactMethod[] = [
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
        topic: 'bea-pages-3f9a',
        createdAt: '2026-12-01T00:00:00Z',
        verifiedAt: '2026-12-01T00:01:00Z',
      },
    ];
    await changeContactMethods(env.models, 'bea', () => ({ next: methods, result: undefined }));
    // The notification activity as the worker builds it, paging Bea's own contact methods.
    const activities = createNotificationActivities({
      catalog,
      secrets: vapidSecrets,
      publicUrl: PUBLIC_URL,
      actionLinks: actionLinkSettings(env.config),
      mailFrom: 'Fireline <fireline@example.com>',
      contactMethods: new ContactMethodReader(env.models),
      egress: new EgressPolicy(withLoopback({ hosts: [], cidrs: [] })),
    });
    const contextOf = (incident: { incidentId: string; title: string }): NotificationContext =>
      pageContext({ incidentId: incident.incidentId, title: incident.title });

    const pushed = await trigger('push-link');
    await activities.deliverNotification({
      delivery: {
        deliveryId: 'd-push',
        channelType: 'push',
        destination: 'contact:bea:cm_push',
        label: 'bea (push)',
        personId: 'bea',
      },
      context: contextOf(pushed),
      idempotencyKey: `${pushed.incidentId}:push`,
    });
    const payload = JSON.parse(push.received.at(-1)!.plaintext) as {
      actions: Array<{ action: string; url: string }>;
    };
    const ack = payload.actions.find((a) => a.action === 'acknowledge')!;
    expect(ack.url).toMatch(LINK);
    // What the service worker sends: a POST, no cookie, asking for JSON.
    const viaPush = await request(app)
      .post(LINK.exec(ack.url)![1]!)
      .set('accept', 'application/json')
      .expect(200);
    expect(viaPush.body).toEqual({
      incidentId: pushed.incidentId,
      action: 'acknowledge',
      actor: 'user:bea',
      via: 'push',
    });
    expect(await statusOf(pushed.incidentId)).toBe('acknowledged');

    const published = await trigger('ntfy-link');
    await activities.deliverNotification({
      delivery: {
        deliveryId: 'd-ntfy',
        channelType: 'ntfy',
        destination: 'contact:bea:cm_ntfy',
        label: 'bea (ntfy)',
        personId: 'bea',
      },
      context: contextOf(published),
      idempotencyKey: `${published.incidentId}:ntfy`,
    });
    const message = ntfy.to('/').at(-1)!.body as { actions: Array<Record<string, unknown>> };
    const httpAction = message.actions.find((a) => a.action === 'http')!;
    expect(httpAction).toMatchObject({
      label: 'Acknowledge',
      method: 'POST',
      url: expect.stringMatching(LINK),
    });
    // ntfy's http action: a bare POST.
    await request(app)
      .post(LINK.exec(httpAction.url as string)![1]!)
      .expect(200);
    // The timeline is MongoDB's copy, saved shortly after the acknowledgement.
    await eventually(async () => {
      const entry = (await timelineOf(env, published.incidentId)).find((e) => e.type === 'acknowledged');
      expect(entry).toMatchObject({ actor: 'user:bea', message: expect.stringContaining('(via ntfy)') });
    });
  });

  it('needs no key, but counts against the per-address rate limit like every route', async () => {
    const limited = createApp({
      ...env.apiDeps,
      config: { ...env.config, RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 2 },
      onCall: liveOnCallModel(catalog, env.models, {}),
    });
    await request(limited).get('/v1/act/not-a-token').expect(400);
    await request(limited).post('/v1/act/not-a-token').set('accept', 'application/json').expect(400);
    const refused = await request(limited).post('/v1/act/not-a-token').set('accept', 'application/json');
    expect(refused.status).toBe(429);
  });
});
