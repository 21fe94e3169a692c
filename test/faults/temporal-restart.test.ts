import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { cacheDir } from '../../stack/paths';
import { freePort } from '../../stack/ports';
import { silentProgress } from '../../stack/progress';
import { startTemporalDevServer, type TemporalServer } from '../../stack/temporal';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { createIncidentTestEnv, openIncident, timelineOf } from '../helpers/incidents';
import { testCatalog } from '../helpers/test-catalog';
import type { TestEnv } from '../helpers/test-env';

const LEVEL_DELAY_SECONDS = 10;

// The Temporal dev server restarts (same database file) while an escalation
// timer is pending: the open incident carries on and the timer still fires.
describe('Temporal server restart', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;
  let temporal: TemporalServer;
  let port: number;
  let uiPort: number;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fireline-temporal-restart-'));

  const startTemporal = () =>
    startTemporalDevServer({
      cacheDir: cacheDir(process.env.FIRELINE_CACHE_DIR),
      port,
      uiPort,
      namespace: 'default',
      dbFile: path.join(dataDir, 'temporal.sqlite'),
      logFile: path.join(dataDir, 'temporal.log'),
      progress: silentProgress,
    });

  beforeAll(async () => {
    port = await freePort();
    uiPort = await freePort();
    temporal = await startTemporal();
    // Level 2 far enough away that the server surely stops before it, and the fallback
    // far enough after it that the acknowledgement comes first.
    ({ env, receiver, teardown } = await createIncidentTestEnv(
      LEVEL_DELAY_SECONDS,
      { catalog: testCatalog(LEVEL_DELAY_SECONDS, 600) },
      { temporalAddress: temporal.address },
    ));
  });
  afterAll(async () => {
    await teardown();
    await temporal.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('continues the incident and fires the pending escalation', async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'restart', summary: 'Temporal restart', severity: 'error', dedupKey: 't1' })
      .expect(202);
    const incident = await openIncident(env, 'restart', 't1');
    await eventually(() => expect(receiver.to('/level1')).toHaveLength(1));

    // Level 2 is due after level 1; the server restarts meanwhile.
    await temporal.stop();
    const stoppedAt = Date.now();
    expect(receiver.to('/level2')).toHaveLength(0);
    temporal = await startTemporal();

    const level2 = await eventually(() => {
      const [hit] = receiver.to('/level2');
      if (!hit) throw new Error('level 2 not notified yet');
      return hit;
    }, 60_000);
    expect(level2.at).toBeGreaterThan(stoppedAt);
    expect(receiver.to('/level1')).toHaveLength(1);

    // The API's client reconnects too: the incident takes actions as before.
    await eventually(
      () =>
        request(env.app)
          .post(`/v1/incidents/${incident.incidentId}/acknowledge`)
          .send({ actor: 'alice' })
          .expect(200),
      30_000,
    );
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/resolve`)
      .send({ actor: 'alice' })
      .expect(200);
    const entries = await eventually(async () => {
      const list = await timelineOf(env, incident.incidentId);
      expect(list.some((e) => e.type === 'resolved')).toBe(true);
      return list;
    });
    expect(entries.filter((e) => e.type === 'escalation.level')).toHaveLength(2);
  }, 120_000);
});
