import request from 'supertest';
import { fromAlertmanager } from '../../api/alerts/normalize';
import { alertLimits } from '../../api/alerts/schemas';
import type { Incident } from '../../domain/incident';
import type { GroupingRules } from '../../domain/grouping';
import { EPHEMERAL_MAX_SIGNALS_PER_RUN } from '../../stack';
import { alertGroupWorkflowId } from '../../workflows/alert-group/ids';
import { groupedIncidentWorkflowId } from '../../workflows/incident/ids';
import { eventually } from '../helpers/http-receiver';
import { continueAsNewTemporal } from '../helpers/continue-as-new-temporal';
import { createIncidentTestEnv } from '../helpers/incidents';
import { secondApiProcess } from '../helpers/second-api';
import type { TestEnv } from '../helpers/test-env';

// One sender cannot push an incident or a group's router past Temporal's limits (2 MB a payload,
// 51,200 events a run): the biggest request the API accepts becomes one incident that is saved,
// acknowledged and resolved, and a router under a storm continues as new while it routes.
const groupingRules: GroupingRules = {
  rules: [
    { id: 'mass-by-service', match: { service: 'am-mass' }, by: ['service'] },
    { id: 'storm-window', match: { service: 'storm-window' }, by: ['service'], windowSeconds: 600 },
  ],
};

/** The JSON body Express takes (express.json's limit in api/app.ts). */
const maxBodyBytes = 1024 * 1024;

/**
 * 1,000 alerts with every field as big as the limits let it be: each alert's
 * own fingerprint and labels fill the body, and the common summary (copied to
 * every alert) is the longest the expansion bound accepts, made of the
 * character that costs the most bytes in a JSON payload.
 */
function largestAlertmanagerRequest(status: 'firing' | 'resolved') {
  const build = (summaryLength: number) => ({
    version: '4',
    groupKey: '{}:{service="am-mass"}',
    status,
    receiver: 'fireline',
    groupLabels: { service: 'am-mass' },
    commonLabels: { service: 'am-mass', severity: 'critical' },
    commonAnnotations: { summary: '\u0001'.repeat(summaryLength) },
    alerts: Array.from({ length: 1000 }, (_, i) => ({
      status,
      labels: { alertname: 'Mass', instance: `node-${i}-`.padEnd(400, 'i') },
      annotations: {},
      fingerprint: `fp-${i}-`.padEnd(255, 'f'),
    })),
  });
  const expanded = (body: ReturnType<typeof build>) =>
    Buffer.byteLength(JSON.stringify(fromAlertmanager(body, 'alertmanager', new Date())));
  // The longest summary in [0, 1024] that fits: the expanded size grows with it, so halve the range.
  let [fits, tooLong] = [0, 1025];
  while (tooLong - fits > 1) {
    const middle = Math.floor((fits + tooLong) / 2);
    if (expanded(build(middle)) <= alertLimits.maxExpandedBytes) fits = middle;
    else tooLong = middle;
  }
  const summaryLength = fits;
  const body = build(summaryLength);
  expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(maxBodyBytes);
  return { body, summaryLength };
}

describe('limits one sender cannot push past', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;
  let temporal: Awaited<ReturnType<typeof continueAsNewTemporal>>;

  beforeAll(async () => {
    temporal = await continueAsNewTemporal();
    ({ env, teardown } = await createIncidentTestEnv(
      600,
      {},
      { groupingRules, temporalAddress: temporal.address },
    ));
  });
  afterAll(async () => {
    await teardown();
    await temporal.stop();
  });

  it('turns the biggest Alertmanager request into one incident that is saved, acknowledged and resolved', async () => {
    const firing = largestAlertmanagerRequest('firing');
    // The common summary is copied into every alert: it has to be long for the test to mean anything.
    expect(firing.summaryLength).toBeGreaterThan(256);
    await request(env.app).post('/v1/integrations/alertmanager').send(firing.body).expect(200);

    const workflowId = groupedIncidentWorkflowId('mass-by-service', ['am-mass']);
    // Each workflow task of this incident carries hundreds of kilobytes of alerts: seconds of
    // CPU apiece on a machine shared with the rest of the suite.
    const saved = await eventually(
      async () => {
        const doc = await env.models.Incident.findOne({ workflowId }).lean();
        expect(doc?.alertCount).toBe(1000);
        return doc!;
      },
      240_000,
      500,
    );
    expect(await env.models.Incident.countDocuments({ workflowId })).toBe(1);
    const listed = saved.alerts?.length ?? 0;
    expect(listed).toBeGreaterThan(0);
    expect(listed + (saved.unlistedAlerts?.count ?? 0)).toBe(1000);

    const live = (await request(env.app).get(`/v1/incidents/${saved._id}`).expect(200)).body as Incident;
    expect(Buffer.byteLength(JSON.stringify(live))).toBeLessThan(512 * 1024);
    await request(env.app).post(`/v1/incidents/${saved._id}/acknowledge`).send({}).expect(200);

    await request(env.app)
      .post('/v1/integrations/alertmanager')
      .send(largestAlertmanagerRequest('resolved').body)
      .expect(200);
    await eventually(
      async () => {
        const doc = await env.models.Incident.findById(saved._id).lean();
        expect(doc?.status).toBe('resolved');
        expect(doc?.acknowledgedAt).toBeDefined();
      },
      120_000,
      500,
    );
  }, 420_000);

  it("keeps a group's router routing, run after run, under a storm that never lets its queue empty", async () => {
    const service = 'storm-window';
    const { app: secondApp, close } = await secondApiProcess(env, groupingRules);
    const senders = 8;
    const perSender = 100;
    try {
      await Promise.all(
        Array.from({ length: senders }, async (_, s) => {
          for (let i = 0; i < perSender; i++)
            await request(s % 2 === 0 ? env.app : secondApp)
              .post('/v1/alerts')
              .send({ service, severity: 'error', summary: 'storm', dedupKey: `s${s}-${i % 25}` })
              .expect(202);
        }),
      );
    } finally {
      await close();
    }
    const total = senders * perSender;
    await eventually(
      async () => {
        const docs = await env.models.Incident.find({ service }).lean();
        expect(docs).toHaveLength(1);
        expect(docs[0]!.alertCount).toBe(total);
      },
      120_000,
      500,
    );
    // Several runs, each ended by continue-as-new well before the per-run signal limit (a run
    // that stopped continuing would grow to it and the server would refuse the next signal).
    // How far a run passes the suggestion (300 events) is what arrives during one pass of
    // routing, which depends on how fast the senders outrun the worker on this machine.
    const lengths = await eventually(async () => {
      const runs: number[] = [];
      for await (const run of env.client.workflow.list({
        query: `WorkflowId = '${alertGroupWorkflowId('storm-window', [service])}'`,
      }))
        runs.push(run.historyLength);
      expect(runs.length).toBeGreaterThan(1);
      return runs;
    });
    expect(Math.max(...lengths)).toBeLessThan(EPHEMERAL_MAX_SIGNALS_PER_RUN / 2);
  }, 300_000);
});
