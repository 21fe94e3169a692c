import path from 'node:path';
import request from 'supertest';
import type { Incident } from '../../domain/incident';
import { heartbeatWorkflowId } from '../../workflows/heartbeat/ids';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { recordHistory } from '../helpers/histories';
import { continueAsNewTemporal } from '../helpers/continue-as-new-temporal';
import { incidentQuery } from '../../workflows/incident/messages';
import { eventually } from '../helpers/http-receiver';
import { createIncidentTestEnv } from '../helpers/incidents';
import { bashBlocks, listenLocally, repoDir, runBash } from '../helpers/readme-examples';
import type { TestEnv } from '../helpers/test-env';

// A heartbeat is a durable timer that every ping resets: pinged, it stays quiet; silent past its
// interval and grace, it opens an incident, which the next ping resolves.
describe('heartbeats', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;
  let temporal: Awaited<ReturnType<typeof continueAsNewTemporal>>;

  beforeAll(async () => {
    // A server that suggests continue-as-new after hundreds of events: the ping storm below sees it.
    temporal = await continueAsNewTemporal();
    ({ env, teardown } = await createIncidentTestEnv(600, {}, { temporalAddress: temporal.address }));
  });
  afterAll(async () => {
    await teardown();
    await temporal.stop();
  });

  const incidentOf = (name: string) =>
    env.client.workflow
      .getHandle(incidentWorkflowId('backups', `heartbeat-${name}`))
      .query(incidentQuery)
      .catch(() => undefined);

  it('opens an incident once pings stop for the interval and grace, and resolves it at the next ping', async () => {
    const made = await request(env.app)
      .post('/v1/heartbeats')
      .send({ name: 'db-backup', service: 'backups', intervalSeconds: 3, graceSeconds: 1 })
      .expect(201);
    const { token, pingUrl } = made.body as { token: string; pingUrl: string };
    expect(pingUrl).toBe(`/v1/heartbeats/db-backup/ping?token=${token}`);
    expect(made.body.heartbeat).toMatchObject({
      name: 'db-backup',
      service: 'backups',
      intervalSeconds: 3,
      graceSeconds: 1,
      severity: 'critical',
      paused: false,
      tokenHint: token.slice(-4),
    });
    expect(JSON.stringify(made.body.heartbeat)).not.toContain(token);

    // A cron line's curl pings by GET; a wrong token is told nothing about the heartbeat.
    await request(env.app).get(pingUrl).expect(202);
    await request(env.app).post('/v1/heartbeats/db-backup/ping?token=wrong').expect(404);
    await request(env.app).post('/v1/heartbeats/db-backup/ping').expect(400);
    // Pinged every second for a while: no incident.
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await request(env.app).post(pingUrl).expect(202);
    }
    expect(await incidentOf('db-backup')).toBeUndefined();
    const up = await request(env.app).get('/v1/heartbeats/db-backup').expect(200);
    expect(up.body.state).toMatchObject({ status: 'up', pings: 6 });
    const lastPingAt = Date.parse(up.body.state.lastPingAt as string);

    // Silent: an incident opens once interval + grace (4 s) have passed since the last ping.
    const opened = await eventually(async () => {
      const incident = await incidentOf('db-backup');
      expect(incident?.status).toBe('triggered');
      return incident!;
    }, 20_000);
    expect(opened.title).toBe(
      `heartbeat db-backup missed: last ping ${up.body.state.lastPingAt}, expected every 3 s (grace 1 s)`,
    );
    // When the workflow's timer fired, by its own clock: the deadline, give or take the timer's delay.
    const firedAfter = Date.parse(opened.firstAlertAt) - lastPingAt;
    expect(firedAfter).toBeGreaterThanOrEqual(4000);
    expect(firedAfter).toBeLessThan(4000 + 3000);
    const missed = await request(env.app).get('/v1/heartbeats/db-backup').expect(200);
    expect(missed.body.state).toMatchObject({ status: 'missed' });

    // The next ping resolves it.
    await request(env.app).post(pingUrl).expect(202);
    await eventually(async () => {
      expect((await incidentOf('db-backup'))?.status).toBe('resolved');
    }, 20_000);
    const saved = await eventually(async () => {
      const doc = await env.models.Incident.findById(opened.incidentId).lean();
      expect(doc?.status).toBe('resolved');
      return doc as unknown as Incident;
    }, 20_000);
    expect(saved.integration).toBe('heartbeat');

    // Deleted, its workflow ends: the replay fixture of a heartbeat that missed, was pinged again and went.
    await request(env.app).delete('/v1/heartbeats/db-backup').expect(204);
    await env.client.workflow.getHandle(heartbeatWorkflowId('db-backup')).result();
    await recordHistory(env.client, 'heartbeat-missed-pinged-deleted', heartbeatWorkflowId('db-backup'));
  }, 90_000);

  it("runs docs/heartbeats.md's example as written: made, pinged by its URL, shown", async () => {
    const blocks = bashBlocks('docs/heartbeats.md', '## Making one, and pinging it');
    expect(blocks).toHaveLength(1);
    const api = await listenLocally(env.rawApp);
    try {
      const script = `cd "$(mktemp -d)"\n${blocks[0]!.replaceAll('localhost:3000', api.url.replace('http://', ''))}`;
      const stdout = await runBash(script, { FIRELINE_API_KEY: env.adminToken });
      expect(stdout).toContain('"heartbeat":"nightly-backup"');
      expect(stdout).toMatch(/"state":\{"status":"up","lastPingAt":"[^"]+","dueBy":"[^"]+","pings":1\}/);
    } finally {
      await api.close();
    }
  });

  it("takes Alertmanager's Watchdog notification, as docs/heartbeats.md routes it, as a ping", async () => {
    const blocks = bashBlocks('docs/heartbeats.md', "## A silent Prometheus: Alertmanager's Watchdog");
    expect(blocks).toHaveLength(1);
    const api = await listenLocally(env.rawApp);
    try {
      await runBash(blocks[0]!.replaceAll('localhost:3000', api.url.replace('http://', '')), {
        FIRELINE_API_KEY: env.adminToken,
      });
    } finally {
      await api.close();
    }
    // The doc's heartbeat exists; what its route has Alertmanager send (its webhook, version 4,
    // for the Watchdog group) pings one like it.
    await request(env.app).get('/v1/heartbeats/prometheus-watchdog').expect(200);
    const made = await request(env.app)
      .post('/v1/heartbeats')
      .send({ name: 'watchdog-ping', service: 'monitoring', intervalSeconds: 120, graceSeconds: 60 })
      .expect(201);
    await request(env.app)
      .post(made.body.pingUrl as string)
      .send({
        version: '4',
        groupKey: '{}/{alertname="Watchdog"}:{}',
        truncatedAlerts: 0,
        status: 'firing',
        receiver: 'fireline-watchdog',
        groupLabels: {},
        commonLabels: { alertname: 'Watchdog', severity: 'none', prometheus: 'monitoring/k8s' },
        commonAnnotations: {
          summary: 'An alert that should always be firing to certify that Alertmanager is working properly.',
        },
        externalURL: 'http://alertmanager.monitoring:9093',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'Watchdog', severity: 'none', prometheus: 'monitoring/k8s' },
            annotations: {},
            startsAt: '2026-12-05T00:00:00Z',
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'http://prometheus.monitoring:9090/graph',
            fingerprint: 'e9e1a9d7b0a1c2f3',
          },
        ],
      })
      .expect(202);
    await eventually(async () => {
      const shown = await request(env.app).get('/v1/heartbeats/watchdog-ping').expect(200);
      expect(shown.body.state).toMatchObject({ status: 'up', pings: 1 });
    });
  });

  it("runs docs/heartbeats.md's command-line example as written", async () => {
    const blocks = bashBlocks('docs/heartbeats.md', '## From the command line');
    expect(blocks).toHaveLength(1);
    const cli = `node ${path.join(repoDir, 'dist', 'cli', 'main.js')}`;
    const api = await listenLocally(env.rawApp);
    try {
      const stdout = await runBash(blocks[0]!.replaceAll('npx fireline', cli), {
        FIRELINE_API_KEY: env.adminToken,
        FIRELINE_URL: api.url,
      });
      expect(stdout).toContain('heartbeat  nightly-report (service reports, critical)');
      expect(stdout).toContain('expects    a ping every 1 h, grace 5 min');
      expect(stdout).toMatch(
        /ping URL \(shown this once\): http:\/\/127\.0\.0\.1:\d+\/v1\/heartbeats\/nightly-report\/ping\?token=\S+/,
      );
      expect(stdout).toMatch(/nightly-report\s+reports\s+1 h\s+waiting/);
      expect(stdout).toContain('paused nightly-report: no incident opens until it is resumed');
      expect(stdout).toMatch(/status {5}paused\n/);
      expect(stdout).toContain('resumed nightly-report');
      expect(stdout).toContain('deleted nightly-report');
    } finally {
      await api.close();
    }
    await request(env.app).get('/v1/heartbeats/nightly-report').expect(404);
  });

  it('takes a ping storm: concurrent pings share a signal, and the run continues as new as pings add up', async () => {
    const made = await request(env.app)
      .post('/v1/heartbeats')
      .send({ name: 'stormy', service: 'backups', intervalSeconds: 600 })
      .expect(201);
    const pingUrl = made.body.pingUrl as string;
    // One after another: a signal each, past the test server's continue-as-new suggestion (300 events).
    const oneByOne = 320;
    for (let i = 0; i < oneByOne; i++) await request(env.app).post(pingUrl).expect(202);
    // 40 senders at once, 5 pings each: every one answered, far fewer signals than pings.
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        for (let i = 0; i < 5; i++) await request(env.app).post(pingUrl).expect(202);
      }),
    );
    const state = await eventually(async () => {
      const shown = await request(env.app).get('/v1/heartbeats/stormy').expect(200);
      expect(shown.body.state.status).toBe('up');
      return shown.body.state as { pings: number };
    });
    expect(state.pings).toBeGreaterThan(oneByOne);
    expect(state.pings).toBeLessThan(oneByOne + 200);
    const runs: string[] = [];
    for await (const run of env.client.workflow.list({
      query: `WorkflowId = '${heartbeatWorkflowId('stormy')}'`,
    }))
      runs.push(run.runId);
    expect(runs.length).toBeGreaterThan(1);
    for (const runId of runs) {
      const events = (
        await env.client.workflow.getHandle(heartbeatWorkflowId('stormy'), runId).fetchHistory()
      ).events;
      expect(events!.length).toBeLessThan(400);
    }
  }, 90_000);

  it('pauses, names bad settings, and stops pinging once deleted', async () => {
    const made = await request(env.app)
      .post('/v1/heartbeats')
      .send({ name: 'hourly-export', service: 'backups', intervalSeconds: 2 })
      .expect(201);
    const refused = await request(env.app)
      .post('/v1/heartbeats')
      .send({ name: 'Bad Name', service: 'backups', intervalSeconds: 0 })
      .expect(400);
    expect(refused.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'body.intervalSeconds',
      'body.name',
    ]);
    await request(env.app)
      .post('/v1/heartbeats')
      .send({ name: 'hourly-export', service: 'backups', intervalSeconds: 2 })
      .expect(409);
    const paused = await request(env.app)
      .patch('/v1/heartbeats/hourly-export')
      .send({ paused: true })
      .expect(200);
    expect(paused.body.paused).toBe(true);
    await eventually(async () => {
      const shown = await request(env.app).get('/v1/heartbeats/hourly-export').expect(200);
      expect(shown.body.state.status).toBe('paused');
    });
    // Paused past its interval: no incident.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await incidentOf('hourly-export')).toBeUndefined();
    const listed = await request(env.app).get('/v1/heartbeats').expect(200);
    expect(listed.body.heartbeats.map((h: { name: string }) => h.name)).toContain('hourly-export');

    await request(env.app).delete('/v1/heartbeats/hourly-export').expect(204);
    await request(env.app).get('/v1/heartbeats/hourly-export').expect(404);
    await request(env.app)
      .post(made.body.pingUrl as string)
      .expect(404);
  }, 60_000);
});
