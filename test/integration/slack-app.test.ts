import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Incident } from '../../domain/incident';
import type { OnCallCatalog } from '../../domain/oncall';
import type { TriageRules } from '../../domain/triage-types';
import { slackSignature } from '../../api/integrations/slack/signature';
import { createIncidentTestEnv, openIncident, timelineOf } from '../helpers/incidents';
import { eventually, HttpReceiver } from '../helpers/http-receiver';
import { SlackApiStandIn, type SlackCall } from '../helpers/slack-api';
import { WEBHOOK_SECRET, testCatalog, testRules, testSecrets } from '../helpers/test-catalog';
import { signWebhook } from '../../activities/channels/signed-post';
import type { ApprovalRequest } from '../../domain/runbook';
import { rollbackParams, waitForFirstRunbookRun } from '../helpers/incidents';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { createLogger } from '../../infra/logger';
import { createSlackClient } from '../../infra/slack';
import { freePort } from '../../stack/ports';

// The Slack app end to end: the worker posts and updates the incident's message through
// Slack's own client against a local stand-in of Slack's Web API; button presses and slash
// commands come signed exactly as Slack signs them.
const signingSecret = 'slack-signing-secret-for-tests';
const daveSlackId = 'U0DAVE0001';
/** olive's: the catalog gives her no rights (she reads only). */
const oliveSlackId = 'U0OLIVE001';
const fixture = JSON.parse(
  readFileSync(path.join(__dirname, '../fixtures/slack/block-actions.json'), 'utf8'),
) as Record<string, unknown> & { actions: Array<Record<string, unknown>>; user: Record<string, unknown> };

function slackCatalog(): OnCallCatalog {
  const base = testCatalog(60);
  return {
    ...base,
    teams: [...(base.teams ?? []), { id: 'search', name: 'Search', members: [] }],
    people: base.people.map((p) =>
      p.id === 'dave'
        ? { ...p, slackUserId: daveSlackId }
        : p.id === 'olive'
          ? { ...p, slackUserId: oliveSlackId }
          : p,
    ),
    channels: [
      ...base.channels,
      { id: 'incidents-slack', type: 'slack', slackChannelId: 'C0INCIDENTS' },
      { id: 'incidents-teams', type: 'teams', webhookUrlEnv: 'TEST_TEAMS_URL' },
    ],
    policies: [
      ...base.policies,
      {
        id: 'slack-app',
        name: 'Slack app',
        levels: [
          {
            delaySeconds: 60,
            targets: [
              { type: 'channel', id: 'incidents-slack' },
              { type: 'channel', id: 'incidents-teams' },
              { type: 'schedule', id: 'always-dave' },
            ],
          },
        ],
        repeat: 0,
        fallback: [],
      },
      {
        // A second person who may approve: a run dave starts still has an approver.
        id: 'slack-app-two-approvers',
        name: 'Slack app, dave and erin',
        levels: [
          {
            delaySeconds: 60,
            targets: [
              { type: 'channel', id: 'incidents-slack' },
              { type: 'schedule', id: 'always-dave' },
              { type: 'person', id: 'erin' },
            ],
          },
        ],
        repeat: 0,
        fallback: [],
      },
    ],
    responses: [
      { team: 'payments', bridgeUrl: 'https://meet.example.com/fireline-payments' },
      { team: 'search', bridgeWebhook: { urlEnv: 'TEST_BRIDGE_URL', secretEnv: 'TEST_WEBHOOK_SECRET' } },
    ],
  };
}

function slackRules(): TriageRules {
  const base = testRules();
  return {
    ...base,
    rules: [
      {
        id: 'slack-major',
        match: { service: 'slack-major' },
        impact: 'high',
        team: 'payments',
        escalationPolicy: 'slack-app',
        major: true,
      },
      {
        id: 'slack-major-webhook',
        match: { service: 'slack-major-search' },
        impact: 'high',
        team: 'search',
        escalationPolicy: 'slack-app',
        major: true,
      },
      {
        id: 'slack-two-approvers',
        match: { service: 'slack-two-approvers' },
        impact: 'medium',
        team: 'sre',
        escalationPolicy: 'slack-app-two-approvers',
      },
      {
        id: 'slack',
        match: { service: /^slack-/ },
        impact: 'medium',
        team: 'sre',
        escalationPolicy: 'slack-app',
      },
      ...base.rules,
    ],
  };
}

