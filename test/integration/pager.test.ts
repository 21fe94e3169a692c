import { liveOnCallModel } from '../../api/deps';
import request from 'supertest';
import webpush from 'web-push';
import { createApp } from '../../api/app';
import { withLoopback } from '../../config';
import type { ContactMethod } from '../../domain/contact-methods';
import type { Incident } from '../../domain/incident';
import type { OnCallCatalog } from '../../domain/oncall';
import type { TriageRules } from '../../domain/triage-types';
import { changeContactProfile } from '../../infra/contact-methods';
import { EgressPolicy } from '../../infra/egress';
import { recordHistory, runsThatDoNotReplay } from '../helpers/histories';
import { eventually } from '../helpers/http-receiver';
import { explainedByTimeline, openIncident, timelineOf } from '../helpers/incidents';
import { PushEndpoint } from '../helpers/push-endpoint';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { TwilioStandIn, twilioSignature } from '../helpers/twilio-stand-in';
import { pagerWorkflowId } from '../../workflows/pager/ids';
import { openPagesQuery } from '../../workflows/pager/messages';
import { testTeams } from '../helpers/test-catalog';

const ACCOUNT_SID = `AC${'e5'.repeat(16)}`;
const AUTH_TOKEN = 'twilio-auth-token-for-pager-tests';
const PUBLIC_URL = 'https://fireline.example.com';
const FROM = '+15005550006';
const STORM = { maxPerWindow: 3, windowSeconds: 20 };
const numbers: Record<string, string> = {
  paula: '+447700900101',
  quinn: '+447700900102',
  rosa: '+447700900103',
  otto: '+447700900104',
  frank: '+447700900105',
  gina: '+447700900106',
};

