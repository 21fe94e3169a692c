import request from 'supertest';
import { slackMetadataEvents } from '../../activities/slack-app';
import type { Incident } from '../../domain/incident';
import type { OnCallCatalog } from '../../domain/oncall';
import { createSlackClient } from '../../infra/slack';
import type { MongoServer } from '../../stack/mongo';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { incidentQuery } from '../../workflows/incident/messages';
import { OwnMongoServer } from '../helpers/own-mongo';
import { eventually } from '../helpers/http-receiver';
import { createIncidentTestEnv } from '../helpers/incidents';
import { SlackApiStandIn, type SlackCall } from '../helpers/slack-api';
import { testCatalog, testRules } from '../helpers/test-catalog';
import type { TestEnv } from '../helpers/test-env';

function catalogWithSlackApp(): OnCallCatalog {
  const base = testCatalog(60);
  return {
    ...base,
    channels: [...base.channels, { id: 'incidents-slack', type: 'slack', slackChannelId: 'C0INCIDENTS' }],
    policies: [
      ...base.policies,
      {
        id: 'slack-app',
        name: 'Slack app',
        levels: [{ delaySeconds: 60, targets: [{ type: 'channel', id: 'incidents-slack' }] }],
        repeat: 0,
        fallback: [],
      },
    ],
  };
}

// The Slack app's page does not wait for MongoDB, where the message's record
// is kept: it is posted when the record can be neither read nor written, and
// an attempt that may have posted before is found in the channel by its
// message metadata instead of being posted again. Fireline's own Slack client
// (infra/slack.ts) talks to a local stand-in of Slack's Web API.
describe('Slack app pages without MongoDB, once', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;
  let slack: SlackApiStandIn;
  let mongo: MongoServer | undefined;
  const ownMongo = new OwnMongoServer('slack-outage');

  beforeAll(async () => {
    mongo = await ownMongo.start();
    slack = await new SlackApiStandIn().start();
    const catalog = catalogWithSlackApp();
    const rules = testRules();
    ({ env, teardown } = await createIncidentTestEnv(
      60,
      {
        catalog,
        triageRules: {
          ...rules,
          rules: [
            {
              id: 'slack',
              match: { service: /^slack-/ },
              impact: 'medium',
              team: 'sre',
              escalationPolicy: 'slack-app',
            },
            ...rules.rules,
          ],
        },
        slack: createSlackClient({ SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slack.apiUrl }),
      },
      { catalog, mongoUri: mongo.uri },
    ));
  }, 120_000);
  afterAll(async () => {
    await teardown();
    await slack.stop();
    await mongo?.stop();
    ownMongo.remove();
  });

  const live = (dedupKey: string) =>
    env.client.workflow.getHandle(incidentWorkflowId('slack-outage', dedupKey)).query(incidentQuery);
  /** The incident's top-level messages (not thread replies). */
  const postedAbout = (incidentId: string): SlackCall[] =>
    slack
      .callsOf('chat.postMessage')
      .filter((c) => !c.args.thread_ts && JSON.stringify(c.args.blocks).includes(incidentId));

  async function openAndWaitForPage(dedupKey: string): Promise<Incident> {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'slack-outage', summary: `Paged ${dedupKey}`, severity: 'error', dedupKey })
      .expect(202);
    // The workflow lists the channel once the page reports its message posted.
    return eventually(
      async () => {
        const incident = await live(dedupKey);
        expect(incident?.chatChannels).toEqual(['incidents-slack']);
        return incident!;
      },
      45_000,
      250,
    );
  }

  it('a retry after an answer lost on the way finds the message and posts no second one', async () => {
    // Slack posts the message but its answer comes after the client's timeout: the attempt fails.
    slack.answerLate.set('chat.postMessage', 7_000);
    const incident = await openAndWaitForPage('lost-answer');
    const posted = postedAbout(incident.incidentId);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.args.metadata).toEqual({
      event_type: slackMetadataEvents.incident,
      event_payload: {
        incident_id: incident.incidentId,
        channel_id: 'incidents-slack',
        page_key: `${incident.incidentId}:r0-l0:slack:incidents-slack`,
      },
    });
    expect(slack.callsOf('conversations.history').length).toBeGreaterThan(0);
    // The record is written from what the channel showed, and the message is updated in place.
    const record = await eventually(async () => {
      const doc = await env.models.ChatMessage.findById(`${incident.incidentId}:incidents-slack`).lean();
      expect(doc).not.toBeNull();
      return doc!;
    });
    expect(record.ts).toBe(posted[0]!.answer?.ts);
    await eventually(() => {
      expect(slack.callsOf('chat.update').some((c) => c.args.ts === record.ts)).toBe(true);
    });
    expect(postedAbout(incident.incidentId)).toHaveLength(1);
  }, 90_000);

  it('posts the page while MongoDB is down, and updates it in place', async () => {
    await mongo!.stop();
    mongo = undefined;
    const incident = await openAndWaitForPage('mongodb-down');
    const posted = postedAbout(incident.incidentId);
    expect(posted).toHaveLength(1);
    await eventually(() => {
      expect(slack.callsOf('chat.update').some((c) => c.args.ts === posted[0]!.answer?.ts)).toBe(true);
    }, 30_000);
    expect(postedAbout(incident.incidentId)).toHaveLength(1);
  }, 90_000);
});
