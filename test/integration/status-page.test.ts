import request from 'supertest';
import type { StatusSnapshot } from '../../domain/status-page';
import type { MongoServer } from '../../stack/mongo';
import { eventually } from '../helpers/http-receiver';
import { createIncidentTestEnv, openIncident, timelineOf } from '../helpers/incidents';
import { OwnMongoServer } from '../helpers/own-mongo';
import type { TestEnv } from '../helpers/test-env';
import { slashCommand as slackCommand } from '../helpers/slack-signed';
import { testCatalog } from '../helpers/test-catalog';

const signingSecret = 'status-page-signing-secret';
const aliceSlackId = 'U0STATUSALICE';

/** `/incident <text>` as Slack sends it, signed, from alice. */
const slashCommand = (text: string) => slackCommand(signingSecret, text, aliceSlackId);

// The public status page: components whose state follows their services' incidents, public
// incidents written apart from the incident timeline, and a page that keeps answering from
// memory while MongoDB is stopped.
describe('status page', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;
  let mongo: MongoServer;
  const ownMongo = new OwnMongoServer('status-page');

  beforeAll(async () => {
    mongo = await ownMongo.start();
    // A snapshot goes stale after a second, so the outage below is met by refreshes that fail.
    const base = testCatalog(600);
    const catalog = {
      ...base,
      people: base.people.map((p) => (p.id === 'alice' ? { ...p, slackUserId: aliceSlackId } : p)),
    };
    ({ env, teardown } = await createIncidentTestEnv(
      600,
      { catalog },
      { catalog, mongoUri: mongo.uri, config: { STATUS_PAGE_CACHE_SECONDS: 1 }, slack: { signingSecret } },
    ));
  });
  afterAll(async () => {
    await teardown();
    await mongo.stop();
    ownMongo.remove();
  });

  /** The three public forms, read with no key. */
  const publicForms = async () => {
    const page = await request(env.rawApp).get('/status').expect(200);
    const json = await request(env.rawApp).get('/status.json').expect(200);
    const feed = await request(env.rawApp).get('/status/feed.atom').expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(feed.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(page.headers['cache-control']).toBe('public, max-age=1');
    return { page: page.text, json: json.body as StatusSnapshot, jsonText: json.text, feed: feed.text };
  };

  const internalNote = 'INTERNAL: db-7 password rotated by bob, customer ACME escalated';
  let publicId: string;
  let incidentId: string;

  it('shows a public update and never an internal note of the linked incident', async () => {
    await request(env.app)
      .post('/v1/status/components')
      .send({ id: 'checkout', name: 'Checkout', services: ['payments', 'cart'] })
      .expect(201);
    await request(env.app)
      .post('/v1/status/components')
      .send({ id: 'search', name: 'Search', services: ['search'], description: 'Finding products' })
      .expect(201);
    const taken = await request(env.app)
      .post('/v1/status/components')
      .send({ id: 'search', name: 'Search again', services: ['search'] })
      .expect(409);
    expect(taken.body.error.message).toBe('A component search exists already');

    // A SEV1 on payments: Checkout is in a major outage, Search untouched.
    await request(env.app)
      .post('/v1/alerts')
      .send({
        service: 'payments',
        summary: 'Card authorisations failing',
        severity: 'critical',
        dedupKey: 'cards',
      })
      .expect(202);
    const incident = await openIncident(env, 'payments', 'cards');
    incidentId = incident.incidentId;
    expect(incident.severity).toBe('SEV1');
    const components = await request(env.app).get('/v1/status/components').expect(200);
    expect(components.body.components.map((c: { id: string; state: string }) => [c.id, c.state])).toEqual([
      ['checkout', 'major_outage'],
      ['search', 'operational'],
    ]);

    const opened = await request(env.app)
      .post('/v1/status/incidents')
      .send({
        title: 'Card payments failing',
        components: ['checkout'],
        incidentId,
        body: 'Some card payments fail at checkout; we are investigating.',
      })
      .expect(201);
    publicId = opened.body.id;
    expect(opened.body).toMatchObject({
      status: 'investigating',
      incidentId,
      createdBy: 'alice',
    });
    expect(opened.body.updates[0]).toMatchObject({ status: 'investigating', author: 'alice' });

    // The internal note is on the incident's timeline...
    await request(env.app).post(`/v1/incidents/${incidentId}/notes`).send({ text: internalNote }).expect(201);
    await eventually(async () => {
      expect((await timelineOf(env, incidentId)).map((e) => JSON.stringify(e)).join()).toContain(
        internalNote,
      );
    });
    await request(env.app)
      .post(`/v1/status/incidents/${publicId}/updates`)
      .send({ status: 'identified', body: 'A faulty card-network route; switching to the backup.' })
      .expect(201);

    // ...and nowhere on the page, its JSON or its feed, which show the public updates only.
    const { page, json, jsonText, feed } = await publicForms();
    for (const text of [page, jsonText, feed]) {
      expect(text).toContain('A faulty card-network route; switching to the backup.');
      expect(text).toContain('Some card payments fail at checkout; we are investigating.');
      expect(text).not.toContain('db-7');
      expect(text).not.toContain('ACME');
      expect(text).not.toContain(incidentId);
      expect(text).not.toContain('Card authorisations failing');
    }
    expect(jsonText).not.toContain('alice');
    expect(json.status).toEqual({ state: 'major_outage', text: 'Major outage' });
    expect(json.incidents).toEqual([
      expect.objectContaining({
        id: publicId,
        title: 'Card payments failing',
        status: 'identified',
        components: [{ id: 'checkout', name: 'Checkout' }],
      }),
    ]);
    expect(json.incidents[0]!.updates.map((u) => u.status)).toEqual(['identified', 'investigating']);
    expect(json.components.map((c) => c.days.length)).toEqual([90, 90]);
    expect(page).toContain('Major outage');
  });

  it("lets a responder override a component's state until cleared, and refuses an observer", async () => {
    const olive = await env.createKey('olive', ['incidents:write'], { person: 'olive' });
    const refused = await request(env.rawApp)
      .put('/v1/status/components/search/override')
      .set('Authorization', `Bearer ${olive}`)
      .send({ state: 'degraded' })
      .expect(403);
    expect(refused.body.error.message).toMatch(/olive.*may not use incidents:write/i);

    const bob = await env.createKey('bob', ['incidents:write', 'incidents:read'], { person: 'bob' });
    const set = await request(env.rawApp)
      .put('/v1/status/components/search/override')
      .set('Authorization', `Bearer ${bob}`)
      .send({ state: 'degraded' })
      .expect(200);
    expect(set.body).toMatchObject({
      state: 'degraded',
      derived: 'operational',
      override: { state: 'degraded', by: 'user:bob' },
    });
    const json = (await request(env.rawApp).get('/status.json').expect(200)).body as StatusSnapshot;
    expect(json.components.find((c) => c.id === 'search')?.state).toBe('degraded');

    const cleared = await request(env.rawApp)
      .delete('/v1/status/components/search/override')
      .set('Authorization', `Bearer ${bob}`)
      .expect(200);
    expect(cleared.body).toMatchObject({ state: 'operational', derived: 'operational' });
    expect(cleared.body.override).toBeUndefined();
  });

  it("posts public updates from the incident's API and from Slack onto its public incident", async () => {
    const fromApi = await request(env.app)
      .post(`/v1/incidents/${incidentId}/status-updates`)
      .send({ status: 'monitoring', body: 'Payments go through the backup route; watching.' })
      .expect(201);
    expect(fromApi.body).toMatchObject({ id: publicId, status: 'monitoring' });

    const { body, headers } = slashCommand(`status ${incidentId} monitoring Error rates are back to normal.`);
    const slack = await request(env.rawApp)
      .post('/v1/integrations/slack/commands')
      .set(headers)
      .send(body)
      .expect(200);
    expect(slack.body.text).toBe(`Your public update (monitoring) on ${incidentId} is on the status page.`);
    const bad = slashCommand(`status ${incidentId} fixed All good`);
    const refused = await request(env.rawApp)
      .post('/v1/integrations/slack/commands')
      .set(bad.headers)
      .send(bad.body)
      .expect(200);
    expect(refused.body.text).toContain('status: choose investigating, identified, monitoring or resolved');

    // Posted beside /v1/status, these reach the page with its next refresh (a second here).
    await eventually(async () => {
      const shown = (await request(env.rawApp).get('/status.json').expect(200)).body as StatusSnapshot;
      expect(shown.incidents[0]!.updates.map((u) => [u.status, u.body])).toEqual([
        ['monitoring', 'Error rates are back to normal.'],
        ['monitoring', 'Payments go through the backup route; watching.'],
        ['identified', 'A faulty card-network route; switching to the backup.'],
        ['investigating', 'Some card payments fail at checkout; we are investigating.'],
      ]);
    });
  });

  it('names the bad field, and takes no update once resolved', async () => {
    const bad = await request(env.app)
      .post('/v1/status/incidents')
      .send({ title: 'x', components: ['nope'], body: 'x' })
      .expect(400);
    expect(bad.body.error.details).toEqual([
      { field: 'body.components.0', message: 'There is no component nope' },
    ]);
    const badStatus = await request(env.app)
      .post(`/v1/status/incidents/${publicId}/updates`)
      .send({ status: 'fixed', body: 'x' })
      .expect(400);
    expect(badStatus.body.error.details[0].field).toBe('body.status');

    const resolved = await request(env.app)
      .post(`/v1/status/incidents/${publicId}/resolve`)
      .send({ body: 'Card payments work again.' })
      .expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved' });
    expect(resolved.body.resolvedAt).toEqual(expect.any(String));
    await request(env.app)
      .post(`/v1/status/incidents/${publicId}/updates`)
      .send({ status: 'monitoring', body: 'x' })
      .expect(409);
    const { page } = await publicForms();
    expect(page).toContain('Recently resolved');

    // From the incident again: a new public incident, titled after its components, not the incident.
    const reopened = await request(env.app)
      .post(`/v1/incidents/${incidentId}/status-updates`)
      .send({ status: 'investigating', body: 'Card payments fail again.' })
      .expect(201);
    expect(reopened.body).toMatchObject({
      title: 'Problems with Checkout',
      components: ['checkout'],
      incidentId,
      status: 'investigating',
    });
    expect(reopened.body.id).not.toBe(publicId);
  });

  it("shows a maintenance window on a component's services as scheduled maintenance, without its reason", async () => {
    const reason = 'INTERNAL: swap db-7 disks, ticket OPS-1234';
    const startsAt = new Date(Date.now() + 3600_000).toISOString();
    const endsAt = new Date(Date.now() + 2 * 3600_000).toISOString();
    await request(env.app)
      .post('/v1/maintenance-windows')
      .send({ services: ['cart'], startsAt, endsAt, reason })
      .expect(201);
    // A window on no component's service is not the public's business.
    await request(env.app)
      .post('/v1/maintenance-windows')
      .send({ services: ['billing-batch'], durationMinutes: 60, reason: 'batch rerun' })
      .expect(201);
    const { page, json, jsonText, feed } = await eventually(async () => {
      // Each form may be served from the copy read before the windows were made, once.
      const forms = await publicForms();
      expect(forms.json.maintenance).toHaveLength(1);
      expect(forms.page).toContain('Scheduled maintenance: Checkout');
      return forms;
    }, 10_000);
    expect(json.maintenance[0]).toEqual({
      title: 'Scheduled maintenance: Checkout',
      components: [{ id: 'checkout', name: 'Checkout' }],
      startsAt,
      endsAt,
      active: false,
    });
    expect(page).toContain('Scheduled maintenance: Checkout');
    for (const text of [page, jsonText, feed]) {
      expect(text).not.toContain('OPS-1234');
      expect(text).not.toContain('batch rerun');
    }
  });

  it('answers from its cache while MongoDB is stopped', async () => {
    const before = await publicForms();
    await mongo.stop();
    try {
      // Past the snapshot's freshness: each read starts a refresh that fails, and is answered meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      for (let i = 0; i < 3; i++) {
        const during = await publicForms();
        expect(during.page).toBe(before.page);
        expect(during.jsonText).toBe(before.jsonText);
        expect(during.feed).toBe(before.feed);
      }
    } finally {
      mongo = await ownMongo.start();
    }
    // MongoDB back: the page is read again, and a newer copy replaces the old one.
    await eventually(async () => {
      const after = (await request(env.rawApp).get('/status.json').expect(200)).body as StatusSnapshot;
      expect(after.generatedAt > before.json.generatedAt).toBe(true);
    }, 20_000);
  });
});
