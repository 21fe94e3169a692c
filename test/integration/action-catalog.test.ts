import request from 'supertest';
import { z } from 'zod';
import { incidentActionList, type IncidentAction } from '../../api/actions/catalog';
import { fieldMaximum, unwrapped } from '../../api/actions/fields';
import { slashCommand } from '../helpers/slack-signed';
import type { Incident } from '../../domain/incident';
import { createIncidentTestEnv, openIncident } from '../helpers/incidents';
import { testCatalog } from '../helpers/test-catalog';
import type { TestEnv } from '../helpers/test-env';
import { signInToWebUi, type WebUiSession } from '../helpers/web-ui-session';

// Every action of the catalog, through each surface that offers it: the JSON API, the web UI's
// form POST and Slack's slash command refuse the same over-limit input, naming the same limit.
const signingSecret = 'action-catalog-signing-secret';
const slackUserId = 'U0CATALOG01';
/** Slack ids of pat (a responder of the payments team only) and olive (no rights). */
const patSlackId = 'U0CATALOGPAT';
const oliveSlackId = 'U0CATALOGOLV';

/** One value past each limited field of an action's input: what every surface must refuse. */
function overLimit(action: IncidentAction): { field: string; value: string | number; max: number }[] {
  return Object.entries(action.input.shape).flatMap(([field, schema]) => {
    const max = fieldMaximum(schema as z.ZodType);
    if (max === undefined) return [];
    const isNumber = unwrapped(schema as z.ZodType) instanceof z.ZodNumber;
    return [{ field, value: isNumber ? max + 1 : 'x'.repeat(max + 1), max }];
  });
}

/** The path under the incident, with an approval or run of this incident where the action names one. */
function pathOf(template: string, incidentId: string): string {
  return template.replace(':approvalId', `${incidentId}.rb1.a1`).replace(':runId', `${incidentId}.rb1`);
}

const signedCommand = (text: string, userId = slackUserId) => slashCommand(signingSecret, text, userId);

