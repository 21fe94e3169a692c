import {
  addContactMethod,
  confirmContactMethod,
  type ContactMethodDeps,
} from '../../api/contact-methods/service';
import { createNotificationActivities } from '../../activities/notifications';
import type { OnCallCatalog } from '../../domain/oncall';
import { ContactMethodReader } from '../../infra/contact-methods';
import { pageContext } from '../helpers/notification-context';
import { SlackApiStandIn } from '../helpers/slack-api';
import { SmtpCapture } from '../helpers/smtp-capture';
import { createTestDatabase } from '../helpers/test-database';

// A Slack DM as a contact method, through Slack's own client pointed at a local stand-in of
// its Web API: the code arrives in the app's DM with the person, and a page there is the
// incident's message with its buttons.
describe('Slack direct messages and email as contact methods', () => {
  let env: Awaited<ReturnType<typeof createTestDatabase>>;
  let slack: SlackApiStandIn;
  const catalog: OnCallCatalog = {
    people: [{ id: 'elsa', name: 'Elsa', slackUserId: 'U0ERIN' }],
    channels: [],
    schedules: [],
    policies: [],
  };
  const context = pageContext();

  beforeAll(async () => {
    env = await createTestDatabase();
    slack = await new SlackApiStandIn().start();
  });
  afterAll(async () => {
    await slack?.stop();
    await env?.teardown();
  });

  function deps(withSlack = true): ContactMethodDeps {
    return {
      models: env.models,
      catalog,
      reach: { secrets: {}, httpTimeoutMs: 5_000, ...(withSlack ? { slack: slack.client() } : {}) },
    };
  }

  it('sends the code in the DM, confirms it, and pages there with the incident message and its buttons', async () => {
    const { method } = await addContactMethod(deps(), 'elsa', { type: 'slack_dm', slackUserId: 'U0ERIN' });
    expect(slack.callsOf('conversations.open').at(-1)!.args).toMatchObject({ users: 'U0ERIN' });
    const codeMessage = slack.messages.filter((m) => m.channel === 'D0ERIN').at(-1)!;
    const code = /code is (\d{6})\./.exec(String(codeMessage.text))![1]!;
    await confirmContactMethod(deps(), 'elsa', method.id, { code });

    const activities = createNotificationActivities({
      catalog,
      secrets: {},
      mailFrom: 'Fireline <fireline@example.com>',
      slack: slack.client(),
      models: env.models,
      contactMethods: new ContactMethodReader(env.models),
    });
    const outcome = await activities.deliverNotification({
      delivery: {
        deliveryId: 'd-dm',
        channelType: 'slack_dm',
        destination: `contact:elsa:${method.id}`,
        label: 'elsa (slack_dm)',
        personId: 'elsa',
      },
      context,
      idempotencyKey: 'INC-ABCDEF123456:dm',
    });
    expect(outcome.chatMessage).toBe(true);
    const page = slack.callsOf('chat.postMessage').at(-1)!;
    expect(page.args.channel).toBe('D0ERIN');
    const buttons = JSON.stringify(page.args.blocks);
    expect(buttons).toContain('"type":"button"');
    expect(buttons).toContain('INC-ABCDEF123456');
  });

  it('pages an email contact method over SMTP once it is confirmed', async () => {
    const smtp = await new SmtpCapture().start();
    try {
      const mailer = smtp.transport();
      const withMail = { ...deps(), reach: { ...deps().reach, mailer, mailFrom: 'fireline@example.com' } };
      const { method } = await addContactMethod(withMail, 'elsa', {
        type: 'email',
        address: 'elsa@example.net',
      });
      const code = /code is (\d{6})\./.exec(smtp.mails.at(-1)!.data)![1]!;
      await confirmContactMethod(withMail, 'elsa', method.id, { code });
      const activities = createNotificationActivities({
        catalog,
        secrets: {},
        mailer,
        mailFrom: 'Fireline <fireline@example.com>',
        contactMethods: new ContactMethodReader(env.models),
      });
      const outcome = await activities.deliverNotification({
        delivery: {
          deliveryId: 'd-mail',
          channelType: 'email',
          destination: `contact:elsa:${method.id}`,
          label: 'elsa (email)',
          personId: 'elsa',
        },
        context,
        idempotencyKey: 'INC-ABCDEF123456:mail',
      });
      expect(outcome.detail).toBe('email accepted for 1 recipient(s)');
      expect(smtp.mails.at(-1)!.to).toEqual(['elsa@example.net']);
      expect(smtp.mails.at(-1)!.data).toContain('Subject: [SEV1/P1] Card authorisations failing');
    } finally {
      await smtp.stop();
    }
  });

  it('refuses a Slack DM method when the Slack app is not configured, naming the variable', async () => {
    await expect(
      addContactMethod(deps(false), 'elsa', { type: 'slack_dm', slackUserId: 'U0ERIN' }),
    ).rejects.toThrow(/SLACK_BOT_TOKEN is not set/);
  });
});
