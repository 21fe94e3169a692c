import request from 'supertest';
import { alertRouteId } from '../../api/alerts/route-store';
import type { Incident } from '../../domain/incident';
import type { GroupingRules } from '../../domain/grouping';
import { groupedIncidentWorkflowId, incidentWorkflowId } from '../../workflows/incident/ids';
import { createIncidentTestEnv } from '../helpers/incidents';
import { eventually } from '../helpers/http-receiver';
import { secondApiProcess } from '../helpers/second-api';
import type { TestEnv } from '../helpers/test-env';

// An acknowledge or resolve carries its dedup key, not the labels a grouping rule put its
// trigger's incident together by: it reaches that incident through the key's alert route.
const groupingRules: GroupingRules = {
  rules: [{ id: 'cluster', match: { labels: { cluster: /./ } }, by: ['service', 'labels.cluster'] }],
};
// The test env's PagerDuty integration key, for the service `payments`.
const routingKey = 'test-routing-key-0123456789abcdef';

describe('alert routes: acknowledges and resolves of grouped alerts', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    ({ env, teardown } = await createIncidentTestEnv(600, {}, { groupingRules }));
  });
  afterAll(async () => teardown());

  // Alertmanager webhook v4, as https://prometheus.io/docs/alerting/latest/configuration/#webhook_config shows it.
  const alertmanagerFiring = (cluster: string, instances: string[]) => ({
    version: '4',
    groupKey: `{}:{cluster="${cluster}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'fireline',
    groupLabels: { cluster },
    commonLabels: { alertname: 'PaymentsErrors', cluster, service: 'payments', severity: 'critical' },
    commonAnnotations: { summary: `Payment errors in ${cluster}` },
    externalURL: 'http://alertmanager.local:9093',
    alerts: instances.map((instance) => ({
      status: 'firing',
      labels: { alertname: 'PaymentsErrors', cluster, service: 'payments', severity: 'critical', instance },
      annotations: { summary: `Payment errors on ${instance}` },
      startsAt: '2026-12-01T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.local/graph?g0.expr=payment_errors',
      fingerprint: `${cluster}-${instance}`,
    })),
  });

  // PagerDuty Events API v2 acknowledge and resolve: routing key, action and dedup key, nothing else.
  const pagerDuty = (app: Parameters<typeof request>[0], eventAction: string, dedupKey: string) =>
    request(app)
      .post('/v2/enqueue')
      .send({ routing_key: routingKey, event_action: eventAction, dedup_key: dedupKey })
      .expect(202)
      .then((res) => {
        expect(res.body).toEqual({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
      });

  async function incidentOf(workflowId: string): Promise<Incident> {
    return eventually(async () => {
      const docs = await env.models.Incident.find({ workflowId }).lean();
      expect(docs).toHaveLength(1);
      return (await request(env.app).get(`/v1/incidents/${docs[0]!._id}`).expect(200)).body as Incident;
    });
  }

  const current = async (incidentId: string) =>
    (await request(env.app).get(`/v1/incidents/${incidentId}`).expect(200)).body as Incident;

  it('a PagerDuty acknowledge and resolves reach the incident a grouping rule put their alerts into', async () => {
    const keys = ['eu-1-web-1', 'eu-1-web-2'];
    await request(env.app)
      .post('/v1/integrations/alertmanager')
      .send(alertmanagerFiring('eu-1', ['web-1', 'web-2']))
      .expect(200);
    const workflowId = groupedIncidentWorkflowId('cluster', ['payments', 'eu-1']);
    const incident = await incidentOf(workflowId);
    expect(incident.status).toBe('triggered');

    // Each key's route is saved once Temporal has the trigger.
    for (const key of keys)
      await eventually(async () => {
        const route = await env.models.AlertRoute.findById(alertRouteId('payments', key)).lean();
        expect(route).toMatchObject({ workflowId, service: 'payments', dedupKey: key });
        expect(route!.summary).toBe(`Payment errors on ${key.slice('eu-1-'.length)}`);
      });

    // A second API process has not seen the triggers: it finds the incident in MongoDB.
    const second = await secondApiProcess(env, groupingRules);
    try {
      await pagerDuty(second.app, 'acknowledge', keys[0]!);
      await eventually(async () => expect((await current(incident.incidentId)).status).toBe('acknowledged'));
      await pagerDuty(second.app, 'resolve', keys[0]!);
    } finally {
      await second.close();
    }
    // This process remembers where it sent the triggers.
    await pagerDuty(env.app, 'resolve', keys[1]!);
    const resolved = await eventually(async () => {
      const now = await current(incident.incidentId);
      expect(now.status).toBe('resolved');
      return now;
    });
    expect(resolved.acknowledgedBy).toBe('integration:pagerduty');
    expect(resolved.resolvedBy).toBe('integration:pagerduty');
    expect(resolved.alerts?.map((a) => [a.dedupKey, a.state])).toEqual([
      [keys[0], 'resolved'],
      [keys[1], 'resolved'],
    ]);
    // No incident of the keys' own was opened on the way.
    for (const key of keys)
      expect(
        await env.models.Incident.countDocuments({ workflowId: incidentWorkflowId('payments', key) }),
      ).toBe(0);
  });

  it('still accepts and drops an acknowledge for a key no incident holds, once MongoDB says so', async () => {
    const res = await request(env.app)
      .post('/v1/alerts')
      .send({
        service: 'payments',
        summary: '-',
        severity: 'info',
        dedupKey: 'never-seen',
        action: 'acknowledge',
      })
      .expect(202);
    expect(res.body).toEqual({
      status: 'dropped',
      action: 'acknowledge',
      dedupKey: 'never-seen',
      workflowId: incidentWorkflowId('payments', 'never-seen'),
    });
  });
});
