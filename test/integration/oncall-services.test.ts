import request from 'supertest';
import { createApp } from '../../api/app';
import { createIncidentTestEnv, openIncident } from '../helpers/incidents';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import type { TestEnv } from '../helpers/test-env';

// Services made through the API, with the integrations that feed them: a
// routing key made here routes /v2/enqueue events to its service, whose
// policy and team page them when no triage rule matches; a token made here
// posts only its service's alerts; deleting either stops it.
describe('services at run time', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    ({ env, receiver, teardown } = await createIncidentTestEnv(60));
  });
  afterAll(async () => teardown());

  const enqueue = (app: Parameters<typeof request>[0], routingKey: string, dedupKey: string) =>
    request(app)
      .post('/v2/enqueue')
      .send({
        routing_key: routingKey,
        event_action: 'trigger',
        dedup_key: dedupKey,
        payload: { summary: 'Checkout failing', source: 'probe-1', severity: 'error' },
      });

  it('routes a new routing key to its service, which pages with its own policy and team', async () => {
    await request(env.app)
      .post('/v1/teams')
      .send({ id: 'shop', name: 'Shop', members: [{ personId: 'dave' }] })
      .expect(201);
    const bad = await request(env.app)
      .post('/v1/services')
      .send({ id: 'checkout-api', name: 'Checkout API', team: 'ghosts', escalationPolicy: 'nope' })
      .expect(400);
    expect(bad.body.error.details).toEqual([
      { field: 'body.team', message: 'ghosts is not a team' },
      { field: 'body.escalationPolicy', message: 'nope is not an escalation policy' },
    ]);
    const made = await request(env.app)
      .post('/v1/services')
      .send({ id: 'checkout-api', name: 'Checkout API', team: 'shop', escalationPolicy: 'oncall-first' })
      .expect(201);
    expect(made.body).toMatchObject({ id: 'checkout-api', managedBy: 'api', revision: 1, integrations: [] });
    // Opening an incident never waits on MongoDB: the worker reads services every 2 seconds.
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const added = await request(env.app)
      .post('/v1/services/checkout-api/integrations')
      .send({ type: 'pagerduty', name: 'Datadog' })
      .expect(201);
    const routingKey = added.body.secret as string;
    expect(routingKey).toMatch(/^[0-9a-f]{32}$/);
    expect(added.body.send.url).toMatch(/\/v2\/enqueue$/);
    const shown = await request(env.app).get('/v1/services/checkout-api').expect(200);
    expect(shown.body.integrations).toEqual([
      expect.objectContaining({ type: 'pagerduty', name: 'Datadog', secretHint: routingKey.slice(-4) }),
    ]);
    expect(JSON.stringify(shown.body)).not.toContain(routingKey);

    await enqueue(env.app, routingKey, 'checkout-1').expect(202);
    const incident = await openIncident(env, 'checkout-api', 'checkout-1');
    expect(incident.triage).toMatchObject({
      ruleId: 'service:checkout-api',
      team: 'shop',
      escalationPolicyId: 'oncall-first',
    });
    // oncall-first pages the always-dave schedule first.
    await eventually(() => expect(receiver.to('/level2').length).toBeGreaterThan(0), 30_000);

    // Deleted, the key stops routing (at once for an API that has not seen it lately).
    const integrationId = added.body.integration.id as string;
    await request(env.app).delete(`/v1/services/checkout-api/integrations/${integrationId}`).expect(204);
    const fresh = createApp(env.apiDeps);
    const refused = await enqueue(fresh, routingKey, 'checkout-2').expect(400);
    expect(refused.body.errors[0]).toMatch(/^routing_key: not a known integration key/);

    // The team owns a service: not deleted.
    const team = await request(env.app).delete('/v1/teams/shop?revision=1').expect(409);
    expect(team.body.error.details).toEqual({ referencedBy: ['service checkout-api'] });
  }, 60_000);

  it('makes an Alertmanager token that posts only its service’s alerts, revoked with its service', async () => {
    await request(env.app)
      .post('/v1/escalation-policies')
      .send({
        id: 'billing-policy',
        name: 'Billing',
        levels: [{ delaySeconds: 60, targets: [{ type: 'channel', id: 'level1-hook' }] }],
      })
      .expect(201);
    await request(env.app)
      .post('/v1/services')
      .send({ id: 'billing', name: 'Billing', escalationPolicy: 'billing-policy' })
      .expect(201);
    const added = await request(env.app)
      .post('/v1/services/billing/integrations')
      .send({ type: 'alertmanager' })
      .expect(201);
    const token = added.body.secret as string;
    expect(added.body.send).toMatchObject({
      url: expect.stringMatching(/\/v1\/integrations\/alertmanager$/),
    });

    const webhook = (service: string) => ({
      version: '4',
      groupKey: `{}:{alertname="Billing${service}"}`,
      status: 'firing',
      receiver: 'fireline',
      groupLabels: { alertname: `Billing${service}` },
      commonLabels: { alertname: `Billing${service}`, service },
      commonAnnotations: { summary: 'Invoices late' },
      externalURL: 'http://alertmanager.example:9093',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: `Billing${service}`, service, severity: 'warning' },
          annotations: { summary: 'Invoices late' },
          startsAt: new Date().toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus.example/graph',
          fingerprint: `fp-${service}`,
        },
      ],
    });
    await request(env.rawApp)
      .post(`/v1/integrations/alertmanager?token=${token}`)
      .send(webhook('billing'))
      .expect(200);
    await request(env.rawApp)
      .post(`/v1/integrations/alertmanager?token=${token}`)
      .send(webhook('search'))
      .expect(403);

    // The policy is named by the service.
    const policy = await request(env.app)
      .delete('/v1/escalation-policies/billing-policy?revision=1')
      .expect(409);
    expect(policy.body.error.details).toEqual({ referencedBy: ['service billing'] });

    await request(env.app).delete('/v1/services/billing?revision=1').expect(204);
    await request(createApp(env.apiDeps))
      .post(`/v1/integrations/alertmanager?token=${token}`)
      .send(webhook('billing'))
      .expect(401);
    const history = await request(env.app).get('/v1/services/billing/history').expect(200);
    expect(history.body.changes.map((c: { action: string }) => c.action)).toEqual(['created', 'deleted']);
  }, 60_000);

  it('holds the routing keys of FIRELINE_ROUTING_KEYS as integrations of their services', async () => {
    const payments = await request(env.app).get('/v1/services/payments').expect(200);
    expect(payments.body).toMatchObject({ createdBy: 'system:FIRELINE_ROUTING_KEYS' });
    expect(payments.body.integrations).toEqual([
      expect.objectContaining({ type: 'pagerduty', origin: 'FIRELINE_ROUTING_KEYS', secretHint: 'cdef' }),
    ]);
  });
});
