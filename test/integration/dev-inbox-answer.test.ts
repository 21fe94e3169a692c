import request from 'supertest';
import type { ContactMethod } from '../../domain/contact-methods';
import type { Incident } from '../../domain/incident';
import type { OnCallCatalog } from '../../domain/oncall';
import type { TriageRules } from '../../domain/triage-types';
import { createApiKey } from '../../infra/api-keys';
import { changeContactProfile } from '../../infra/contact-methods';
import { DevInbox, listDevInbox } from '../../infra/dev-inbox';
import { eventually } from '../helpers/http-receiver';
import { openIncident, timelineOf } from '../helpers/incidents';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { signInToWebUi, type WebUiSession } from '../helpers/web-ui-session';
import { testTeams } from '../helpers/test-catalog';

// With no SMS or voice provider, a newcomer's texts and calls go to the
// development inbox, where the person they were for answers them as from their
// phone: the reply and the keypress act through the same code and rights as
// Twilio's webhooks.
describe('answering texts and calls in the development inbox', () => {
  let env: TestEnv;
  const verified = { createdAt: '2026-12-01T00:00:00Z', verifiedAt: '2026-12-01T00:01:00Z' };
  const catalog: OnCallCatalog = {
    teams: testTeams(),
    people: [
      { id: 'ben', name: 'Ben', rights: [{ role: 'responder' }] },
      { id: 'cleo', name: 'Cleo', rights: [{ role: 'responder' }] },
    ],
    channels: [],
    schedules: [],
    policies: ['ben', 'cleo'].map((id) => ({
      id: `page-${id}`,
      name: `Page ${id}`,
      levels: [{ delaySeconds: 600, targets: [{ type: 'person' as const, id }] }],
      repeat: 0,
      fallback: [],
    })),
  };
  const triageRules: TriageRules = {
    rules: ['ben', 'cleo'].map((id) => ({
      id: `to-${id}`,
      match: { service: `inbox-${id}` },
      impact: 'high' as const,
      team: 'sre',
      major: false,
      escalationPolicy: `page-${id}`,
    })),
    defaultRule: { id: 'default', impact: 'low', team: 'sre', escalationPolicy: 'page-ben' },
  };
  const sessions: Record<string, WebUiSession> = {};

  beforeAll(async () => {
    env = await createTestEnv({ catalog, devInbox: true });
    const methods = (number: string): ContactMethod[] => [
      { id: 'cm_sms', type: 'sms', number, ...verified },
      { id: 'cm_voice', type: 'voice', number, ...verified },
    ];
    await changeContactProfile(env.models, 'ben', () => ({
      next: {
        methods: methods('+447700900201'),
        rules: { high: [{ methodId: 'cm_sms', afterSeconds: 0 }], low: [] },
      },
      result: undefined,
    }));
    await changeContactProfile(env.models, 'cleo', () => ({
      next: {
        methods: methods('+447700900202'),
        rules: { high: [{ methodId: 'cm_voice', afterSeconds: 0 }], low: [] },
      },
      result: undefined,
    }));
    for (const id of ['ben', 'cleo']) {
      const { token } = await createApiKey(
        env.models,
        `${id}-browser`,
        ['incidents:read', 'incidents:write'],
        { person: id },
      );
      sessions[id] = await signInToWebUi(env.app, token);
    }
    // No Twilio variable is set: texts and calls are kept in the inbox.
    await env.startWorker({ triageRules, catalog, secrets: {}, devInbox: new DevInbox(env.models) });
  }, 60_000);
  afterAll(async () => env?.teardown());

  async function trigger(person: string, dedupKey: string): Promise<Incident> {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: `inbox-${person}`, summary: `Disk full ${dedupKey}`, severity: 'critical', dedupKey })
      .expect(202);
    return openIncident(env, `inbox-${person}`, dedupKey);
  }

  /** The inbox entry of the text or call to `person` about `incident`. */
  const keptFor = (person: string, incident: Incident) =>
    eventually(async () => {
      const entry = (await listDevInbox(env.models)).find(
        (m) => m.incidentId === incident.incidentId && m.answerable?.personId === person,
      );
      if (!entry) throw new Error(`nothing kept for ${person} yet`);
      return entry;
    }, 30_000);

  const answer = (person: string, entryId: string, fields: Record<string, string>) =>
    request(env.app)
      .post(`/ui/inbox/${encodeURIComponent(entryId)}/answer`)
      .set('Cookie', sessions[person]!.cookie)
      .type('form')
      .send({ ...fields, _csrf: sessions[person]!.csrf });

  const statusOf = async (incident: Incident) =>
    ((await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200)).body as Incident)
      .status;

  it("lets Ben reply to his text with its code, acknowledging as Ben; Cleo cannot answer Ben's text", async () => {
    const incident = await trigger('ben', 'sms');
    const kept = await keptFor('ben', incident);
    expect(kept.answerable).toMatchObject({
      channelType: 'sms',
      replyCode: expect.stringMatching(/^\d{4}$/),
    });

    // The inbox shows Ben a reply form, and Cleo none for Ben's text.
    const bensInbox = await request(env.app).get('/ui/inbox').set('Cookie', sessions.ben!.cookie).expect(200);
    expect(bensInbox.text).toContain(`/ui/inbox/${encodeURIComponent(kept._id)}/answer`);
    const cleosInbox = await request(env.app)
      .get('/ui/inbox')
      .set('Cookie', sessions.cleo!.cookie)
      .expect(200);
    expect(cleosInbox.text).not.toContain(`/ui/inbox/${encodeURIComponent(kept._id)}/answer`);

    const refused = await answer('cleo', kept._id, { text: `${kept.answerable!.replyCode}a` }).expect(403);
    expect(refused.text).toContain('Only ben may answer their own page; you are cleo');
    expect(await statusOf(incident)).toBe('triggered');

    const wrong = await answer('ben', kept._id, { text: '0000a' }).expect(200);
    expect(wrong.text).toContain('0000 is not one of your open pages');
    expect(await statusOf(incident)).toBe('triggered');

    const done = await answer('ben', kept._id, { text: `${kept.answerable!.replyCode}a` }).expect(200);
    expect(done.text).toContain(`Fireline answered: Acknowledged ${incident.incidentId}`);
    expect(await statusOf(incident)).toBe('acknowledged');
    await eventually(async () => {
      const acked = (await timelineOf(env, incident.incidentId)).find((e) => e.type === 'acknowledged');
      expect(acked).toMatchObject({ actor: 'user:ben', data: { via: 'SMS (development inbox)' } });
    });
  });

  it('lets Cleo press 1 on her call, acknowledging as Cleo', async () => {
    const incident = await trigger('cleo', 'call');
    const kept = await keptFor('cleo', incident);
    expect(kept.answerable).toMatchObject({ channelType: 'voice' });
    const done = await answer('cleo', kept._id, { digits: '1' }).expect(200);
    expect(done.text).toContain(`Fireline answered: Acknowledged ${incident.incidentId}`);
    expect(await statusOf(incident)).toBe('acknowledged');
  });
});
