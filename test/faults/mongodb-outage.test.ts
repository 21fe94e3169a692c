import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { startMongoServer, type MongoServer } from '../../stack/mongo';
import { cacheDir } from '../../stack/paths';
import { freePort } from '../../stack/ports';
import { silentProgress } from '../../stack/progress';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { createIncidentTestEnv, openIncident } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';

// MongoDB goes away for 30 seconds while incidents resolve and alerts keep
// arriving. Temporal holds everything meanwhile, and escalation goes on; once
// MongoDB is back, no timeline entry, incident or post-mortem is missing.
describe('MongoDB outage', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;
  let mongo: MongoServer;
  let port: number;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fireline-outage-'));

  const startMongo = () =>
    startMongoServer({
      cacheDir: cacheDir(process.env.FIRELINE_CACHE_DIR),
      port,
      dataDir: path.join(dataDir, 'mongo'),
      logFile: path.join(dataDir, 'mongo.log'),
      progress: silentProgress,
    });

  beforeAll(async () => {
    port = await freePort();
    mongo = await startMongo();
    ({ env, receiver, teardown } = await createIncidentTestEnv(5, {}, { mongoUri: mongo.uri }));
  });
  afterAll(async () => {
    await teardown();
    await mongo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses nothing and reports itself not ready meanwhile', async () => {
    const keys = ['o1', 'o2', 'o3'];
    for (const key of keys) {
      await request(env.app)
        .post('/v1/alerts')
        .send({ service: 'outage', summary: `Alert ${key}`, severity: 'error', dedupKey: key })
        .expect(202);
    }
    const opened = await Promise.all(keys.map((key) => openIncident(env, 'outage', key)));

    await mongo.stop();
    const ready = await request(env.app).get('/readyz').expect(503);
    expect(ready.body.checks.temporal).toBe('ok');
    expect(ready.body.checks.mongodb).not.toBe('ok');

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
    // The incident opened during the outage pages level 1 at once and level 2 five seconds
    // later: saving to MongoDB happens beside the escalation, never in front of it.
    const pagedAbout = (path: string) =>
      receiver
        .to(path)
        .filter((r) => (r.body as { incident?: { title?: string } }).incident?.title === 'During the outage');
    await eventually(() => {
      expect(pagedAbout('/level1')).toHaveLength(1);
      expect(pagedAbout('/level2')).toHaveLength(1);
    }, 25_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageStarted + 30_000 - Date.now())));

    mongo = await startMongo();
    await eventually(() => request(env.app).get('/readyz').expect(200), 30_000);

    for (const incident of opened) {
      await eventually(
        async () => {
          const doc = await env.models.Incident.findById(incident.incidentId).lean();
          expect(doc?.status).toBe('resolved');
          expect(await env.models.TimelineEntry.countDocuments({ incidentId: incident.incidentId })).toBe(
            doc!.timelineLength,
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
  }, 240_000);
});
