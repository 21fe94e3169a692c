import request from 'supertest';
import { signedBySlack as signedByThem } from '../helpers/slack-signed';
import type { Incident } from '../../domain/incident';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { createIncidentTestEnv, timelineOf } from '../helpers/incidents';
import { testCatalog, testRules } from '../helpers/test-catalog';
import type { TestEnv } from '../helpers/test-env';
import { signInToWebUi } from '../helpers/web-ui-session';
import { SlackApiStandIn } from '../helpers/slack-api';

const signingSecret = 'declare-signing-secret';
const aliceSlackId = 'U0DECLALICE';
const oliveSlackId = 'U0DECLOLIVE';

const signedBySlack = (fields: Record<string, string>) => signedByThem(signingSecret, fields);

/** A view_submission of the declare modal, its fields as Slack's state.values holds them. */
function submission(
  userId: string,
  fields: { service?: string; title?: string; severity?: string; description?: string },
) {
  const text = (value: string | undefined) => ({ value: { type: 'plain_text_input', value: value ?? null } });
  return {
    type: 'view_submission',
    user: { id: userId },
    team: { id: 'T0TEST' },
    view: {
      id: 'V0DECLARE',
      callback_id: 'fireline-declare',
      private_metadata: JSON.stringify({ channel: 'C0INCIDENTS' }),
      state: {
        values: {
          service: text(fields.service),
          title: text(fields.title),
          severity: {
            value: {
              type: 'static_select',
              selected_option: fields.severity
                ? { text: { type: 'plain_text', text: fields.severity }, value: fields.severity }
                : null,
            },
          },
          description: text(fields.description),
        },
      },
    },
  };
}