// People paged on their own contact methods by their pagers, through the real
// Temporal and FerretDB, Twilio's REST API stand-in and a local push service;
// replies, keypresses and status callbacks signed as Twilio signs them.
describe('paging people on their contact methods', () => {
  let env: TestEnv;
  let twilio: TwilioStandIn;
  let push: PushEndpoint;
  let api: ReturnType<typeof createApp>;
  const vapid = webpush.generateVAPIDKeys();
  const people = Object.keys(numbers);
  const catalog: OnCallCatalog = {
    teams: testTeams(),
    people: [
      { id: 'paula', name: 'Paula', rights: [{ role: 'responder' }] },
      { id: 'quinn', name: 'Quinn', rights: [{ role: 'responder' }] },
      { id: 'rosa', name: 'Rosa', rights: [{ role: 'responder' }] },
      { id: 'frank', name: 'Frank', rights: [{ role: 'responder' }] },
      { id: 'gina', name: 'Gina', rights: [{ role: 'responder' }] },
      // No rights: reads only.
      { id: 'otto', name: 'Otto' },
      { id: 'alice', name: 'Alice', rights: [{ role: 'admin' }] },
    ],
    channels: [],
    schedules: [],
    policies: people.map((id) => ({
      id: `page-${id}`,
      name: `Page ${id}`,
      levels: [{ delaySeconds: 600, targets: [{ type: 'person' as const, id }] }],
      repeat: 0,
      fallback: [],
    })),
  };
  const triageRules: TriageRules = {
    rules: people.map((id) => ({
      id: `to-${id}`,
      match: { service: `pager-${id}` },
      impact: 'high' as const,
      team: 'sre',
      major: false,
      escalationPolicy: `page-${id}`,
    })),
    defaultRule: { id: 'default', impact: 'low', team: 'sre', escalationPolicy: 'page-paula' },
  };

  function methodsOf(id: string, withPush: boolean): ContactMethod[] {
    const verified = { createdAt: '2026-12-01T00:00:00Z', verifiedAt: '2026-12-01T00:01:00Z' };
    return [
      ...(withPush
        ? [{ id: 'cm_push', type: 'push' as const, subscription: push.subscription(), ...verified }]
        : []),
      { id: 'cm_sms', type: 'sms', number: numbers[id]!, ...verified },
      { id: 'cm_voice', type: 'voice', number: numbers[id]!, ...verified },
    ];
  }

  /** Gives `id` the methods (push too with `withPush`; no SMS with `voiceOnly`) and these rules. */
  async function setPerson(
    id: string,
    steps: Array<[string, number]>,
    withPush = false,
    voiceOnly = false,
  ): Promise<void> {
    const rules = steps.map(([methodId, afterSeconds]) => ({ methodId, afterSeconds }));
    const methods = methodsOf(id, withPush).filter((m) => !voiceOnly || m.type === 'voice');
    await changeContactProfile(env.models, id, () => ({
      next: { methods, rules: { high: rules, low: rules } },
      result: undefined,
    }));
  }

  beforeAll(async () => {
    twilio = await new TwilioStandIn({
      accountSid: ACCOUNT_SID,
      username: ACCOUNT_SID,
      password: AUTH_TOKEN,
    }).start();
    push = await new PushEndpoint().start();
    env = await createTestEnv({ catalog });
    api = createApp({
      ...env.apiDeps,
      config: { ...env.config, PUBLIC_URL, TWILIO_AUTH_TOKEN: AUTH_TOKEN },
      onCall: liveOnCallModel(catalog, env.models, {}),
    });
    await setPerson(
      'paula',
      [
        ['cm_push', 0],
        ['cm_sms', 3],
        ['cm_voice', 8],
      ],
      true,
    );
    await setPerson('quinn', [
      ['cm_sms', 1],
      ['cm_voice', 3],
    ]);
    await setPerson('rosa', [
      ['cm_sms', 1],
      ['cm_voice', 90],
      ['cm_sms', 180],
    ]);
    await setPerson('otto', [['cm_sms', 0]]);
    await setPerson('frank', [['cm_sms', 1]]);
    await setPerson('gina', [['cm_voice', 0]], false, true);
    await env.startWorker({
      triageRules,
      catalog,
      secrets: {
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM: FROM,
        TWILIO_API_URL: twilio.url,
        PUBLIC_URL,
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
        VAPID_SUBJECT: 'mailto:oncall@example.com',
      },
      publicUrl: PUBLIC_URL,
      egress: new EgressPolicy(withLoopback({ hosts: [], cidrs: [] })),
      pagerStorm: STORM,
    });
  }, 60_000);
  afterAll(async () => {
    await env?.teardown();
    await twilio?.stop();
    await push?.stop();
  });

  async function trigger(person: string, dedupKey: string): Promise<Incident> {
    await request(env.app)
      .post('/v1/alerts')
      .send({
        service: `pager-${person}`,
        summary: `Checkout down ${dedupKey}`,
        severity: 'critical',
        dedupKey,
      })
      .expect(202);
    return openIncident(env, `pager-${person}`, dedupKey);
  }

  const textsTo = (person: string) => twilio.to('Messages').filter((m) => m.To === numbers[person]);
  const callsTo = (person: string) => twilio.to('Calls').filter((m) => m.To === numbers[person]);

  /** The text to `person` about `incident`, once it arrived. */
  async function textAbout(person: string, incident: Incident): Promise<Record<string, string>> {
    return explainedByTimeline(
      env,
      incident.incidentId,
      eventually(() => {
        const text = textsTo(person).find((m) => m.Body!.includes(incident.title));
        if (!text) throw new Error(`no text to ${person} about ${incident.incidentId} yet`);
        return text;
      }, 60_000),
    );
  }
  const codeIn = (text: Record<string, string>) => /reply (\d{4})a/.exec(text.Body!)![1]!;

  let sids = 0;
  /** Posts a webhook as Twilio does: form-encoded, signed over PUBLIC_URL + path and the fields. */
  function twilioPost(path: string, fields: Record<string, string>, token = AUTH_TOKEN) {
    return request(api)
      .post(path)
      .set('X-Twilio-Signature', twilioSignature(`${PUBLIC_URL}${path}`, fields, token))
      .type('form')
      .send(fields);
  }
  function reply(from: string, body: string, token?: string) {
    const fields = {
      MessageSid: `SM${String(++sids).padStart(32, '0')}`,
      AccountSid: ACCOUNT_SID,
      From: from,
      To: FROM,
      Body: body,
    };
    return twilioPost('/v1/integrations/twilio/sms', fields, token);
  }
  const statusOf = async (incident: Incident) =>
    ((await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200)).body as Incident)
      .status;

  it('pages Paula by push, then SMS; her reply acknowledges as Paula and no call is placed', async () => {
    const incident = await trigger('paula', 'reply-ack');
    await explainedByTimeline(
      env,
      incident.incidentId,
      eventually(() => {
        const page = push.received.find((p) => p.plaintext.includes(incident.incidentId));
        expect(page).toBeDefined();
      }, 60_000),
    );
    const text = await textAbout('paula', incident);
    expect(text.StatusCallback).toBe(
      `${PUBLIC_URL}/v1/integrations/twilio/status?person=paula&incident=${incident.incidentId}&step=s1`,
    );
    const answer = await reply(numbers.paula!, `${codeIn(text)}a`).expect(200);
    expect(answer.type).toBe('text/xml');
    expect(answer.text).toContain(`<Message>Acknowledged ${incident.incidentId}`);
    expect(await statusOf(incident)).toBe('acknowledged');
    const timeline = await eventually(async () => {
      const entries = await timelineOf(env, incident.incidentId);
      expect(entries.some((e) => e.message === 'Paula: SMS to +44 •••• 0101, sent')).toBe(true);
      return entries;
    });
    expect(timeline.find((e) => e.type === 'acknowledged')).toMatchObject({
      actor: 'user:paula',
      data: { via: 'SMS' },
    });
    expect(JSON.stringify(timeline)).not.toContain('7700900101');
    // Past the call's 12 seconds: no call.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(callsTo('paula')).toHaveLength(0);
    // Each step ran once: a pager started by its first page runs that page's steps once.
    expect(twilio.to('Messages').filter((m) => m.To === numbers.paula)).toHaveLength(1);
  }, 120_000);

  it('places the call when nobody replies, and keypress 1 acknowledges as that person', async () => {
    const incident = await trigger('quinn', 'keypress');
    const call = await explainedByTimeline(
      env,
      incident.incidentId,
      eventually(() => {
        const placed = callsTo('quinn').find((c) => c.Twiml!.includes(incident.incidentId));
        if (!placed) throw new Error('no call yet');
        return placed;
      }, 60_000),
    );
    // With answering machine detection, so a voicemail does not count as answered.
    expect(call.MachineDetection).toBe('Enable');
    const action = /action="([^"]+)"/.exec(call.Twiml!)![1]!.replace(/&amp;/g, '&');
    expect(action.startsWith(`${PUBLIC_URL}/v1/integrations/twilio/voice?person=quinn&incident=`)).toBe(true);
    const fields = {
      CallSid: `CA${'1'.repeat(32)}`,
      AccountSid: ACCOUNT_SID,
      Digits: '1',
      From: FROM,
      To: numbers.quinn!,
    };
    const answer = await twilioPost(action.slice(PUBLIC_URL.length), fields).expect(200);
    expect(answer.text).toContain(`<Say>Acknowledged ${incident.incidentId}`);
    expect(await statusOf(incident)).toBe('acknowledged');
    // The status is the workflow's; the timeline is what it saved to MongoDB, a moment later.
    await eventually(async () => {
      const timeline = await timelineOf(env, incident.incidentId);
      expect(timeline.find((e) => e.type === 'acknowledged')).toMatchObject({
        actor: 'user:quinn',
        data: { via: 'voice' },
      });
    });
  }, 120_000);

  it('moves on at once when the SMS status callback says failed, and when a voicemail answers the call', async () => {
    const incident = await trigger('rosa', 'status-failed');
    const text = await textAbout('rosa', incident);
    const status = text.StatusCallback!.slice(PUBLIC_URL.length);
    await twilioPost(status, {
      MessageSid: `SM${'2'.repeat(32)}`,
      MessageStatus: 'failed',
      AccountSid: ACCOUNT_SID,
    }).expect(204);
    // The call's own timer is 90 seconds away.
    await eventually(
      () => expect(callsTo('rosa').some((c) => c.Twiml!.includes(incident.incidentId))).toBe(true),
      60_000,
    );
    await eventually(async () => {
      const entries = await timelineOf(env, incident.incidentId);
      expect(entries.some((e) => e.message === 'Rosa: SMS to +44 •••• 0103, failed')).toBe(true);
    });

    // Answering machine detection says a voicemail took the call: the next rule, an SMS 180
    // seconds after the page, goes out at once.
    const call = callsTo('rosa').find((c) => c.Twiml!.includes(incident.incidentId))!;
    await twilioPost(call.StatusCallback!.slice(PUBLIC_URL.length), {
      CallSid: `CA${'3'.repeat(32)}`,
      AccountSid: ACCOUNT_SID,
      CallStatus: 'in-progress',
      AnsweredBy: 'machine_start',
      From: FROM,
      To: numbers.rosa!,
    }).expect(204);
    await eventually(
      () => expect(textsTo('rosa').filter((m) => m.Body!.includes(incident.title))).toHaveLength(2),
      60_000,
    );
    await eventually(async () => {
      const entries = await timelineOf(env, incident.incidentId);
      expect(entries.some((e) => e.message === 'Rosa: call to +44 •••• 0103, answered by a machine')).toBe(
        true,
      );
    });
  }, 120_000);

  describe('refusals: nothing is done', () => {
    let incident: Incident;
    let code: string;
    beforeAll(async () => {
      incident = await trigger('paula', 'refusals');
      code = codeIn(await textAbout('paula', incident));
    }, 120_000);

    it('refuses a bad or missing signature with 403', async () => {
      await reply(numbers.paula!, `${code}a`, 'not-the-auth-token').expect(403);
      await request(api)
        .post('/v1/integrations/twilio/sms')
        .type('form')
        .send({ From: numbers.paula, Body: `${code}a` })
        .expect(403);
      expect(await statusOf(incident)).toBe('triggered');
    });

    it('answers nothing to a number nobody verified', async () => {
      const answer = await reply('+447700900999', `${code}a`).expect(200);
      expect(answer.text).not.toContain('<Message>');
      expect(await statusOf(incident)).toBe('triggered');
    });

    it("refuses another person's code", async () => {
      // Rosa holds an open page of her own, with a code of her own: Paula's code is not hers.
      const erinsCodes = (
        await env.client.workflow.getHandle(pagerWorkflowId('rosa')).query(openPagesQuery)
      ).map((p) => p.code);
      expect(erinsCodes.length).toBeGreaterThan(0);
      expect(erinsCodes).not.toContain(code);
      const answer = await reply(numbers.rosa!, `${code}a`).expect(200);
      expect(answer.text).toContain('is not one of your open pages');
      expect(await statusOf(incident)).toBe('triggered');
    });

    it('refuses a person without rights on the service, saying why', async () => {
      const olives = await trigger('otto', 'no-rights');
      const answer = await reply(numbers.otto!, `${codeIn(await textAbout('otto', olives))}a`).expect(200);
      expect(answer.text).toContain(`Not done for ${olives.incidentId}:`);
      expect(await statusOf(olives)).toBe('triggered');
    }, 120_000);

    it('refuses a used code', async () => {
      await reply(numbers.paula!, `${code}a`).expect(200);
      expect(await statusOf(incident)).toBe('acknowledged');
      // The pager closes the page once the incident stops paging.
      await eventually(async () => {
        const answer = await reply(numbers.paula!, `${code}e`).expect(200);
        expect(answer.text).toContain('is not one of your open pages');
      });
      expect(await statusOf(incident)).toBe('acknowledged');
    });
  });

  it('keeps a storm of fifty incidents to the storm limit, then one bundle', async () => {
    const before = textsTo('frank').length;
    const started = Date.now();
    // Ten at a time, so the fifty arrive well inside one storm window however loaded the machine.
    for (let batch = 0; batch < 5; batch++)
      await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          request(env.app)
            .post('/v1/alerts')
            .send({
              service: 'pager-frank',
              summary: `Storm ${batch * 10 + j}`,
              severity: 'critical',
              dedupKey: `storm-${batch * 10 + j}`,
            })
            .expect(202),
        ),
      );
    // Gina has no SMS: her bundle is a call.
    const ginas = await Promise.all(
      Array.from({ length: STORM.maxPerWindow + 2 }, (_, i) => trigger('gina', `storm-${i}`)),
    );
    const bundle = await eventually(
      () => {
        const sent = textsTo('frank').slice(before);
        expect(sent.slice(0, STORM.maxPerWindow + 1).length).toBeLessThanOrEqual(STORM.maxPerWindow + 1);
        const found = sent.find((m) => m.Body!.includes("reply 'a all' to acknowledge all"));
        if (!found) throw new Error(`no bundle yet (${sent.length} texts)`);
        return { found, sent };
      },
      90_000,
      250,
    );
    // At most the limit before the bundle, the bundle once the window allowed.
    expect(bundle.sent.indexOf(bundle.found)).toBeLessThanOrEqual(STORM.maxPerWindow);
    expect(bundle.found.Body).toMatch(/… and \d+ more incidents — reply 'a all' to acknowledge all$/);
    expect(Date.now() - started).toBeGreaterThan(STORM.windowSeconds * 1000 - 5_000);
    expect(textsTo('frank').length - before).toBeLessThanOrEqual(STORM.maxPerWindow + 1);

    // Gina's bundle call: keypress 1 acknowledges every incident paging her.
    const bundleCall = await eventually(() => {
      const call = callsTo('gina').find((c) => c.StatusCallback!.endsWith('&step=bundle'));
      if (!call) throw new Error(`no bundle call yet (${callsTo('gina').length} calls)`);
      return call;
    }, 60_000);
    expect(callsTo('gina').findIndex((c) => c.StatusCallback === bundleCall.StatusCallback)).toBe(
      STORM.maxPerWindow,
    );
    const gather = /action="([^"]+)"/.exec(bundleCall.Twiml!)![1]!.replace(/&amp;/g, '&');
    const pressed = await twilioPost(gather.slice(PUBLIC_URL.length), {
      CallSid: `CA${'4'.repeat(32)}`,
      AccountSid: ACCOUNT_SID,
      Digits: '1',
      From: FROM,
      To: numbers.gina!,
    }).expect(200);
    expect(pressed.text.match(/Acknowledged INC-/g)).toHaveLength(ginas.length);
    for (const incident of ginas) expect(await statusOf(incident)).toBe('acknowledged');

    // 'a all' acknowledges every incident paging Frank, as Frank.
    const all = await reply(numbers.frank!, 'a all').expect(200);
    expect(all.text.match(/Acknowledged INC-/g)).toHaveLength(50);
    await eventually(async () => {
      const docs = await env.models.Incident.find({ service: 'pager-frank' }).lean();
      expect(docs.map((d) => [d.status, d.acknowledgedBy])).toEqual(
        Array.from({ length: 50 }, () => ['acknowledged', 'user:frank']),
      );
    }, 60_000);

    // Fifty pages ran side by side in Frank's pager: its runs replay on today's code.
    expect(await runsThatDoNotReplay(env.client, env.taskQueue, 'pagerWorkflow')).toEqual([]);
    await recordHistory(env.client, 'pager-storm', pagerWorkflowId('frank'));
  }, 180_000);
});
