import request from 'supertest';
import { readWholeTimeline } from '../../infra/timeline-store';
import type { Incident } from '../../domain/incident';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { incidentQuery } from '../../workflows/incident/messages';
import type { MongoServer } from '../../stack/mongo';
import { OwnMongoServer } from '../helpers/own-mongo';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { runsThatDoNotReplay, triggersPerRun } from '../helpers/histories';
import { continueAsNewTemporal } from '../helpers/continue-as-new-temporal';
import { createIncidentTestEnv, openIncident } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';

// MongoDB goes away for 30 seconds while incidents resolve and alerts keep
// arriving. Temporal holds everything meanwhile, escalation goes on and the API
// stays ready (it needs Temporal only); once MongoDB is back, no timeline entry,
// incident or post-mortem is missing.
describe('MongoDB outage', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;
  let mongo: MongoServer;
  let temporal: Awaited<ReturnType<typeof continueAsNewTemporal>>;
  const ownMongo = new OwnMongoServer('outage');

  beforeAll(async () => {
    mongo = await ownMongo.start();
    temporal = await continueAsNewTemporal();
    ({ env, receiver, teardown } = await createIncidentTestEnv(
      5,
      {},
      { mongoUri: mongo.uri, temporalAddress: temporal.address },
    ));
  });
  afterAll(async () => {
    await teardown();
    await temporal.stop();
    await mongo.stop();
    ownMongo.remove();
  });

  it('loses nothing, and stays ready meanwhile saying MongoDB is unavailable', async () => {
    const keys = ['o1', 'o2', 'o3'];
    for (const key of keys) {
      await request(env.app)
        .post('/v1/alerts')
        .send({ service: 'outage', summary: `Alert ${key}`, severity: 'error', dedupKey: key })
        .expect(202);
    }
    const opened = await Promise.all(keys.map((key) => openIncident(env, 'outage', key)));

    await mongo.stop();
    const ready = await request(env.app).get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { temporal: 'ok', mongodb: 'unavailable' } });

    // Resolve events and a new alert reach Temporal without MongoDB.
    for (const key of keys) {
      await request(env.app)
        .post('/v1/alerts')
        .send({ service: 'outage', summary: '-', severity: 'info', dedupKey: key, action: 'resolve' })
        .expect(202);
    }
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'outage', summary: 'During the outage', severity: 'warning', dedupKey: 'o4' })
      .expect(202);
    const outageStarted = Date.now();
    const live = (key: string) =>
      env.client.workflow.getHandle(incidentWorkflowId('outage', key)).query(incidentQuery);

    // A noisy incident outgrows its history (the test server suggests continue-as-new after
    // 300 events) while its escalation timers run: the new run must not wait for MongoDB.
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'outage', summary: 'Noisy during the outage', severity: 'warning', dedupKey: 'o5' })
      .expect(202);
    // One after another, so that each alert is a signal of its own (concurrent ones share signals),
    // and as many as the events that suggest continue-as-new, however a loaded worker batches them.
    for (let sent = 0; sent < 300; sent++) {
      await request(env.app)
        .post('/v1/alerts')
        .send({ service: 'outage', summary: 'Noisy during the outage', severity: 'warning', dedupKey: 'o5' })
        .expect(202);
    }

    // A trigger after resolution opens the next incident of its key and pages at once,
    // though the resolved one's last save waits for MongoDB.
    await eventually(async () => expect((await live('o1'))?.status).toBe('resolved'), 15_000);
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'outage', summary: 'Back again', severity: 'error', dedupKey: 'o1' })
      .expect(202);

    // Incidents opened during the outage page level 1 at once and level 2 five seconds
    // later: saving to MongoDB happens beside the escalation, never in front of it.
    const pagedAbout = (path: string, title: string) =>
      receiver
        .to(path)
        .filter((r) => (r.body as { incident?: { title?: string } }).incident?.title === title);
    await eventually(() => {
      expect(pagedAbout('/level1', 'During the outage')).toHaveLength(1);
      expect(pagedAbout('/level2', 'During the outage')).toHaveLength(1);
      expect(pagedAbout('/level1', 'Noisy during the outage')).toHaveLength(1);
      expect(pagedAbout('/level2', 'Noisy during the outage')).toHaveLength(1);
      expect(pagedAbout('/level1', 'Back again')).toHaveLength(1);
    }, 25_000);
    // It continued as new during the outage, once the escalation step under way ended (paging a
    // person whose contact methods were never read fails after a few quick tries).
    const firstRun = await firstRunId('o5');
    // Every alert counted: the new run may still be taking in signals sent as the old one ended.
    const noisy = await eventually(async () => {
      const current = (await live('o5'))!;
      expect(current.runId).not.toBe(firstRun);
      expect(current.alertCount).toBe(301);
      return current;
    }, 30_000).catch(async (err: unknown) => {
      // Which run was signalled how many triggers, and what each carried: where the count went short.
      const runs = await triggersPerRun(env.client, incidentWorkflowId('outage', 'o5'));
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nruns: ${JSON.stringify(runs)}`);
    });

    // The API finds an incident MongoDB has never seen through its workflow, and acts on it.
    const unsaved = (await live('o4'))!;
    const shown = await request(env.app).get(`/v1/incidents/${unsaved.incidentId}`).expect(200);
    expect((shown.body as Incident).title).toBe('During the outage');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageStarted + 30_000 - Date.now())));

    await request(env.app).get('/readyz').expect(200);
    mongo = await ownMongo.start();
    await eventually(
      () =>
        request(env.app)
          .get('/readyz')
          .expect(200, { status: 'ready', checks: { temporal: 'ok', mongodb: 'ok' } }),
      30_000,
    );

    for (const incident of opened) {
      await eventually(
        async () => {
          const doc = await env.models.Incident.findById(incident.incidentId).lean();
          expect(doc?.status).toBe('resolved');
          const timeline = await readWholeTimeline(env.models.TimelinePage, incident.incidentId, 0);
          expect(timeline.map((entry) => entry.seq)).toEqual(
            Array.from({ length: doc!.timelineLength }, (_, i) => i + 1),
          );
          expect(await env.models.Postmortem.countDocuments({ incidentId: incident.incidentId })).toBe(1);
        },
        120_000,
        500,
      );
    }
    const during = await eventually(async () => {
      const doc = await env.models.Incident.findOne({
        workflowId: incidentWorkflowId('outage', 'o4'),
      }).lean();
      expect(doc?.title).toBe('During the outage');
      return doc!;
    }, 120_000);
    expect(during.status).toBe('triggered');
    // The re-triggered key: its new incident is saved beside the resolved one.
    await eventually(async () => {
      const docs = await env.models.Incident.find({ workflowId: incidentWorkflowId('outage', 'o1') }).lean();
      expect(docs.map((d) => d.status).sort()).toEqual(['resolved', 'triggered']);
    }, 120_000);
    await eventually(async () => {
      const doc = await env.models.Incident.findById(noisy.incidentId).lean();
      expect(doc?.alertCount).toBe(301);
    }, 120_000);
  }, 240_000);

  it('leaves runs that replay on the current code', async () => {
    expect(await runsThatDoNotReplay(env.client, env.taskQueue)).toEqual([]);
  }, 60_000);

  /** The first run of a key's workflow, the one signal-with-start began. */
  async function firstRunId(key: string): Promise<string> {
    const runs: Array<{ runId: string; startTime: Date }> = [];
    for await (const run of env.client.workflow.list({
      query: `WorkflowId = '${incidentWorkflowId('outage', key)}'`,
    }))
      runs.push({ runId: run.runId, startTime: run.startTime });
    runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    return runs[0]!.runId;
  }
});
