import request from 'supertest';
import type { Incident } from '../../domain/incident';
import type { GroupingRules } from '../../domain/grouping';
import { alertGroupWorkflowId } from '../../workflows/alert-group/ids';
import { alertGroupQuery } from '../../workflows/alert-group/messages';
import { recordHistory } from '../helpers/histories';
import { createIncidentTestEnv, timelineOf } from '../helpers/incidents';
import { eventually } from '../helpers/http-receiver';
import { continueAsNewTemporal } from '../helpers/continue-as-new-temporal';
import { secondApiProcess } from '../helpers/second-api';
import type { TestEnv } from '../helpers/test-env';
import { settledRuns } from '../helpers/visibility';

// Time-based grouping against the real servers: every alert of a service within the window of the
// incident's last alert joins it; after a quiet spell the next alert opens a new incident while the
// first stays open; acknowledges and resolves reach the incident holding their alert; two API
// processes racing open one incident.
const windowSeconds = 3;
const groupingRules: GroupingRules = {
  rules: [
    // A long window for the test that sends one alert after another on a loaded machine.
    { id: 'long-window', match: { service: 'windowed-long' }, by: ['service'], windowSeconds: 600 },
    { id: 'service-window', match: { service: /^windowed-/ }, by: ['service'], windowSeconds },
  ],
};

describe('time-based alert grouping', () => {
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

  const send = (body: Record<string, unknown>, app = env.app) =>
    request(app)
      .post('/v1/alerts')
      .send({ severity: 'error', summary: `alert ${String(body.dedupKey)}`, ...body })
      .expect(202);

  /** The service's incidents in MongoDB, oldest first, read live through the API. */
  async function incidentsOf(service: string, count: number): Promise<Incident[]> {
    return eventually(async () => {
      const docs = await env.models.Incident.find({ service }).sort({ openedAt: 1 }).lean();
      expect(docs).toHaveLength(count);
      return Promise.all(
        docs.map(
          async (doc) =>
            (await request(env.app).get(`/v1/incidents/${doc._id}`).expect(200)).body as Incident,
        ),
      );
    });
  }

  it('joins alerts within the window, opens the next incident after a quiet spell, and routes resolves to the incident holding the alert', async () => {
    const service = 'windowed-api';
    await send({ service, dedupKey: 'a1' });
    await send({ service, dedupKey: 'a2' });
    const [first] = await eventually(async () => {
      const [incident] = await incidentsOf(service, 1);
      expect(incident!.alerts?.map((a) => a.dedupKey)).toEqual(['a1', 'a2']);
      return [incident!];
    });
    expect(first.workflowId).toMatch(/^incident-window:/);
    expect(first.grouping).toMatchObject({ ruleId: 'service-window', windowSeconds });

    // A quiet spell longer than the window: the next alert opens a new incident; the first stays open.
    await new Promise((resolve) => setTimeout(resolve, (windowSeconds + 1) * 1000));
    await send({ service, dedupKey: 'b1' });
    const [, second] = await incidentsOf(service, 2);
    expect(second!.alerts?.map((a) => a.dedupKey)).toEqual(['b1']);
    expect(second!.workflowId).not.toBe(first.workflowId);
    const router = env.client.workflow.getHandle(alertGroupWorkflowId('service-window', [service]));
    expect((await router.query(alertGroupQuery)).openIncidents.sort()).toEqual(
      [first.workflowId, second!.workflowId].sort(),
    );

    // Resolves go to the incident that holds their alert, wherever the window is now.
    await send({ service, dedupKey: 'a1', action: 'resolve' });
    await send({ service, dedupKey: 'b1', action: 'resolve' });
    await eventually(async () => {
      const [a, b] = await incidentsOf(service, 2);
      expect(a!.status).toBe('triggered');
      expect(a!.alerts?.find((x) => x.dedupKey === 'a1')?.state).toBe('resolved');
      expect(b!.status).toBe('resolved');
    });
    await send({ service, dedupKey: 'a2', action: 'resolve' });
    await eventually(async () => expect((await incidentsOf(service, 2))[0]!.status).toBe('resolved'));
    await eventually(async () => {
      const timeline = await timelineOf(env, first.incidentId);
      expect(timeline.filter((e) => e.type === 'alert.resolved')).toHaveLength(2);
    });

    // With no incident of the group left open, the router ends; a resolve now is dropped (202, as for a dedup key).
    await eventually(async () => expect((await router.describe()).status.name).toBe('COMPLETED'), 60_000);
    await send({ service, dedupKey: 'a1', action: 'resolve' });
    await recordHistory(env.client, 'alert-group-window', router.workflowId);
    await recordHistory(env.client, 'incident-in-alert-group', first.workflowId);
  }, 120_000);

  it('keeps routing to the same incident across its own continue-as-new', async () => {
    // One after another, so each alert is a signal of its own: the router's history passes the
    // stack's continue-as-new threshold (300 events), and the next run carries the group on.
    const service = 'windowed-long';
    const total = 120;
    for (let i = 0; i < total; i++) await send({ service, dedupKey: `k${i % 7}` });
    const [incident] = await eventually(async () => {
      const found = await incidentsOf(service, 1);
      expect(found[0]!.alertCount).toBe(total);
      return found;
    });
    expect(incident!.alerts).toHaveLength(7);
    // Visibility lags a little behind the runs themselves.
    await eventually(async () => {
      let routerRuns = 0;
      for await (const _ of env.client.workflow.list({
        query: `WorkflowId = '${alertGroupWorkflowId('long-window', [service])}'`,
      }))
        routerRuns += 1;
      expect(routerRuns).toBeGreaterThan(1);
    });
  }, 120_000);

  it('two API processes racing with alerts of one group open exactly one incident, every alert counted', async () => {
    // A second API process: its own Temporal client, so its own signal queue.
    const { app: secondApp, close } = await secondApiProcess(env, groupingRules);
    try {
      const service = 'windowed-race';
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          send({ service, dedupKey: `node-${i}` }, i % 2 === 0 ? env.app : secondApp),
        ),
      );
      const [incident] = await eventually(async () => {
        const found = await incidentsOf(service, 1);
        expect(found[0]!.alertCount).toBe(40);
        return found;
      });
      expect(incident!.alerts).toHaveLength(40);
      // One router run: a second would mean a second router decided on its own.
      expect(await settledRuns(env.client, alertGroupWorkflowId('service-window', [service]))).toHaveLength(
        1,
      );
    } finally {
      await close();
    }
  });
});
