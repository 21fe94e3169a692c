import path from 'node:path';
import request from 'supertest';
import type { Incident, TimelineEntry } from '../../domain/incident';
import { recordHistory } from '../helpers/histories';
import { eventually } from '../helpers/http-receiver';
import { createIncidentTestEnv, openIncident, timelineOf } from '../helpers/incidents';
import { bashBlocks, listenLocally, repoDir, runBash } from '../helpers/readme-examples';
import type { TestEnv } from '../helpers/test-env';

// During a maintenance window, alerts of its services open incidents that page nobody; one still
// open when the window ends pages then. A SEV1 pages regardless, unless the window says otherwise.
describe('maintenance windows', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    ({ env, teardown } = await createIncidentTestEnv(600));
  });
  afterAll(() => teardown());

  const alert = (service: string, dedupKey: string, severity = 'error') =>
    request(env.app)
      .post('/v1/alerts')
      .send({ service, dedupKey, summary: `${dedupKey} failing`, severity })
      .expect(202);
  const pages = (entries: TimelineEntry[]) => entries.filter((e) => e.type === 'notification.sent');
  const live = async (incidentId: string) =>
    (await request(env.app).get(`/v1/incidents/${incidentId}`).expect(200)).body as Incident;
  // The worker reads the windows with the rest of the on-call model: a window applies to incidents
  // opened from a second after it is made (docs/maintenance.md says so).
  const seenByWorker = () => new Promise((resolve) => setTimeout(resolve, 1500));

  it('records alerts without paging during the window, and pages what is still triggered when it ends', async () => {
    const endsAt = new Date(Date.now() + 10_000).toISOString();
    const made = await request(env.app)
      .post('/v1/maintenance-windows')
      .send({ services: ['esc-db', 'payments'], endsAt, reason: 'PostgreSQL 17 upgrade' })
      .expect(201);
    expect(made.body).toMatchObject({
      id: expect.stringMatching(/^mw-[0-9a-f]{12}$/),
      services: ['esc-db', 'payments'],
      endsAt,
      reason: 'PostgreSQL 17 upgrade',
      createdBy: 'user:alice',
      silenceSev1: false,
      active: true,
    });
    const windowId = made.body.id as string;
    const listed = await request(env.app).get('/v1/maintenance-windows?state=active').expect(200);
    expect(listed.body.windows.map((w: { id: string }) => w.id)).toContain(windowId);
    await seenByWorker();

    await alert('esc-db', 'replication-lag');
    await alert('esc-db', 'replication-lag');
    await alert('esc-db', 'disk-busy');
    // The test rules make a critical payments alert a SEV1.
    await alert('payments', 'primary-down', 'critical');
    const held = await openIncident(env, 'esc-db', 'replication-lag');
    const acked = await openIncident(env, 'esc-db', 'disk-busy');
    const sev1 = await openIncident(env, 'payments', 'primary-down');
    await request(env.app).post(`/v1/incidents/${acked.incidentId}/acknowledge`).send({}).expect(200);

    // Recorded and shown, and on the timeline with the window's reason; nobody paged.
    await eventually(async () => expect((await live(held.incidentId)).alertCount).toBe(2), 10_000);
    expect((await live(held.incidentId)).maintenance).toMatchObject({ windowId, holding: true });
    const during = await timelineOf(env, held.incidentId);
    expect(during.find((e) => e.type === 'maintenance')?.message).toContain(
      `In maintenance window ${windowId} until ${endsAt}: PostgreSQL 17 upgrade (by user:alice)`,
    );
    expect(pages(during)).toEqual([]);
    // A SEV1 pages at once: the window does not say it silences SEV1.
    await eventually(
      async () => expect(pages(await timelineOf(env, sev1.incidentId))).not.toEqual([]),
      10_000,
    );
    expect((await live(sev1.incidentId)).maintenance).toBeUndefined();

    // Still triggered at the end: paged then, not before.
    const after = await eventually(async () => {
      const entries = await timelineOf(env, held.incidentId);
      expect(pages(entries)).not.toEqual([]);
      return entries;
    }, 20_000);
    expect(Date.parse(pages(after)[0]!.at)).toBeGreaterThanOrEqual(Date.parse(endsAt));
    expect(after.map((e) => e.message)).toContain(
      `Paging no longer held: maintenance window ${windowId} is over: still triggered, paging now`,
    );
    expect((await live(held.incidentId)).maintenance).toMatchObject({ windowId, holding: false });
    // Acknowledged during the window: the end pages nobody.
    const ackedAfter = await eventually(async () => {
      const entries = await timelineOf(env, acked.incidentId);
      expect(entries.map((e) => e.message)).toContain(
        `Paging no longer held: maintenance window ${windowId} is over`,
      );
      return entries;
    }, 10_000);
    expect(pages(ackedAfter)).toEqual([]);

    // The replay fixture of an incident held by a window, then paged at its end.
    await request(env.app).post(`/v1/incidents/${held.incidentId}/resolve`).send({}).expect(200);
    await env.client.workflow.getHandle(held.workflowId).result();
    await recordHistory(env.client, 'incident-maintenance-held', held.workflowId);
  }, 60_000);

  it('pages at once what a window held when the window is ended early, and keeps the ended window listed', async () => {
    const made = await request(env.app)
      .post('/v1/maintenance-windows')
      .send({ services: ['esc-cache'], durationMinutes: 120, reason: 'Redis failover drill' })
      .expect(201);
    const windowId = made.body.id as string;
    await seenByWorker();
    await alert('esc-cache', 'evictions');
    const held = await openIncident(env, 'esc-cache', 'evictions');
    await eventually(
      async () => expect((await live(held.incidentId)).maintenance?.holding).toBe(true),
      10_000,
    );

    const ended = await request(env.app).post(`/v1/maintenance-windows/${windowId}/end`).expect(200);
    expect(ended.body).toMatchObject({ id: windowId, active: false });
    await eventually(
      async () => expect(pages(await timelineOf(env, held.incidentId))).not.toEqual([]),
      15_000,
    );
    await request(env.app).post(`/v1/maintenance-windows/${windowId}/end`).expect(409);
    const all = await request(env.app).get('/v1/maintenance-windows?state=all').expect(200);
    expect(all.body.windows.map((w: { id: string }) => w.id)).toContain(windowId);
    const current = await request(env.app).get('/v1/maintenance-windows').expect(200);
    expect(current.body.windows.map((w: { id: string }) => w.id)).not.toContain(windowId);
  }, 45_000);

  it('silences a SEV1 when the window says so, and a team window covers the team', async () => {
    const made = await request(env.app)
      .post('/v1/maintenance-windows')
      .send({ team: 'payments', durationMinutes: 30, reason: 'card network cut-over', silenceSev1: true })
      .expect(201);
    await seenByWorker();
    // The test rules give critical payments alerts to the payments team.
    await alert('payments', 'auth-declines', 'critical');
    const held = await openIncident(env, 'payments', 'auth-declines');
    await eventually(async () => {
      const incident = await live(held.incidentId);
      expect(incident.severity).toBe('SEV1');
      expect(incident.maintenance).toMatchObject({
        windowId: made.body.id,
        holding: true,
        silenceSev1: true,
      });
    }, 10_000);
    // Escalated by hand, it pages: a person's decision outranks the window.
    await request(env.app)
      .post(`/v1/incidents/${held.incidentId}/escalate`)
      .send({ reason: 'customers calling' })
      .expect(200);
    await eventually(
      async () => expect(pages(await timelineOf(env, held.incidentId))).not.toEqual([]),
      15_000,
    );
    await request(env.app).delete(`/v1/maintenance-windows/${made.body.id}`).expect(204);
    await request(env.app).get(`/v1/maintenance-windows/${made.body.id}`).expect(404);
  }, 45_000);

  it("runs docs/maintenance.md's examples as written: curl, then the command line", async () => {
    const api = await listenLocally(env.rawApp);
    try {
      const [curl] = bashBlocks('docs/maintenance.md', '## Planning one');
      const script = `cd "$(mktemp -d)"\n${curl!.replaceAll('localhost:3000', api.url.replace('http://', ''))}`;
      const stdout = await runBash(script, { FIRELINE_API_KEY: env.adminToken });
      expect(stdout).toMatch(/"services":\["checkout","payments"\].*"reason":"PostgreSQL 17 upgrade"/);
      expect(stdout).toMatch(/"active":false/);

      const [cli] = bashBlocks('docs/maintenance.md', '## From the command line');
      const out = await runBash(
        cli!.replaceAll('npx fireline', `node ${path.join(repoDir, 'dist', 'cli', 'main.js')}`),
        {
          FIRELINE_API_KEY: env.adminToken,
          FIRELINE_URL: api.url,
        },
      );
      expect(out).toMatch(/covers {5}search \(SEV1 still pages\)/);
      expect(out).toMatch(/covers {5}team payments, SEV1 included/);
      expect(out).toMatch(/mw-[0-9a-f]{12}\s+search\s+now \S+ → \S+\s+Elasticsearch reindex/);
    } finally {
      await api.close();
    }
  });

  it('refuses a window naming its field, and one over services the person has no rights on', async () => {
    const refused = async (body: object, field: string) => {
      const res = await request(env.app).post('/v1/maintenance-windows').send(body).expect(400);
      expect(res.body.error.details.map((f: { field: string }) => f.field)).toContain(field);
    };
    await refused({ services: ['web'], durationMinutes: 10 }, 'body.reason');
    await refused({ services: ['web'], team: 'sre', durationMinutes: 10, reason: 'x' }, 'body.services');
    await refused({ services: ['web'], reason: 'x' }, 'body.endsAt');
    await refused({ team: 'nobody', durationMinutes: 10, reason: 'x' }, 'body.team');
    await refused(
      { services: ['web'], endsAt: new Date(Date.now() - 1000).toISOString(), reason: 'x' },
      'body.endsAt',
    );
    await refused(
      { services: ['web'], durationMinutes: 8 * 24 * 60, reason: 'x', weekly: { timeZone: 'UTC' } },
      'body.durationMinutes',
    );
    await refused(
      { services: ['web'], durationMinutes: 10, reason: 'x', weekly: { timeZone: 'Mars/Base' } },
      'body.weekly.timeZone',
    );

    // Pat is a responder on the payments team only; Olive only reads.
    const pat = await env.createKey('pat-mw', ['incidents:read', 'incidents:write'], { person: 'pat' });
    const body = { services: ['web'], durationMinutes: 10, reason: 'deploy' };
    const denied = await request(env.rawApp)
      .post('/v1/maintenance-windows')
      .set('authorization', `Bearer ${pat}`)
      .send(body)
      .expect(403);
    expect(denied.body.error.message).toContain('web');
    await request(env.rawApp)
      .post('/v1/maintenance-windows')
      .set('authorization', `Bearer ${pat}`)
      .send({ ...body, team: 'payments', services: undefined })
      .expect(201);
    const olive = await env.createKey('olive-mw', ['incidents:read', 'incidents:write'], { person: 'olive' });
    await request(env.rawApp)
      .post('/v1/maintenance-windows')
      .set('authorization', `Bearer ${olive}`)
      .send(body)
      .expect(403);
  });
});