// A person declares an incident (the "user reports" way one is identified): through the JSON API
// and the web UI's form, the incident opens through the alert path, triage runs with the declared
// severity, level 1 of the service's policy is paged, and the timeline names the reporter.
describe('declaring an incident', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;
  let slackApi: SlackApiStandIn;

  beforeAll(async () => {
    slackApi = await new SlackApiStandIn().start();
    const base = testCatalog(600);
    const slackIds: Record<string, string> = { alice: aliceSlackId, olive: oliveSlackId };
    const catalog = {
      ...base,
      people: base.people.map((p) => (slackIds[p.id] ? { ...p, slackUserId: slackIds[p.id] } : p)),
    };
    ({ env, receiver, teardown } = await createIncidentTestEnv(
      600,
      { catalog },
      // The API knows the worker's rules (but the receiver's runbook rule): the team of a service.
      { catalog, triageRules: testRules(), slack: { signingSecret, client: slackApi.client() } },
    ));
  });
  afterAll(async () => {
    await teardown();
    await slackApi.stop();
  });

  /** The level-1 page of an incident (the two-levels policy's signed webhook). */
  const level1PageOf = (incidentId: string) =>
    eventually(() => {
      const hit = receiver
        .to('/level1')
        .find((r) => (r.body as { incident?: { incidentId?: string } }).incident?.incidentId === incidentId);
      if (!hit) throw new Error(`level 1 not paged for ${incidentId} yet`);
      return hit.body as { incident: { incidentId: string; severity: string; reason: string } };
    });

  it("opens an incident as the key's person, with the declared severity, pages level 1, names the reporter", async () => {
    const patKey = await env.createKey('pat', ['incidents:read', 'incidents:write'], { person: 'pat' });
    const res = await request(env.rawApp)
      .post('/v1/incidents')
      .set('Authorization', `Bearer ${patKey}`)
      .send({
        service: 'payments',
        title: 'Card payments failing for EU customers',
        severity: 'SEV1',
        description: 'Support reports declined cards since 14:05',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      incidentId: expect.stringMatching(/^INC-[A-Z0-9]{12}$/),
      service: 'payments',
      severity: 'SEV1',
      team: 'payments',
      state: 'open',
    });
    const { incidentId } = res.body as { incidentId: string };
    const incident = await eventually(async () => {
      const read = await request(env.app).get(`/v1/incidents/${incidentId}`).expect(200);
      return read.body as Incident;
    });
    expect(incident).toMatchObject({
      title: 'Card payments failing for EU customers',
      severity: 'SEV1',
      team: 'payments',
      integration: 'declared',
      triage: { ruleId: 'payments-critical' },
    });
    expect((await level1PageOf(incidentId)).incident).toMatchObject({ severity: 'SEV1', reason: 'level 1' });
    const [opened] = await eventually(async () => {
      const entries = await timelineOf(env, incidentId);
      if (!entries.some((e) => e.type === 'notification.sent')) throw new Error('not paged yet');
      return entries;
    });
    expect(opened).toMatchObject({
      type: 'incident.opened',
      actor: 'user:pat',
      message: 'Declared by Pat Payments: Support reports declined cards since 14:05',
    });
  });

  it('refuses an observer, a person without rights on the team triage gives, and a bad severity', async () => {
    const oliveKey = await env.createKey('olive', ['incidents:read', 'incidents:write'], { person: 'olive' });
    const observer = await request(env.rawApp)
      .post('/v1/incidents')
      .set('Authorization', `Bearer ${oliveKey}`)
      .send({ service: 'payments', title: 'Looks broken', severity: 'SEV2' })
      .expect(403);
    expect(observer.body.error.message).toBe(
      'Olive Observer (olive) may not use incidents:write (the on-call catalog gives them no rights, so they only read)',
    );
    // A SEV3 of payments is the sre team's (the default rule): Pat responds to payments' team only.
    const patKey = await env.createKey('pat-2', ['incidents:read', 'incidents:write'], { person: 'pat' });
    const otherTeam = await request(env.rawApp)
      .post('/v1/incidents')
      .set('Authorization', `Bearer ${patKey}`)
      .send({ service: 'payments', title: 'Slow refunds', severity: 'SEV3' })
      .expect(403);
    expect(otherTeam.body.error.message).toContain(
      'Pat Payments (pat) may not use incidents:write on a new incident of payments (team sre, service payments)',
    );
    const bad = await request(env.app)
      .post('/v1/incidents')
      .send({ service: 'payments', title: 'Card payments failing', severity: 'critical' })
      .expect(400);
    expect(bad.body.error.details).toEqual([
      { field: 'body.severity', message: 'choose a severity: SEV1, SEV2, SEV3 or SEV4' },
    ]);
    const openedByNobody = await env.models.Incident.countDocuments({ integration: 'declared' });
    expect(openedByNobody).toBe(1);
  });

  it('declares from the web UI form and goes to the new incident, paged and naming its reporter', async () => {
    const browser = await signInToWebUi(env.rawApp, env.adminToken);
    const form = await request(env.rawApp).get('/ui/declare').set('Cookie', browser.cookie).expect(200);
    expect(form.text).toContain('<form method="post" action="/ui/declare"');
    expect(form.text).toMatch(/<a href="\/ui\/declare"\s+aria-current="page"/);

    const refused = await request(env.rawApp)
      .post('/ui/declare')
      .set('Cookie', browser.cookie)
      .type('form')
      .send({ _csrf: browser.csrf, service: 'search', title: 'Search is empty', severity: 'SEV9' })
      .expect(400);
    expect(refused.text).toContain('choose a severity: SEV1, SEV2, SEV3 or SEV4');
    expect(refused.text).toContain('value="Search is empty"');

    const declared = await request(env.rawApp)
      .post('/ui/declare')
      .set('Cookie', browser.cookie)
      .type('form')
      .send({
        _csrf: browser.csrf,
        service: 'search',
        title: 'Search returns nothing',
        severity: 'SEV2',
        description: '',
      })
      .expect(303);
    const location = declared.headers.location as string;
    expect(location).toMatch(/^\/ui\/incidents\/INC-[A-Z0-9]{12}\?done=declared$/);
    const incidentId = /INC-[A-Z0-9]{12}/.exec(location)![0];
    const page = await eventually(async () =>
      request(env.rawApp).get(location).set('Cookie', browser.cookie).expect(200),
    );
    expect(page.text).toContain('You declared the incident');
    expect(page.text).toContain('Search returns nothing');
    expect((await level1PageOf(incidentId)).incident.severity).toBe('SEV2');
    const [opened] = await timelineOf(env, incidentId);
    expect(opened).toMatchObject({
      actor: 'user:alice',
      message: 'Declared by Alice Test: Search returns nothing',
    });
  });

  it('declares from Slack: /incident declare opens the modal, its submission declares as the Slack user', async () => {
    const command = (userId: string) =>
      signedBySlack({
        command: '/incident',
        text: 'declare',
        user_id: userId,
        channel_id: 'C0INCIDENTS',
        trigger_id: '12345.98765.abcd2358fdea',
      });
    const slash = async (userId: string) => {
      const { body, headers } = command(userId);
      return (
        await request(env.rawApp).post('/v1/integrations/slack/commands').set(headers).send(body).expect(200)
      ).body.text as string;
    };
    // An observer may not declare: told so, and no form opens.
    expect(await slash(oliveSlackId)).toBe(
      'Not done: Olive Observer (olive) may not use incidents:write (the on-call catalog gives them no rights, so they only read)',
    );
    expect(slackApi.callsOf('views.open')).toHaveLength(0);

    expect(await slash(aliceSlackId)).toBe('Fill in the form to declare an incident.');
    const [opened] = slackApi.callsOf('views.open');
    expect(opened!.args.trigger_id).toBe('12345.98765.abcd2358fdea');
    expect(opened!.answer).toMatchObject({ ok: true });
    const view = opened!.args.view as { callback_id: string; blocks: Array<{ block_id: string }> };
    expect(view.callback_id).toBe('fireline-declare');
    expect(view.blocks.map((b) => b.block_id)).toEqual(['service', 'title', 'severity', 'description']);

    const submit = async (payload: unknown) => {
      const { body, headers } = signedBySlack({ payload: JSON.stringify(payload) });
      return (
        await request(env.rawApp)
          .post('/v1/integrations/slack/interactions')
          .set(headers)
          .send(body)
          .expect(200)
      ).body as Record<string, unknown>;
    };
    // A field left out is shown under its block, and nothing is declared.
    expect(await submit(submission(aliceSlackId, { service: 'payments', title: 'Refunds stuck' }))).toEqual({
      response_action: 'errors',
      errors: { severity: 'choose a severity: SEV1, SEV2, SEV3 or SEV4' },
    });
    const answer = await submit(
      submission(aliceSlackId, {
        service: 'payments',
        title: 'Refunds stuck',
        severity: 'SEV1',
        description: 'Refund queue not draining since 09:00',
      }),
    );
    expect(answer).toMatchObject({
      response_action: 'update',
      view: { title: { text: 'Incident declared' } },
    });
    const incidentId = /INC-[A-Z0-9]{12}/.exec(JSON.stringify(answer))![0];
    expect((await level1PageOf(incidentId)).incident.severity).toBe('SEV1');
    const [first] = await eventually(() => timelineOf(env, incidentId));
    expect(first).toMatchObject({
      actor: 'user:alice',
      message: 'Declared by Alice Test (via Slack): Refund queue not draining since 09:00',
    });
  });
});
