import request from 'supertest';
import { alertRouteId } from '../../api/alerts/route-store';
import type { GroupingRules } from '../../domain/grouping';
import type { MongoServer } from '../../stack/mongo';
import { groupedIncidentWorkflowId } from '../../workflows/incident/ids';
import { OwnMongoServer } from '../helpers/own-mongo';
import { eventually } from '../helpers/http-receiver';
import { secondApiProcess } from '../helpers/second-api';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// While MongoDB is away, an acknowledge whose incident only MongoDB could name is refused with
// 503 and Retry-After (PagerDuty senders retry 5xx), never answered 202 and dropped.
const groupingRules: GroupingRules = {
  rules: [{ id: 'cluster', match: { labels: { cluster: /./ } }, by: ['service', 'labels.cluster'] }],
};
const routingKey = 'test-routing-key-0123456789abcdef';

describe('alert routes while MongoDB is away', () => {
  let env: TestEnv;
  let mongo: MongoServer;
  const ownMongo = new OwnMongoServer('route-outage');

  beforeAll(async () => {
    mongo = await ownMongo.start();
    // No worker: what is asserted is what the API answers and what Temporal recorded.
    env = await createTestEnv({ mongoUri: mongo.uri, groupingRules });
  });
  afterAll(async () => {
    await env?.client.workflow
      .getHandle(groupedIncidentWorkflowId('cluster', ['payments', 'eu-9']))
      .terminate('test over')
      .catch(() => undefined);
    await env?.teardown();
    await mongo?.stop();
    ownMongo.remove();
  });

  const acknowledge = (app: Parameters<typeof request>[0], dedupKey: string) =>
    request(app)
      .post('/v2/enqueue')
      .send({ routing_key: routingKey, event_action: 'acknowledge', dedup_key: dedupKey });

  it('answers 503 with Retry-After for a key only MongoDB could place, and delivers keys it remembers', async () => {
    const workflowId = groupedIncidentWorkflowId('cluster', ['payments', 'eu-9']);
    await request(env.app)
      .post('/v1/integrations/alertmanager')
      .send({
        version: '4',
        groupKey: '{}:{cluster="eu-9"}',
        status: 'firing',
        receiver: 'fireline',
        groupLabels: {},
        commonLabels: { alertname: 'PaymentsErrors', cluster: 'eu-9', service: 'payments' },
        commonAnnotations: {},
        externalURL: 'http://alertmanager.local:9093',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'PaymentsErrors', cluster: 'eu-9', service: 'payments', instance: 'web-1' },
            annotations: { summary: 'Payment errors on web-1' },
            startsAt: '2026-12-01T10:00:00Z',
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'http://prometheus.local/graph?g0.expr=payment_errors',
            fingerprint: 'eu-9-web-1',
          },
        ],
      })
      .expect(200);
    await eventually(async () =>
      expect(
        await env.models.AlertRoute.findById(alertRouteId('payments', 'eu-9-web-1')).lean(),
      ).toMatchObject({
        workflowId,
      }),
    );

    await mongo.stop();

    const unknown = await acknowledge(env.app, 'unknown-key').expect(503);
    expect(unknown.headers['retry-after']).toBe('5');
    expect(unknown.body.error.code).toBe('unavailable');
    expect(unknown.body.error.message).toContain('alert unknown-key of payments');

    // Where this process sent the trigger needs no MongoDB: the acknowledge reaches the incident's workflow.
    await acknowledge(env.app, 'eu-9-web-1').expect(202);
    const signals = async () =>
      ((await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [])
        .filter((e) => e.workflowExecutionSignaledEventAttributes)
        .map((e) => e.workflowExecutionSignaledEventAttributes!.input!.payloads!.length);
    expect(await signals()).toHaveLength(2);

    // A process that has not seen the trigger cannot place the acknowledge without MongoDB: 503, not 202.
    const second = await secondApiProcess(env, groupingRules);
    try {
      await acknowledge(second.app, 'eu-9-web-1').expect(503);
    } finally {
      await second.close();
    }
    expect(await signals()).toHaveLength(2);

    mongo = await ownMongo.start();
  });
});
