import request from 'supertest';
import { alertsSection } from '../../api/ui/views/incident-alerts';
import type { Incident } from '../../domain/incident';
import type { GroupingRules } from '../../domain/grouping';
import { groupedIncidentWorkflowId } from '../../workflows/incident/ids';
import { createIncidentTestEnv, timelineOf } from '../helpers/incidents';
import { eventually } from '../helpers/http-receiver';
import { secondApiProcess } from '../helpers/second-api';
import type { TestEnv } from '../helpers/test-env';
import { settledRuns } from '../helpers/visibility';

// Grouping rules against the real servers: alerts of many dedup keys in one incident, per-alert
// resolution, and two API processes (each with its own Temporal client and signal queue) racing.
const groupingRules: GroupingRules = {
  rules: [
    {
      id: 'cluster-alertname',
      match: { service: /^grouped-/ },
      by: ['service', 'labels.cluster', 'labels.alertname'],
    },
    {
      id: 'stays-open',
      match: { service: 'manual-close' },
      by: ['service', 'labels.alertname'],
      resolve: 'manual',
    },
  ],
};

describe('alert grouping', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    ({ env, teardown } = await createIncidentTestEnv(600, {}, { groupingRules }));
  });
  afterAll(async () => teardown());

  const alert = (body: Record<string, unknown>, app = env.app) =>
    request(app)
      .post('/v1/alerts')
      .send({ severity: 'error', ...body })
      .expect(202);

  async function incidentOf(workflowId: string): Promise<Incident> {
    return eventually(async () => {
      const docs = await env.models.Incident.find({ workflowId }).lean();
      expect(docs).toHaveLength(1);
      return (await request(env.app).get(`/v1/incidents/${docs[0]!._id}`).expect(200)).body as Incident;
    });
  }

  it('folds alerts of different dedup keys with the same content into one incident, and resolves it with its last alert', async () => {
    const labels = { cluster: 'eu-1', alertname: 'HighLatency' };
    for (const instance of ['a', 'b', 'c'])
      await alert({
        service: 'grouped-api',
        summary: `latency high on ${instance}`,
        dedupKey: `lat-${instance}`,
        labels: { ...labels, instance },
      });
    await alert({
      service: 'grouped-api',
      summary: 'latency high on b',
      dedupKey: 'lat-b',
      labels: { ...labels, instance: 'b' },
    });
    // Another cluster: another incident.
    await alert({
      service: 'grouped-api',
      summary: 'latency high in us',
      dedupKey: 'lat-us',
      labels: { cluster: 'us-1', alertname: 'HighLatency' },
    });

    const workflowId = groupedIncidentWorkflowId('cluster-alertname', ['grouped-api', 'eu-1', 'HighLatency']);
    const incident = await eventually(async () => {
      const current = await incidentOf(workflowId);
      expect(current.alertCount).toBe(4);
      return current;
    });
    expect(incident.grouping).toEqual({
      ruleId: 'cluster-alertname',
      values: ['grouped-api', 'eu-1', 'HighLatency'],
      resolve: 'all-resolved',
    });
    expect(incident.alerts?.map((a) => [a.dedupKey, a.count, a.state])).toEqual([
      ['lat-a', 1, 'firing'],
      ['lat-b', 2, 'firing'],
      ['lat-c', 1, 'firing'],
    ]);
    const other = await incidentOf(
      groupedIncidentWorkflowId('cluster-alertname', ['grouped-api', 'us-1', 'HighLatency']),
    );
    expect(other.incidentId).not.toBe(incident.incidentId);

    // Resolving one alert resolves that alert only.
    const resolve = (dedupKey: string) =>
      alert({ service: 'grouped-api', summary: 'ok', dedupKey, action: 'resolve', labels });
    await resolve('lat-a');
    await resolve('lat-b');
    const partly = await eventually(async () => {
      const current = (await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200))
        .body as Incident;
      expect(current.alerts?.filter((a) => a.state === 'resolved')).toHaveLength(2);
      return current;
    });
    expect(partly.status).toBe('triggered');
    await resolve('lat-c');
    const resolved = await eventually(async () => {
      const current = (await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200))
        .body as Incident;
      expect(current.status).toBe('resolved');
      return current;
    });
    expect(resolved.resolutionNote).toBe('all 3 alerts resolved (grouping rule cluster-alertname)');
    // The live incident is resolved before its last save lands.
    await eventually(async () => {
      const timeline = await timelineOf(env, incident.incidentId);
      expect(timeline.filter((e) => e.type === 'alert.resolved').map((e) => e.message)).toEqual([
        'Alert lat-a resolved: 2 of 3 alerts still firing',
        'Alert lat-b resolved: 1 of 3 alerts still firing',
        'Alert lat-c resolved: 0 of 3 alerts still firing',
      ]);
    });

    // The web UI's incident page lists the alerts with their counts.
    const section = String(alertsSection(resolved));
    expect(section).toContain('3 alerts, 0 firing; 4 received');
    expect(section).toContain('lat-b');
  });

  it('leaves an incident open for a person when its rule says so', async () => {
    await alert({
      service: 'manual-close',
      summary: 'disk full',
      dedupKey: 'disk-1',
      labels: { alertname: 'DiskFull' },
    });
    await alert({
      service: 'manual-close',
      summary: 'disk full',
      dedupKey: 'disk-1',
      action: 'resolve',
      labels: { alertname: 'DiskFull' },
    });
    const incident = await eventually(async () => {
      const current = await incidentOf(groupedIncidentWorkflowId('stays-open', ['manual-close', 'DiskFull']));
      expect(current.alerts?.[0]?.state).toBe('resolved');
      return current;
    });
    expect(incident.status).toBe('triggered');
    await eventually(async () => {
      const timeline = await timelineOf(env, incident.incidentId);
      expect(timeline.map((e) => e.message)).toContain(
        'All 1 alerts resolved; grouping rule stays-open leaves the incident open for a person to resolve',
      );
    });
  });

  it('two API processes racing with alerts of one group open exactly one incident, every alert counted', async () => {
    // A second API process: its own Temporal client, so its own signal queue.
    const { app: secondApp, close } = await secondApiProcess(env, groupingRules);
    try {
      const labels = { cluster: 'race-1', alertname: 'Down' };
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          alert(
            {
              service: 'grouped-race',
              summary: `node ${i} down`,
              dedupKey: `node-${i}`,
              labels: { ...labels, node: String(i) },
            },
            i % 2 === 0 ? env.app : secondApp,
          ),
        ),
      );
      const workflowId = groupedIncidentWorkflowId('cluster-alertname', ['grouped-race', 'race-1', 'Down']);
      const incident = await eventually(async () => {
        const current = await incidentOf(workflowId);
        expect(current.alertCount).toBe(40);
        return current;
      });
      expect(incident.alerts).toHaveLength(40);
      // One run of one workflow: nothing opened a second incident.
      expect(await settledRuns(env.client, workflowId)).toHaveLength(1);
    } finally {
      await close();
    }
  });
});