/** A form body signed as Slack signs it, `timestampSeconds` ago. */
function signed(body: string, options: { secret?: string; ageSeconds?: number } = {}) {
  const timestamp = String(Math.floor(Date.now() / 1000) - (options.ageSeconds ?? 0));
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(options.secret ?? signingSecret, timestamp, body),
    },
  };
}

function buttonPress(actionId: string, value: string, slackUserId = daveSlackId): string {
  const payload = {
    ...fixture,
    user: { ...fixture.user, id: slackUserId },
    actions: [{ ...fixture.actions[0], action_id: actionId, value }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The `value` of the button with this action id in a posted or updated message. */
function buttonValue(call: SlackCall, actionId: string): string {
  const blocks = call.args.blocks as Array<{
    type: string;
    elements?: Array<{ action_id?: string; value?: string }>;
  }>;
  for (const block of blocks) {
    const button = block.elements?.find((e) => e.action_id === actionId);
    if (button?.value) return button.value;
  }
  throw new Error(`no ${actionId} button in ${JSON.stringify(blocks)}`);
}

const text = (call: SlackCall) => JSON.stringify(call.args.blocks ?? call.args.text);

describe('Slack app', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let slack: SlackApiStandIn;
  let teardown: () => Promise<void>;

  let receiverForSecrets: HttpReceiver;

  beforeAll(async () => {
    slack = await new SlackApiStandIn().start();
    // The bridge webhook's receiver: the env's own receiver does not exist before the env.
    receiverForSecrets = await new HttpReceiver().start();
    receiverForSecrets.bodies.set('/bridge', { url: 'https://zoom.example.com/j/123456789' });
    const catalog = slackCatalog();
    ({ env, receiver, teardown } = await createIncidentTestEnv(
      60,
      {
        catalog,
        triageRules: slackRules(),
        slack: slack.client(),
        secrets: {
          ...testSecrets(receiverForSecrets),
          TEST_BRIDGE_URL: receiverForSecrets.url('/bridge'),
          TEST_TEAMS_URL: receiverForSecrets.url('/teams'),
        },
      },
      { catalog, slack: { signingSecret, client: slack.client() } },
    ));
    void receiver;
  });
  afterAll(async () => {
    await teardown();
    await slack.stop();
    await receiverForSecrets.stop();
  });

  const post = (route: string, req: { body: string; headers: Record<string, string> }) =>
    request(env.rawApp).post(route).set(req.headers).send(req.body);

  async function openWithMessage(
    service: string,
    dedupKey: string,
  ): Promise<{ incident: Incident; posted: SlackCall }> {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service, summary: `${service} is failing`, severity: 'error', dedupKey })
      .expect(202);
    const incident = await openIncident(env, service, dedupKey);
    const posted = await eventually(() => {
      const call = slack
        .callsOf('chat.postMessage')
        .find((c) => !c.args.thread_ts && text(c).includes(incident.incidentId));
      if (!call) throw new Error('no message posted yet');
      return call;
    });
    return { incident, posted };
  }

  it('posts one message per incident with buttons; Acknowledge in Slack acknowledges it and updates the message in place', async () => {
    const { incident, posted } = await openWithMessage('slack-checkout', 'ack-from-slack');
    expect(posted.args.channel).toBe('C0INCIDENTS');
    expect(posted.authorization).toBe('Bearer xoxb-test-token');
    // The on-call person is mentioned by their Slack id.
    expect(text(posted)).toContain(`<@${daveSlackId}>`);
    const value = buttonValue(posted, 'fireline_acknowledge');

    const res = await post(
      '/v1/integrations/slack/interactions',
      signed(buttonPress('fireline_acknowledge', value)),
    );
    expect(res.status).toBe(200);

    const acked = await eventually(async () => {
      const live = (await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200))
        .body as Incident;
      expect(live.status).toBe('acknowledged');
      return live;
    });
    expect(acked.acknowledgedBy).toBe('user:dave');
    // The live incident comes from its workflow; its timeline is read from MongoDB once saved.
    await eventually(async () => {
      const timeline = await timelineOf(env, incident.incidentId);
      expect(timeline.find((e) => e.type === 'acknowledged')?.message).toBe(
        'Acknowledged by user:dave (via Slack); escalation stopped',
      );
    });

    // The same message, updated in place, says who acknowledged and drops the Acknowledge button.
    const update = await eventually(() => {
      const call = slack
        .callsOf('chat.update')
        .filter((c) => c.args.ts === posted.answer?.ts)
        .find((c) => text(c).includes('Acknowledged by Dave Test'));
      if (!call) throw new Error('message not updated yet');
      return call;
    });
    expect(update.args.channel).toBe('C0INCIDENTS');
    expect(text(update)).not.toContain('fireline_acknowledge');
    // The thread carries the acknowledgement.
    await eventually(() => {
      const reply = slack
        .callsOf('chat.postMessage')
        .find((c) => c.args.thread_ts && String(c.args.text).includes('Acknowledged by user:dave'));
      if (!reply) throw new Error('no thread reply yet');
    });
    // Only one top-level message for the incident.
    expect(
      slack
        .callsOf('chat.postMessage')
        .filter((c) => !c.args.thread_ts && text(c).includes(incident.incidentId)),
    ).toHaveLength(1);
  });

  it('refuses a wrong signature, an old timestamp and an unsigned request with 401, changing nothing', async () => {
    const { incident, posted } = await openWithMessage('slack-payments', 'bad-signatures');
    const value = buttonValue(posted, 'fireline_acknowledge');
    const body = buttonPress('fireline_acknowledge', value);

    const wrong = await post(
      '/v1/integrations/slack/interactions',
      signed(body, { secret: 'not-the-secret-at-all' }),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toContain('X-Slack-Signature does not match');
    const old = await post('/v1/integrations/slack/interactions', signed(body, { ageSeconds: 6 * 60 }));
    expect(old.status).toBe(401);
    expect(old.body.error.message).toContain('five minutes');
    const tampered = signed(body);
    const altered = await post('/v1/integrations/slack/interactions', {
      ...tampered,
      body: buttonPress('fireline_resolve', value),
    });
    expect(altered.status).toBe(401);
    const unsigned = await request(env.rawApp)
      .post('/v1/integrations/slack/interactions')
      .type('form')
      .send(body);
    expect(unsigned.status).toBe(401);

    // A signed press after them lands: whatever they had started would have landed before it.
    expect((await post('/v1/integrations/slack/interactions', signed(body))).status).toBe(200);
    const timeline = await eventually(async () => {
      const entries = await timelineOf(env, incident.incidentId);
      expect(entries.some((e) => e.type === 'acknowledged')).toBe(true);
      return entries;
    });
    // Only that press changed the incident: one acknowledgement, and no resolution.
    expect(timeline.filter((e) => e.type === 'acknowledged' || e.type === 'resolved')).toEqual([
      expect.objectContaining({ type: 'acknowledged', actor: 'user:dave' }),
    ]);
    const live = (await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200))
      .body as Incident;
    expect(live.status).toBe('acknowledged');
  });

  it('refuses the same signed request a second time (a replay) with 401', async () => {
    const once = signed(
      new URLSearchParams({
        command: '/incident',
        text: 'help',
        user_id: daveSlackId,
        channel_id: 'C0INCIDENTS',
      }).toString(),
    );
    const first = await post('/v1/integrations/slack/commands', once);
    expect(first.status).toBe(200);
    const replayed = await post('/v1/integrations/slack/commands', once);
    expect(replayed.status).toBe(401);
    expect(replayed.body.error.message).toBe(
      'Not a request from Slack: this signed request was received before (a replay)',
    );
  });

  it('answers an unknown Slack user with an ephemeral message and does nothing', async () => {
    const { incident, posted } = await openWithMessage('slack-search', 'unknown-user');
    const value = buttonValue(posted, 'fireline_acknowledge');
    const res = await post(
      '/v1/integrations/slack/interactions',
      signed(buttonPress('fireline_acknowledge', value, 'U0STRANGER')),
    );
    expect(res.status).toBe(200);
    const ephemeral = await eventually(() => {
      const call = slack.callsOf('chat.postEphemeral').find((c) => c.args.user === 'U0STRANGER');
      if (!call) throw new Error('no ephemeral reply yet');
      return call;
    });
    expect(ephemeral.args.channel).toBe('C0INCIDENTS');
    expect(String(ephemeral.args.text)).toContain('not linked to a Fireline person');
    const live = (await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200))
      .body as Incident;
    expect(live.status).toBe('triggered');
  });

  it("refuses a person's button press beyond their rights ephemerally, naming why, and changes nothing", async () => {
    const { incident, posted } = await openWithMessage('slack-search', 'no-rights');
    const value = buttonValue(posted, 'fireline_resolve');
    const res = await post(
      '/v1/integrations/slack/interactions',
      signed(buttonPress('fireline_resolve', value, oliveSlackId)),
    );
    expect(res.status).toBe(200);
    const ephemeral = await eventually(() => {
      const call = slack.callsOf('chat.postEphemeral').find((c) => c.args.user === oliveSlackId);
      if (!call) throw new Error('no ephemeral reply yet');
      return call;
    });
    expect(ephemeral.args.text).toBe(
      'Not done: Olive Observer (olive) may not use incidents:write ' +
        '(the on-call catalog gives them no rights, so they only read)',
    );
    const live = (await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200))
      .body as Incident;
    expect(live).toMatchObject({ status: 'triggered' });
    const timeline = await timelineOf(env, incident.incidentId);
    expect(timeline.some((e) => e.actor.startsWith('user:olive'))).toBe(false);
  });

  it('a refused action (already acknowledged) is told to the person ephemerally', async () => {
    const { incident, posted } = await openWithMessage('slack-billing', 'refused');
    await request(env.app).post(`/v1/incidents/${incident.incidentId}/acknowledge`).send({}).expect(200);
    const value = buttonValue(posted, 'fireline_acknowledge');
    expect(
      (await post('/v1/integrations/slack/interactions', signed(buttonPress('fireline_acknowledge', value))))
        .status,
    ).toBe(200);
    const ephemeral = await eventually(() => {
      const call = slack
        .callsOf('chat.postEphemeral')
        .find((c) => c.args.user === daveSlackId && String(c.args.text).includes('already acknowledged'));
      if (!call) throw new Error('no refusal yet');
      return call;
    });
    expect(String(ephemeral.args.text)).toMatch(/^Not done: /);
  });

  it('a major incident opens its response: the bridge and the commander in the message, the role claimed from Slack', async () => {
    const { incident, posted } = await openWithMessage('slack-major', 'major');
    expect(incident.major).toBe(true);
    expect(incident.response?.bridgeUrl).toBe('https://meet.example.com/fireline-payments');
    expect(text(posted)).toContain('https://meet.example.com/fireline-payments');
    expect(text(posted)).toContain('Commander\\nunclaimed');

    // The Teams channel of the same level gets an Adaptive Card with the bridge and the commander role.
    const card = await eventually(() => {
      const hit = receiverForSecrets.to('/teams').find((r) => r.rawBody.includes(incident.incidentId));
      if (!hit) throw new Error('no Teams card yet');
      return hit;
    });
    expect(card.headers['idempotency-key']).toBe(`${incident.incidentId}:r0-l0:teams:incidents-teams`);
    const content = JSON.stringify(
      (card.body as { attachments: Array<{ content: unknown }> }).attachments[0]!.content,
    );
    expect(content).toContain('https://meet.example.com/fireline-payments');
    expect(content).toContain('unclaimed');

    const claim = buttonValue(posted, 'fireline_claim_commander');
    expect(
      (
        await post(
          '/v1/integrations/slack/interactions',
          signed(buttonPress('fireline_claim_commander', claim)),
        )
      ).status,
    ).toBe(200);
    const live = await eventually(async () => {
      const current = (await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200))
        .body as Incident;
      expect(current.commander).toBe('dave');
      return current;
    });
    expect(live.response?.responders).toEqual([
      expect.objectContaining({ actor: 'user:dave', how: 'acted' }),
    ]);
    await eventually(() => {
      const update = slack
        .callsOf('chat.update')
        .find((c) => text(c).includes('Commander\\nDave Test') && text(c).includes('fireline-payments'));
      if (!update) throw new Error('message not updated with the commander yet');
    });
    // The timeline is saved to MongoDB beside the workflow, a moment after the claim.
    await eventually(async () => {
      const timeline = await timelineOf(env, incident.incidentId);
      expect(timeline.map((e) => e.message)).toEqual(
        expect.arrayContaining([
          expect.stringContaining(
            'Major incident response opened: bridge https://meet.example.com/fireline-payments',
          ),
          'user:dave (via Slack) is the incident commander',
        ]),
      );
    });
  });

  it("a major incident's bridge can come from the team's webhook: signed request, link in the message", async () => {
    const { incident } = await openWithMessage('slack-major-search', 'major-webhook');
    const live = await eventually(async () => {
      const current = (await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200))
        .body as Incident;
      expect(current.response).toMatchObject({ bridgeUrl: 'https://zoom.example.com/j/123456789' });
      return current;
    });
    expect(live.response?.bridgeProblem).toBeUndefined();
    const [asked] = receiverForSecrets.to('/bridge');
    expect(asked!.headers['idempotency-key']).toBe(`${incident.incidentId}:bridge`);
    expect(asked!.headers['x-fireline-signature']).toBe(
      signWebhook(WEBHOOK_SECRET, String(asked!.headers['x-fireline-timestamp']), asked!.rawBody),
    );
    expect(asked!.body).toMatchObject({ incidentId: incident.incidentId, team: 'search' });
    await eventually(() => {
      const update = slack
        .callsOf('chat.update')
        .find(
          (c) => text(c).includes('zoom.example.com/j/123456789') && text(c).includes(incident.incidentId),
        );
      if (!update) throw new Error('message not updated with the bridge yet');
    });
    const timeline = await timelineOf(env, incident.incidentId);
    expect(timeline.map((e) => e.message)).toContain('Bridge created: https://zoom.example.com/j/123456789');
  });

  it("Approve on an approval request in Slack approves it as the Slack user's person", async () => {
    const { incident } = await openWithMessage('slack-deploys', 'approve-in-slack');
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({
        actor: 'alice',
        runbookId: 'rollback-deploy',
        params: rollbackParams(receiver, { badRelease: 'v7' }),
      })
      .expect(202);
    const approval = await eventually(async () => {
      const res = await request(env.app).get(`/v1/incidents/${incident.incidentId}/approvals`).expect(200);
      const [pending] = res.body.approvals as ApprovalRequest[];
      expect(pending?.status).toBe('pending');
      return pending!;
    });
    const withButtons = await eventually(() => {
      const call = slack
        .callsOf('chat.update')
        .find((c) => text(c).includes('fireline_approve') && text(c).includes(approval.approvalId));
      if (!call) throw new Error('no approval buttons yet');
      return call;
    });
    const value = buttonValue(withButtons, 'fireline_approve');
    expect(JSON.parse(value)).toEqual({ incidentId: incident.incidentId, approvalId: approval.approvalId });
    expect(
      (await post('/v1/integrations/slack/interactions', signed(buttonPress('fireline_approve', value))))
        .status,
    ).toBe(200);
    await waitForFirstRunbookRun(env, incident.incidentId, 'succeeded');
    const decided = (await request(env.app).get(`/v1/incidents/${incident.incidentId}/approvals`).expect(200))
      .body.approvals as ApprovalRequest[];
    expect(decided[0]).toMatchObject({ status: 'approved', decidedBy: 'user:dave' });
  });

  it('refuses dave approving from Slack a run he started with his API key: approvals compare persons', async () => {
    const { incident } = await openWithMessage('slack-two-approvers', 'self-approve-in-slack');
    const davesKey = await env.createKey('daves-laptop', ['incidents:read', 'runbooks:run'], {
      person: 'dave',
    });
    await request(env.rawApp)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .set('Authorization', `Bearer ${davesKey}`)
      .send({ runbookId: 'rollback-deploy', params: rollbackParams(receiver, { badRelease: 'v8' }) })
      .expect(202);
    const approval = await eventually(async () => {
      const res = await request(env.app).get(`/v1/incidents/${incident.incidentId}/approvals`).expect(200);
      const [pending] = res.body.approvals as ApprovalRequest[];
      expect(pending?.status).toBe('pending');
      return pending!;
    });
    expect(approval).toMatchObject({ requestedBy: 'user:dave', approvers: ['user:dave', 'user:erin'] });
    const value = JSON.stringify({ incidentId: incident.incidentId, approvalId: approval.approvalId });
    await post('/v1/integrations/slack/interactions', signed(buttonPress('fireline_approve', value)));
    const ephemeral = await eventually(() => {
      const call = slack
        .callsOf('chat.postEphemeral')
        .find((c) => c.args.user === daveSlackId && String(c.args.text).includes(approval.approvalId));
      if (!call) throw new Error('no refusal yet');
      return call;
    });
    expect(ephemeral.args.text).toBe(
      `Not done: user:dave started this run and may not approve it too (approval ${approval.approvalId}); ask someone else`,
    );
    const still = (await request(env.app).get(`/v1/incidents/${incident.incidentId}/approvals`).expect(200))
      .body.approvals as ApprovalRequest[];
    expect(still[0]).toMatchObject({ status: 'pending' });
  });

  it('/incident lists open incidents, acknowledges and resolves with a note, and says who is on call', async () => {
    const { incident } = await openWithMessage('slack-ledger', 'slash');
    const command = (textArg: string, user = daveSlackId) =>
      post(
        '/v1/integrations/slack/commands',
        signed(
          new URLSearchParams({
            command: '/incident',
            text: textArg,
            user_id: user,
            channel_id: 'C0INCIDENTS',
            response_url: 'https://hooks.slack.com/commands/T0/1/x',
            trigger_id: '1.2.3',
            team_id: 'T0FIRELINE',
          }).toString(),
        ),
      );

    const list = await command('');
    expect(list.status).toBe(200);
    expect(list.body.response_type).toBe('ephemeral');
    expect(list.body.text).toContain(incident.incidentId);

    expect((await command(`ack ${incident.incidentId}`)).body.text).toBe(
      `You acknowledged ${incident.incidentId}.`,
    );
    expect((await command(`resolve ${incident.incidentId} rolled back the deploy`)).body.text).toBe(
      `You resolved ${incident.incidentId}.`,
    );
    const resolved = await eventually(async () => {
      const current = (await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200))
        .body as Incident;
      expect(current.status).toBe('resolved');
      return current;
    });
    expect(resolved.resolutionNote).toBe('rolled back the deploy');
    expect((await command('oncall')).body.text).toContain('Always Dave: Dave Test');
    expect((await command('ack INC-0')).body.text).toContain('Say which incident');
    expect((await command('list', 'U0STRANGER')).body.text).toContain('not linked to a Fireline person');

    const bad = await post(
      '/v1/integrations/slack/commands',
      signed(new URLSearchParams({ command: '/incident', text: '' }).toString(), { ageSeconds: 0 }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.user_id');
  });
});