describe('the action catalog', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;
  let incident: Incident;
  let browser: WebUiSession;

  beforeAll(async () => {
    const base = testCatalog(600);
    const catalog = {
      ...base,
      people: base.people.map((p, n) =>
        n === 0
          ? { ...p, slackUserId }
          : p.id === 'pat'
            ? { ...p, slackUserId: patSlackId }
            : p.id === 'olive'
              ? { ...p, slackUserId: oliveSlackId }
              : p,
      ),
    };
    ({ env, teardown } = await createIncidentTestEnv(
      600,
      { catalog },
      { catalog, slack: { signingSecret } },
    ));
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'payments', summary: 'Catalog check', severity: 'critical', dedupKey: 'catalog' })
      .expect(202);
    incident = await openIncident(env, 'payments', 'catalog');
    browser = await signInToWebUi(env.rawApp, env.adminToken);
  });
  afterAll(async () => teardown());

  it('gives every action an input whose text and numbers are bounded, so each has a limit to refuse', () => {
    for (const action of incidentActionList) {
      for (const [field, schema] of Object.entries(action.input.shape)) {
        const inner = unwrapped(schema as z.ZodType);
        if (inner instanceof z.ZodString || inner instanceof z.ZodNumber)
          expect({ action: action.id, field, max: fieldMaximum(schema as z.ZodType) }).toEqual({
            action: action.id,
            field,
            max: expect.any(Number),
          });
      }
    }
  });

  describe.each(incidentActionList.map((a) => [a.id, a] as const))('%s', (_id, action) => {
    const cases = overLimit(action);
    if (cases.length === 0) {
      it('takes no text or number of the caller’s to refuse', () => {
        const fields = Object.values(action.input.shape).map((s) => unwrapped(s as z.ZodType).def.type);
        expect(fields.filter((t) => t === 'string' || t === 'number')).toEqual([]);
      });
      return;
    }

    it.each(cases)('refuses $field past $max the same way in the JSON API', async ({ field, value, max }) => {
      const path = pathOf(action.api.path, incident.incidentId);
      const res = await request(env.app)
        [action.api.method](`/v1/incidents/${incident.incidentId}${path ? `/${path}` : ''}`)
        .send({ [field]: value })
        .expect(400);
      expect(res.body.error.details).toContainEqual({
        field: `body.${field}`,
        message: expect.stringContaining(`must be at most ${max}`),
      });
    });

    it.each(cases)(
      'refuses $field past $max the same way in the web UI form',
      async ({ field, value, max }) => {
        const path = pathOf(action.uiPath ?? action.name, incident.incidentId);
        const res = await request(env.rawApp)
          .post(`/ui/incidents/${incident.incidentId}/${path}`)
          .set('Cookie', browser.cookie)
          .type('form')
          .send({ _csrf: browser.csrf, [field]: String(value) })
          .expect(400);
        expect(res.text).toContain(`${field}: must be at most ${max}`);
      },
    );

    const slashText = action.slash?.text?.field;
    const onSlack = cases.filter((c) => c.field === slashText);
    if (onSlack.length > 0) {
      it.each(onSlack)('refuses $field past $max the same way in Slack', async ({ field, value, max }) => {
        const targets = Object.keys(action.target.shape).map((t) => pathOf(`:${t}`, incident.incidentId));
        // A leading field (a status) gets a valid word, so only the text is over its limit.
        const leading = (action.slash!.leading ?? []).map(
          (f) => (unwrapped(action.input.shape[f] as z.ZodType) as z.ZodEnum).options[0],
        );
        const words = [action.slash!.words[0], incident.incidentId, ...targets, ...leading, String(value)];
        const { body, headers } = signedCommand(words.join(' '));
        const res = await request(env.rawApp)
          .post('/v1/integrations/slack/commands')
          .set(headers)
          .send(body)
          .expect(200);
        expect(res.body.text).toContain(`Not done: Invalid request: ${field}: must be at most ${max}`);
      });
    } else {
      it('is not a Slack slash command with text, so Slack has nothing of the caller’s to refuse', () => {
        expect(action.slash?.text).toBeUndefined();
      });
    }
  });

  describe("a person's rights, the same on every surface", () => {
    // `incident` is the payments team's; this one is the sre team's (the default rule).
    let sreIncident: Incident;
    let patKey: string;

    beforeAll(async () => {
      await request(env.app)
        .post('/v1/alerts')
        .send({ service: 'search', summary: 'Rights check', severity: 'error', dedupKey: 'rights' })
        .expect(202);
      sreIncident = await openIncident(env, 'search', 'rights');
      patKey = await env.createKey('pats-laptop', ['incidents:read', 'incidents:write'], { person: 'pat' });
    });

    const slash = async (text: string, userId: string) => {
      const { body, headers } = signedCommand(text, userId);
      const res = await request(env.rawApp).post('/v1/integrations/slack/commands').set(headers).send(body);
      expect(res.status).toBe(200);
      return res.body.text as string;
    };
    const patRefusal = (id: string) =>
      `Pat Payments (pat) may not use incidents:write on ${id} (team sre, service search) ` +
      '(their rights: responder of team payments)';

    it("acts through the JSON API as the key's person, on their team's incidents only", async () => {
      const noted = await request(env.rawApp)
        .post(`/v1/incidents/${incident.incidentId}/notes`)
        .set('Authorization', `Bearer ${patKey}`)
        .send({ text: 'payments responder here' })
        .expect(201);
      expect(noted.body).toMatchObject({ actor: 'user:pat' });
      const refused = await request(env.rawApp)
        .post(`/v1/incidents/${sreIncident.incidentId}/acknowledge`)
        .set('Authorization', `Bearer ${patKey}`)
        .send({})
        .expect(403);
      expect(refused.body.error).toMatchObject({
        code: 'forbidden',
        message: patRefusal(sreIncident.incidentId),
      });
    });

    it('refuses from Slack what the person may not do, ephemerally, and does nothing', async () => {
      expect(await slash(`ack ${sreIncident.incidentId}`, patSlackId)).toBe(
        `Not done: ${patRefusal(sreIncident.incidentId)}`,
      );
      expect(await slash(`resolve ${sreIncident.incidentId}`, oliveSlackId)).toBe(
        'Not done: Olive Observer (olive) may not use incidents:write ' +
          '(the on-call catalog gives them no rights, so they only read)',
      );
      expect(await slash(`note ${incident.incidentId} from Slack`, patSlackId)).toBe(
        `Your note is on ${incident.incidentId}'s timeline.`,
      );
    });

    it("hides the web UI's forms the person may not use on the incident, and refuses a POST all the same", async () => {
      const pat = await signInToWebUi(env.rawApp, patKey);
      const page = (id: string) =>
        request(env.rawApp).get(`/ui/incidents/${id}`).set('Cookie', pat.cookie).expect(200);
      const theirs = await page(sreIncident.incidentId);
      expect(theirs.text).not.toContain(`action="/ui/incidents/${sreIncident.incidentId}/acknowledge"`);
      expect(theirs.text).toContain(
        'Some actions are not shown: Pat Payments (pat) may not use incidents:write',
      );
      const ours = await page(incident.incidentId);
      expect(ours.text).toContain(`action="/ui/incidents/${incident.incidentId}/acknowledge"`);
      const refused = await request(env.rawApp)
        .post(`/ui/incidents/${sreIncident.incidentId}/acknowledge`)
        .set('Cookie', pat.cookie)
        .type('form')
        .send({ _csrf: pat.csrf })
        .expect(403);
      expect(refused.text).toContain(patRefusal(sreIncident.incidentId));
    });

    it('leaves the other team’s incident untouched by the refusals', async () => {
      const res = await request(env.app).get(`/v1/incidents/${sreIncident.incidentId}`).expect(200);
      expect(res.body).toMatchObject({ status: 'triggered' });
      expect(res.body.acknowledgedBy).toBeUndefined();
    });
  });

  it('leaves the incident untouched by all the refusals', async () => {
    const res = await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200);
    expect(res.body).toMatchObject({
      status: 'triggered',
      title: incident.title,
      severity: incident.severity,
    });
  });
});
