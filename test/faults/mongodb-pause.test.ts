import request from 'supertest';
import type { Incident } from '../../domain/incident';
import { readWholeTimeline } from '../../infra/timeline-store';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { incidentQuery } from '../../workflows/incident/messages';
import type { MongoServer } from '../../stack/mongo';
import { OwnMongoServer } from '../helpers/own-mongo';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { runsThatDoNotReplay } from '../helpers/histories';
import { createIncidentTestEnv, openIncident } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';
import { signInToWebUi } from '../helpers/web-ui-session';

const PAUSE_MS = 60_000;
const LEVEL_DELAY_SECONDS = 15;

// Issue 23's acceptance test: the MongoDB-wire server is paused (SIGSTOP: alive, sockets
// open, answering nothing) for a minute, longer than the API's key cache. Meanwhile alerts
// with keys verified before, PagerDuty events, acknowledgements through the API and the web
// UI, and escalation all go on, and the API stays ready. After SIGCONT everything is saved,
// nothing lost or duplicated.
describe('MongoDB paused for a minute', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;
  let mongo: MongoServer;
  const ownMongo = new OwnMongoServer('pause');

  beforeAll(async () => {
    mongo = await ownMongo.start();
    ({ env, receiver, teardown } = await createIncidentTestEnv(
      LEVEL_DELAY_SECONDS,
      {},
      { mongoUri: mongo.uri },
    ));
  });
  afterAll(async () => {
    mongo.resume();
    await teardown();
    await mongo.stop();
    ownMongo.remove();
  });

  it('accepts, acknowledges, pages and stays ready while paused; saves everything after', async () => {
    // The API as deployed: default key cache, grace and lookup timeout; keys sent explicitly.
    const app = env.rawApp;
    const pager = await env.createKey('pause-pager', ['alerts:write']);
    const responder = await env.createKey('pause-responder', ['incidents:read', 'incidents:write'], {
      person: 'bob',
    });
    const webResponder = await env.createKey('pause-web', ['incidents:read', 'incidents:write'], {
      person: 'carol',
    });
    const sent = new Map<string, number>();
    const alert = async (dedupKey: string, summary = `Paused ${dedupKey}`) => {
      const res = await request(app)
        .post('/v1/alerts')
        .set('Authorization', `Bearer ${pager}`)
        .send({ service: 'pause', summary, severity: 'error', dedupKey });
      expect(res.status).toBe(202);
      sent.set(dedupKey, (sent.get(dedupKey) ?? 0) + 1);
    };
    const readyWithoutMongo = async () => {
      const ready = await request(app).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toEqual({ temporal: 'ok', mongodb: 'unavailable' });
    };

    // Before: keys and a web session verified, incidents open and saved.
    await alert('p1');
    await alert('p2');
    await alert('p3');
    const [viaApi, viaWeb, untouched] = await Promise.all(
      ['p1', 'p2', 'p3'].map((key) => openIncident(env, 'pause', key)),
    );
    await request(app)
      .get(`/v1/incidents/${viaApi!.incidentId}`)
      .set('Authorization', `Bearer ${responder}`)
      .expect(200);
    const web = await signInToWebUi(app, webResponder);
    await request(app).get(`/ui/incidents/${viaWeb!.incidentId}`).set('Cookie', web.cookie).expect(200);

    mongo.pause();
    const pausedAt = Date.now();
    try {
      // Past the API's key cache: every key check now asks MongoDB, which does not answer.
      await new Promise((resolve) => setTimeout(resolve, 31_000));
      await readyWithoutMongo();

      // Alerts on a key verified before the pause: to open incidents and to a new one.
      await alert('p1');
      await alert('p3');
      await alert('p4', 'Opened while paused');
      // PagerDuty Events v2: its routing key is configuration, not MongoDB.
      await request(app)
        .post('/v2/enqueue')
        .send({
          routing_key: 'test-routing-key-0123456789abcdef',
          event_action: 'trigger',
          dedup_key: 'pd-paused',
          payload: { summary: 'PagerDuty event while paused', source: 'pd', severity: 'critical' },
        })
        .expect(202);

      // Acknowledged through the API and through the web UI.
      const acked = await request(app)
        .post(`/v1/incidents/${viaApi!.incidentId}/acknowledge`)
        .set('Authorization', `Bearer ${responder}`)
        .send({})
        .expect(200);
      expect(acked.body.status).toBe('acknowledged');
      await request(app)
        .post(`/ui/incidents/${viaWeb!.incidentId}/acknowledge`)
        .set('Cookie', web.cookie)
        .type('form')
        .send({ _csrf: web.csrf })
        .expect(303);

      // The incident opened during the pause pages level 1 and level 2 while MongoDB is still
      // paused: escalation does not wait for it.
      const pagedAbout = (to: string, title: string) =>
        receiver
          .to(to)
          .filter((r) => (r.body as { incident?: { title?: string } }).incident?.title === title);
      const untilResumed = () => Math.max(0, pausedAt + PAUSE_MS - Date.now());
      await eventually(
        () => expect(pagedAbout('/level1', 'Opened while paused')).toHaveLength(1),
        untilResumed(),
      );
      await eventually(
        () => expect(pagedAbout('/level2', 'Opened while paused')).toHaveLength(1),
        untilResumed(),
      );

      // ---- Worker started during the pause (another change adds it here) ----
      // A worker process started now (spawnWorkerProcess) pages the on-call override's person
      // from its cached overrides: see the report that came with this test.

      await readyWithoutMongo();
      await new Promise((resolve) => setTimeout(resolve, untilResumed()));
      await readyWithoutMongo();
    } finally {
      mongo.resume();
    }

    const live = async (incident: Incident) =>
      (await env.client.workflow.getHandle(incident.workflowId).query(incidentQuery))!;
    expect((await live(viaApi!)).acknowledgedBy).toBe('user:bob');
    expect((await live(viaWeb!)).acknowledgedBy).toBe('user:carol');

    // After: every incident saved, with each alert once and a whole timeline.
    const expected = [
      { workflowId: incidentWorkflowId('pause', 'p1'), status: 'acknowledged', alerts: sent.get('p1') },
      { workflowId: incidentWorkflowId('pause', 'p2'), status: 'acknowledged', alerts: sent.get('p2') },
      { workflowId: incidentWorkflowId('pause', 'p3'), status: 'triggered', alerts: sent.get('p3') },
      { workflowId: incidentWorkflowId('pause', 'p4'), status: 'triggered', alerts: sent.get('p4') },
      { workflowId: incidentWorkflowId('payments', 'pd-paused'), status: 'triggered', alerts: 1 },
    ];
    await eventually(
      async () => {
        for (const want of expected) {
          const docs = await env.models.Incident.find({ workflowId: want.workflowId }).lean();
          expect(docs).toHaveLength(1);
          const doc = docs[0]!;
          expect({ workflowId: doc.workflowId, status: doc.status, alerts: doc.alertCount }).toEqual(want);
          const timeline = await readWholeTimeline(env.models.TimelinePage, doc._id, doc.timelineLength);
          expect(timeline.map((entry) => entry.seq)).toEqual(
            Array.from({ length: doc.timelineLength }, (_, i) => i + 1),
          );
          if (want.status === 'acknowledged')
            expect(timeline.filter((entry) => entry.type === 'acknowledged')).toHaveLength(1);
        }
      },
      60_000,
      500,
    );
    expect(untouched!.incidentId).toBeDefined();
    await request(app)
      .get('/readyz')
      .expect(200, { status: 'ready', checks: { temporal: 'ok', mongodb: 'ok' } });
  }, 240_000);

  it('leaves runs that replay on the current code', async () => {
    expect(await runsThatDoNotReplay(env.client, env.taskQueue)).toEqual([]);
  }, 60_000);
});