describe('Slack app endpoints without a signing secret', () => {
  let env: TestEnv;
  beforeAll(async () => {
    ({ env } = { env: await (await import('../helpers/test-env')).createTestEnv() });
  });
  afterAll(async () => env.teardown());

  it('answer 404', async () => {
    const res = await request(env.rawApp)
      .post('/v1/integrations/slack/interactions')
      .type('form')
      .send('payload={}');
    expect(res.status).toBe(404);
    expect(
      (await request(env.rawApp).post('/v1/integrations/slack/commands').type('form').send('text=')).status,
    ).toBe(404);
  });
});

describe('Slack app endpoints configured for one workspace and app', () => {
  const teamId = 'T0FIRELINE';
  const appId = 'A0FIRELINE1';
  const token = 'xoxb-never-to-be-logged-0123456789';
  let env: TestEnv;
  let app: Express;
  const logged: string[] = [];

  beforeAll(async () => {
    env = await createTestEnv({ slack: { signingSecret, teamId, appId } });
    // The API as a process builds it, with Fireline's own Slack client, whose Slack cannot be reached.
    const unreachable = `http://127.0.0.1:${await freePort()}/api/`;
    app = createApp({
      ...env.apiDeps,
      logger: createLogger({ level: 'info', destination: { write: (line: string) => logged.push(line) } }),
      slack: createSlackClient({ SLACK_BOT_TOKEN: token, SLACK_API_URL: unreachable }),
    });
  });
  afterAll(async () => env.teardown());

  const send = (route: string, req: { body: string; headers: Record<string, string> }) =>
    request(app).post(route).set(req.headers).send(req.body);
  const command = (fields: Record<string, string>) =>
    send(
      '/v1/integrations/slack/commands',
      signed(
        new URLSearchParams({
          command: '/incident',
          text: 'help',
          user_id: daveSlackId,
          channel_id: 'C0INCIDENTS',
          ...fields,
        }).toString(),
      ),
    );
  const press = (changes: Record<string, unknown>) =>
    send(
      '/v1/integrations/slack/interactions',
      signed(
        new URLSearchParams({
          payload: JSON.stringify({
            ...fixture,
            user: { ...fixture.user, id: (changes.userId as string | undefined) ?? 'U0STRANGER' },
            actions: [
              {
                ...fixture.actions[0],
                action_id: 'fireline_acknowledge',
                value: '{"incidentId":"INC-0123456789AB"}',
              },
            ],
            ...changes,
          }),
        }).toString(),
      ),
    );

  it('refuses a slash command or a button press from another workspace or app with 403 naming the field', async () => {
    expect((await command({ team_id: teamId, api_app_id: appId })).status).toBe(200);
    const otherTeam = await command({ team_id: 'T0ELSEWHERE', api_app_id: appId });
    expect(otherTeam.status).toBe(403);
    expect(otherTeam.body.error.details).toEqual([
      { field: 'body.team_id', message: expect.stringContaining('"T0ELSEWHERE", not the Slack workspace') },
    ]);
    const noTeam = await command({ api_app_id: appId });
    expect(noTeam.status).toBe(403);
    expect(noTeam.body.error.message).toContain('body.team_id is missing');
    const otherApp = await command({ team_id: teamId, api_app_id: 'A0SOMEONEELSE' });
    expect(otherApp.status).toBe(403);
    expect(otherApp.body.error.details[0].field).toBe('body.api_app_id');

    expect((await press({})).status).toBe(200);
    const pressedElsewhere = await press({ team: { id: 'T0ELSEWHERE', domain: 'elsewhere' } });
    expect(pressedElsewhere.status).toBe(403);
    expect(pressedElsewhere.body.error.details[0].field).toBe('body.payload.team.id');
    const otherAppPress = await press({ api_app_id: 'A0SOMEONEELSE' });
    expect(otherAppPress.status).toBe(403);
    expect(otherAppPress.body.error.details[0].field).toBe('body.payload.api_app_id');
  });

  it('logs a failed Slack call without the bot token', async () => {
    // An unknown user's press is answered ephemerally; Slack cannot be reached, and that is logged.
    expect((await press({ userId: 'U0OTHERSTRANGER' })).status).toBe(200);
    const line = await eventually(() => {
      const found = logged.find((l) => l.includes('Slack ephemeral reply failed'));
      if (!found) throw new Error('the failed Slack call is not logged yet');
      return found;
    });
    expect(line).toContain('ECONNREFUSED');
    expect(logged.join('\n')).not.toContain(token);
  });
});
