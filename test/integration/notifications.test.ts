import { SMTPServer } from 'smtp-server';
import nodemailer from 'nodemailer';
import type { AddressInfo } from 'node:net';
import { signWebhook } from '../../activities/channels/signed-post';
import { createNotificationActivities } from '../../activities/notifications';
import type { NotificationContext } from '../../domain/incident';
import type { OnCallCatalog } from '../../domain/oncall';
import { HttpReceiver } from '../helpers/http-receiver';

// The notification activity against real local receivers: an HTTP server for
// Slack and webhooks and an SMTP server for email.
describe('deliverNotification', () => {
  let receiver: HttpReceiver;
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: Array<{ from: string; to: string[]; data: string }> = [];

  const catalog: OnCallCatalog = {
    people: [{ id: 'erin', name: 'Erin', email: 'erin@example.com' }],
    channels: [
      { id: 'slack', type: 'slack', webhookUrlEnv: 'SLACK_URL' },
      { id: 'hook', type: 'webhook', urlEnv: 'HOOK_URL', secretEnv: 'HOOK_SECRET' },
      { id: 'broken', type: 'webhook', urlEnv: 'BROKEN_URL' },
      { id: 'unset', type: 'webhook', urlEnv: 'NOT_SET_ANYWHERE' },
      { id: 'managers', type: 'email', to: ['a@example.com', 'b@example.com'] },
    ],
    schedules: [],
    policies: [],
  };
  const context: NotificationContext = {
    incidentId: 'INC-ABCDEF123456',
    title: 'Checkout down',
    service: 'checkout',
    severity: 'SEV1',
    priority: 'P1',
    status: 'triggered',
    labels: {},
    major: true,
    team: 'payments',
    alertCount: 3,
    links: [{ href: 'https://grafana.example.com/d/1', text: 'Dashboard' }],
    reason: 'level 1',
  };

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
    receiver.failures.set('/broken', 400);
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await receiver.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  function activities() {
    return createNotificationActivities({
      catalog,
      secrets: {
        SLACK_URL: receiver.url('/slack'),
        HOOK_URL: receiver.url('/hook'),
        HOOK_SECRET: 'shh',
        BROKEN_URL: receiver.url('/broken'),
      },
      publicUrl: 'https://fireline.example.com',
      mailer: nodemailer.createTransport({
        host: '127.0.0.1',
        port: smtpPort,
        secure: false,
        ignoreTLS: true,
      }),
      mailFrom: 'Fireline <fireline@example.com>',
    });
  }

  it('posts a Block Kit message to Slack with the incident link', async () => {
    const result = await activities().deliverNotification({
      delivery: { deliveryId: 'd1', channelType: 'slack', destination: 'slack', label: 'slack (slack)' },
      context,
      idempotencyKey: 'INC-ABCDEF123456:d1',
    });
    expect(result.detail).toBe('HTTP 200');
    const [hit] = receiver.to('/slack');
    const body = hit!.body as { text: string; blocks: Array<{ type: string }> };
    expect(body.text).toContain('SEV1 P1 MAJOR: Checkout down');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(hit!.rawBody).toContain('https://fireline.example.com/v1/incidents/INC-ABCDEF123456');
    expect(hit!.headers['idempotency-key']).toBe('INC-ABCDEF123456:d1');
  });

  it('signs generic webhooks with HMAC-SHA256 over timestamp and body', async () => {
    await activities().deliverNotification({
      delivery: { deliveryId: 'd2', channelType: 'webhook', destination: 'hook', label: 'hook' },
      context,
      idempotencyKey: 'key-2',
    });
    const [hit] = receiver.to('/hook');
    const timestamp = hit!.headers['x-fireline-timestamp'] as string;
    expect(hit!.headers['x-fireline-signature']).toBe(signWebhook('shh', timestamp, hit!.rawBody));
    expect(hit!.headers['x-fireline-signature']).not.toBe(signWebhook('wrong', timestamp, hit!.rawBody));
  });

  it('fails without retry on a 4xx, and names a missing environment variable without leaking URLs', async () => {
    await expect(
      activities().deliverNotification({
        delivery: { deliveryId: 'd3', channelType: 'webhook', destination: 'broken', label: 'broken' },
        context,
        idempotencyKey: 'key-3',
      }),
    ).rejects.toMatchObject({ nonRetryable: true, message: 'HTTP 400: ok' });
    await expect(
      activities().deliverNotification({
        delivery: { deliveryId: 'd4', channelType: 'webhook', destination: 'unset', label: 'unset' },
        context,
        idempotencyKey: 'key-4',
      }),
    ).rejects.toMatchObject({
      nonRetryable: true,
      message: 'channel unset: environment variable NOT_SET_ANYWHERE is not set',
    });
  });

  it('emails a person and an email channel over SMTP with a stable Message-ID', async () => {
    await activities().deliverNotification({
      delivery: { deliveryId: 'd5', channelType: 'email', destination: 'person:erin', label: 'erin (email)' },
      context,
      idempotencyKey: 'INC-ABCDEF123456:r0-l0:email:person:erin',
    });
    await activities().deliverNotification({
      delivery: { deliveryId: 'd6', channelType: 'email', destination: 'managers', label: 'managers' },
      context,
      idempotencyKey: 'key-6',
    });
    expect(mails.map((m) => m.to)).toEqual([['erin@example.com'], ['a@example.com', 'b@example.com']]);
    expect(mails[0]!.data).toContain('Subject: [SEV1/P1] Checkout down');
    expect(mails[0]!.data).toContain('Message-ID: <INC-ABCDEF123456:r0-l0:email:person:erin@fireline>');
  });
});
