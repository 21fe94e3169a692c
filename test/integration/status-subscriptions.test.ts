import nodemailer from 'nodemailer';
import request from 'supertest';
import { createApp } from '../../api/app';
import { freePort } from '../../stack/ports';
import { eventually } from '../helpers/http-receiver';
import { bodyOf, SmtpCapture } from '../helpers/smtp-capture';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

const PUBLIC_URL = 'https://status.example.com';
const LINK = (kind: string) =>
  new RegExp(`https://status\\.example\\.com(/status/subscriptions/${kind}\\?token=[A-Za-z0-9_-]{43})`);

// Email subscriptions to the status page, through a local SMTP server: double opt-in (a GET of the
// link never confirms), each public update mailed to confirmed subscribers only, and unsubscribed
// by the mail's link, from the page or in one click.
describe('status page email subscriptions', () => {
  let env: TestEnv;
  let smtp: SmtpCapture;

  beforeAll(async () => {
    smtp = await new SmtpCapture().start();
    env = await createTestEnv({
      reach: {
        secrets: {},
        httpTimeoutMs: 10_000,
        publicUrl: PUBLIC_URL,
        mailer: smtp.transport(),
        mailFrom: 'status@example.com',
      },
    });
    await request(env.app)
      .post('/v1/status/components')
      .send({ id: 'checkout', name: 'Checkout', services: ['checkout'] })
      .expect(201);
  });
  afterAll(async () => {
    await env.teardown();
    await smtp.stop();
  });

  const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
  const subscribeAs = (email: string) =>
    request(env.rawApp).post('/status/subscriptions').type('form').send({ email });

  it('confirms by the link’s button only, mails public updates to the confirmed, and unsubscribes', async () => {
    const page = await request(env.rawApp).get('/status').expect(200);
    expect(page.text).toContain('action="/status/subscriptions"');

    expect((await subscribeAs('Reader@Example.com')).status).toBe(202);
    expect((await subscribeAs('pending@example.com')).status).toBe(202);
    const confirmation = await eventually(async () => {
      const [mail] = mailsTo('reader@example.com');
      expect(mail).toBeDefined();
      return bodyOf(mail!.data);
    });
    expect(confirmation).toContain('If it was not you, ignore this mail');
    const confirmPath = LINK('confirm').exec(confirmation)![1]!;
    // Asking again soon sends nothing more: the form cannot be used to flood an inbox.
    expect((await subscribeAs('reader@example.com')).status).toBe(202);

    // The link's page only shows the button (a mail scanner's GET confirms nothing).
    const shown = await request(env.rawApp).get(confirmPath).expect(200);
    expect(shown.text).toContain('<button type="submit">Confirm</button>');
    const token = new URL(confirmPath, PUBLIC_URL).searchParams.get('token')!;
    await request(env.app)
      .post('/v1/status/incidents')
      .send({
        title: 'Checkout slow',
        components: ['checkout'],
        body: 'Before anyone confirmed.',
      });
    await request(env.rawApp).post('/status/subscriptions/confirm').type('form').send({ token }).expect(200);
    await request(env.rawApp)
      .post('/status/subscriptions/confirm')
      .type('form')
      .send({ token: 'x'.repeat(43) })
      .expect(404);

    const { body: incident } = await request(env.app).get('/v1/status/incidents').expect(200);
    const id = incident.incidents[0].id as string;
    await request(env.app)
      .post(`/v1/status/incidents/${id}/updates`)
      .send({ status: 'identified', body: 'A slow database replica; failing over.' })
      .expect(201);
    const update = await eventually(async () => {
      const mails = mailsTo('reader@example.com');
      expect(mails).toHaveLength(2);
      return mails[1]!;
    });
    expect(update.data).toMatch(/^Subject: \[Service status\] Identified: Checkout slow\r?$/m);
    expect(update.data).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    const text = bodyOf(update.data);
    expect(text).toContain('A slow database replica; failing over.');
    expect(text).toContain(`${PUBLIC_URL}/status#${id}`);
    expect(text).not.toContain('Before anyone confirmed.');
    expect(text).not.toContain('alice');
    // Only the confirmed subscriber was mailed; the pending one got its confirmation only.
    expect(mailsTo('pending@example.com')).toHaveLength(1);

    // Unsubscribed in one click (RFC 8058), as a mail client does from List-Unsubscribe.
    const unsubscribePath = LINK('unsubscribe').exec(text)![1]!;
    await request(env.rawApp).get(unsubscribePath).expect(200);
    await request(env.rawApp)
      .post(unsubscribePath)
      .type('form')
      .send({ 'List-Unsubscribe': 'One-Click' })
      .expect(200);
    await request(env.rawApp).get(unsubscribePath).expect(404);
    // The pending subscriber confirms now: the resolve is mailed to them, and to nobody else.
    const pendingLink = LINK('confirm').exec(bodyOf(mailsTo('pending@example.com')[0]!.data))![1]!;
    const pendingToken = new URL(pendingLink, PUBLIC_URL).searchParams.get('token')!;
    await request(env.rawApp)
      .post('/status/subscriptions/confirm')
      .type('form')
      .send({ token: pendingToken })
      .expect(200);
    await request(env.app).post(`/v1/status/incidents/${id}/resolve`).send({ body: 'Fixed.' }).expect(200);
    await eventually(async () => {
      expect(mailsTo('pending@example.com').map((m) => bodyOf(m.data).includes('Fixed.'))).toEqual([
        false,
        true,
      ]);
    });
    expect(mailsTo('reader@example.com')).toHaveLength(2);
  });

  it('answers 503 when the confirmation cannot be sent, and sends one at the next try', async () => {
    const noSmtp = createApp({
      ...env.apiDeps,
      reach: {
        ...env.apiDeps.reach,
        mailer: nodemailer.createTransport({ host: '127.0.0.1', port: await freePort(), ignoreTLS: true }),
      },
    });
    const refused = await request(noSmtp)
      .post('/status/subscriptions')
      .type('form')
      .send({ email: 'later@example.com' })
      .expect(503);
    expect(refused.body.error.message).toBe('The confirmation mail could not be sent; retry shortly');
    expect((await subscribeAs('later@example.com')).status).toBe(202);
    await eventually(async () => expect(mailsTo('later@example.com')).toHaveLength(1));
  });

  it('refuses what is not an email address, on a page', async () => {
    const refused = await subscribeAs('not an address').expect(400);
    expect(refused.text).toContain('That is not an email address');
  });
});
