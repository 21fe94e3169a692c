import { liveOnCallModel } from '../../api/deps';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../api/app';
import { MONGODB_UNAVAILABLE_NOTICE } from '../../api/ui/routes';
import type { Incident } from '../../domain/incident';
import { revokeApiKey } from '../../infra/api-keys';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { incidentQuery } from '../../workflows/incident/messages';
import type { MongoServer } from '../../stack/mongo';
import { OwnMongoServer } from '../helpers/own-mongo';
import { eventually } from '../helpers/http-receiver';
import { createIncidentTestEnv, openIncident } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';
import { signInToWebUi, type WebUiSession } from '../helpers/web-ui-session';
import { onCallCatalog } from '../../config/oncall-catalog';

const CACHE_SECONDS = 1;
const GRACE_SECONDS = 15;
const LOOKUP_TIMEOUT_MS = 500;

// MongoDB hangs (SIGSTOP: the process lives, its sockets stay open, nothing answers). The API
// goes on accepting alerts and acknowledgements on the keys and sessions it verified before,
// says 503 (never 401 or 500) for those it cannot check, stays ready, and shows an open
// incident from Temporal.
describe('the API while MongoDB hangs', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;
  let mongo: MongoServer;
  let app: Express;
  const ownMongo = new OwnMongoServer('hung');

  beforeAll(async () => {
    mongo = await ownMongo.start();
    // Escalation levels far apart: this test is about the API, not paging.
    ({ env, teardown } = await createIncidentTestEnv(600, {}, { mongoUri: mongo.uri }));
    app = createApp({
      ...env.apiDeps,
      onCall: liveOnCallModel(onCallCatalog, env.models, {}),
      config: {
        ...env.config,
        API_KEY_CACHE_SECONDS: CACHE_SECONDS,
        API_KEY_OUTAGE_GRACE_SECONDS: GRACE_SECONDS,
        MONGODB_LOOKUP_TIMEOUT_MS: LOOKUP_TIMEOUT_MS,
      },
    });
  });
  afterAll(async () => {
    mongo.resume();
    await teardown();
    await mongo.stop();
    ownMongo.remove();
  });

  const alert = (token: string, dedupKey: string) =>
    request(app)
      .post('/v1/alerts')
      .set('Authorization', `Bearer ${token}`)
      .send({ service: 'hung', summary: `Alert ${dedupKey}`, severity: 'error', dedupKey });
  const live = (incident: Incident) =>
    env.client.workflow.getHandle(incident.workflowId).query(incidentQuery);

  it('accepts alerts and acknowledgements on what it verified before, and says 503 for the rest', async () => {
    const pager = await env.createKey('hung-pager', ['alerts:write']);
    const responder = await env.createKey('hung-responder', ['incidents:read', 'incidents:write'], {
      person: 'bob',
    });
    const webResponder = await env.createKey('hung-web', ['incidents:read', 'incidents:write'], {
      person: 'carol',
    });
    const neverSeen = await env.createKey('hung-new', ['alerts:write']);
    const revoked = await env.createKey('hung-revoked', ['alerts:write']);

    await alert(pager, 'h1').expect(202);
    await alert(pager, 'h2').expect(202);
    await alert(revoked, 'h3').expect(202);
    await revokeApiKey(env.models, 'hung-revoked');
    const [first, second] = await Promise.all([
      openIncident(env, 'hung', 'h1'),
      openIncident(env, 'hung', 'h2'),
    ]);
    // MongoDB's answer "revoked" is a 401 once the cache time is over.
    await new Promise((resolve) => setTimeout(resolve, CACHE_SECONDS * 1000 + 100));
    await alert(revoked, 'h3').expect(401);

    // Verified now: the responder's key (as a bearer token, and through the sign-in form), a web session.
    await request(app)
      .get(`/v1/incidents/${first.incidentId}`)
      .set('Authorization', `Bearer ${responder}`)
      .expect(200);
    const web: WebUiSession = await signInToWebUi(app, webResponder);
    await request(app).get(`/ui/incidents/${second.incidentId}`).set('Cookie', web.cookie).expect(200);
    await request(app).get('/metrics').set('Authorization', `Bearer ${env.adminToken}`).expect(200);
    await alert(pager, 'h1').expect(202);
    const verifiedAt = Date.now();

    mongo.pause();
    await new Promise((resolve) => setTimeout(resolve, CACHE_SECONDS * 1000 + 100));

    // Ready: alerts and acknowledgements need Temporal only. MongoDB's state is in the body.
    const ready = await request(app).get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { temporal: 'ok', mongodb: 'unavailable' } });
    // Every answer below comes while MongoDB stays paused (until `resume` at the end): none waits for it.
    const metrics = await request(app)
      .get('/metrics')
      .set('Authorization', `Bearer ${env.adminToken}`)
      .expect(200);
    expect(metrics.text).toMatch(/^fireline_mongodb_up 0$/m);

    // A key verified before the hang posts alerts, on its last verified answer.
    await alert(pager, 'h1').expect(202);
    await alert(pager, 'h4').expect(202);

    // A key never verified: 503 with Retry-After, never 401 or 500. Nor does a revoked one get in.
    const unknown = await alert(neverSeen, 'h5').expect(503);
    expect(Number(unknown.headers['retry-after'])).toBeGreaterThan(0);
    expect(unknown.body.error.code).toBe('unavailable');
    await alert(revoked, 'h3').expect(503);

    // Acknowledging through the API: the incident is found through its workflow.
    const acked = await request(app)
      .post(`/v1/incidents/${first.incidentId}/acknowledge`)
      .set('Authorization', `Bearer ${responder}`)
      .send({})
      .expect(200);
    expect(acked.body.status).toBe('acknowledged');

    // Through the web UI: the page is served from Temporal and says so; the form acknowledges.
    const page = await request(app)
      .get(`/ui/incidents/${second.incidentId}`)
      .set('Cookie', web.cookie)
      .expect(200);
    expect(page.text).toContain(MONGODB_UNAVAILABLE_NOTICE);
    expect(page.text).toContain(second.title);
    const done = await request(app)
      .post(`/ui/incidents/${second.incidentId}/acknowledge`)
      .set('Cookie', web.cookie)
      .type('form')
      .send({ _csrf: web.csrf })
      .expect(303);
    expect(done.headers.location).toBe(`/ui/incidents/${second.incidentId}?done=acknowledged`);
    expect((await live(first))?.acknowledgedBy).toBe('user:bob');
    expect((await live(second))?.acknowledgedBy).toBe('user:carol');

    // The last verified answer stands in for a bounded time only.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, verifiedAt + GRACE_SECONDS * 1000 - Date.now())),
    );
    await alert(pager, 'h1').expect(503);

    mongo.resume();
    await eventually(
      async () => expect((await request(app).get('/readyz')).body.checks.mongodb).toBe('ok'),
      30_000,
    );
    await alert(neverSeen, 'h5').expect(202);
    // What was accepted during the hang is in the incidents, and saved once MongoDB answers.
    await eventually(async () => {
      const doc = await env.models.Incident.findById(first.incidentId).lean();
      expect(doc?.status).toBe('acknowledged');
      expect(doc?.alertCount).toBe(3);
      expect((await env.models.Incident.findById(second.incidentId).lean())?.status).toBe('acknowledged');
      expect(await env.models.Incident.countDocuments({ workflowId: incidentWorkflowId('hung', 'h4') })).toBe(
        1,
      );
    }, 60_000);
  }, 150_000);
});
