import request from 'supertest';
import type { Incident, TimelineEntry } from '../../domain/incident';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { recordHistory } from '../helpers/histories';
import { eventually } from '../helpers/http-receiver';
import { continueAsNewTemporal } from '../helpers/continue-as-new-temporal';
import type { TestEnv } from '../helpers/test-env';
import { alertsOnTimeline, createIncidentTestEnv } from '../helpers/incidents';

// A long, noisy incident outgrows one workflow history. The test server
// suggests continue-as-new after 300 events (see stack/index.ts), so a few
// hundred alerts, sent one after another so that each is a signal of its own
// (concurrent ones share signals), are enough to see the incident carried across runs.
describe('a long incident continues as new', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;
  let temporal: Awaited<ReturnType<typeof continueAsNewTemporal>>;

  beforeAll(async () => {
    temporal = await continueAsNewTemporal();
    ({ env, teardown } = await createIncidentTestEnv(600, {}, { temporalAddress: temporal.address }));
  });
  afterAll(async () => {
    await teardown();
    await temporal.stop();
  });

  it('keeps its id, state, timeline and every alert across runs', async () => {
    const alert = {
      service: 'noisy',
      summary: 'Flapping health check',
      severity: 'warning',
      dedupKey: 'flap',
    };
    const total = 400;
    for (let sent = 0; sent < total; sent++) {
      await request(env.app).post('/v1/alerts').send(alert).expect(202);
    }
    const workflowId = incidentWorkflowId('noisy', 'flap');
    const doc = await eventually(async () => {
      const found = await env.models.Incident.findOne({ workflowId }).lean();
      expect(found?.alertCount).toBe(total);
      return found!;
    }, 60_000);

    // Saving runs beside the workflow, so the saved count can reach the total before the run continues as new.
    await eventually(async () => {
      let runs = 0;
      for await (const _ of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs += 1;
      expect(runs).toBeGreaterThan(1);
    }, 30_000);
    expect(await env.models.Incident.countDocuments({ workflowId })).toBe(1);

    // The live state comes from the newest run and is the same incident.
    const live = (await request(env.app).get(`/v1/incidents/${doc._id}`).expect(200)).body as Incident;
    expect(live).toMatchObject({ incidentId: doc._id, alertCount: total, status: 'triggered' });
    const acked = await request(env.app)
      .post(`/v1/incidents/${doc._id}/acknowledge`)
      .send({ actor: 'carol' })
      .expect(200);
    expect(acked.body.status).toBe('acknowledged');

    const entries = await eventually(async () => {
      const res = await request(env.app).get(`/v1/incidents/${doc._id}/timeline?limit=1000`).expect(200);
      const list = (res.body as { entries: TimelineEntry[] }).entries;
      expect(list.at(-1)?.type).toBe('acknowledged');
      return list;
    });
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    // The first alert has its entry; its repeats are folded, at least once per run, not one entry each.
    expect(entries.filter((e) => e.type === 'alert')).toHaveLength(1);
    expect(alertsOnTimeline(entries)).toBe(total);
    expect(entries.length).toBeLessThan(total / 4);
    await request(env.app).post(`/v1/incidents/${doc._id}/resolve`).send({}).expect(200);
    // A run that ended in continue-as-new with the incident carried over.
    let continuedRunId: string | undefined;
    for await (const run of env.client.workflow.list({
      query: `WorkflowId = '${workflowId}' AND ExecutionStatus = 'ContinuedAsNew'`,
    })) {
      continuedRunId ??= run.runId;
    }
    expect(continuedRunId).toBeDefined();
    await recordHistory(env.client, 'continued-as-new', workflowId, continuedRunId);
  }, 120_000);
});
