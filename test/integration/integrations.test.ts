import request from 'supertest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Incident } from '../../domain/incident';
import { acknowledgeUpdate, incidentQuery } from '../../workflows/incident/messages';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { postmortemIdOf } from '../../workflows/postmortem/ids';
import { eventually } from '../helpers/http-receiver';
import type { TestEnv } from '../helpers/test-env';
import { settledRuns } from '../helpers/visibility';
import { createIncidentTestEnv, waitForCompletion } from '../helpers/incidents';
import { testRules } from '../helpers/test-catalog';
import type { TriageRule } from '../../domain/triage-types';

// PagerDuty Events API v2, Alertmanager and Grafana webhooks, end to end.
describe('alert integrations', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    // A rule naming a policy made at run time, which the worker checks at start; the test deletes
    // the policy through an API whose rules do not name it (a deploy half done).
    const misconfigured: TriageRule = {
      id: 'misconfigured',
      match: { service: 'misconfigured' },
      impact: 'low',
      team: 'sre',
      escalationPolicy: 'retiring',
    };
    const rules = testRules();
    ({ env, teardown } = await createIncidentTestEnv(
      600,
      { triageRules: { ...rules, rules: [misconfigured, ...rules.rules] } },
      {
        beforeWorker: async (made) => {
          await request(made.app)
            .post('/v1/escalation-policies')
            .send({
              id: 'retiring',
              name: 'Retiring',
              levels: [{ delaySeconds: 60, targets: [{ type: 'channel', id: 'fallback-hook' }] }],
            })
            .expect(201);
        },
      },
    ));
  });
  afterAll(async () => teardown());

  async function incidentsFor(service: string, dedupKey: string) {
    return env.models.Incident.find({ workflowId: incidentWorkflowId(service, dedupKey) })
      .sort({ openedAt: 1 })
      .lean();
  }

  async function waitForStatus(service: string, dedupKey: string, count: number, status: Incident['status']) {
    return eventually(async () => {
      const docs = await incidentsFor(service, dedupKey);
      expect(docs).toHaveLength(count);
      expect(docs[count - 1]!.status).toBe(status);
      return docs;
    });
  }

  describe('PagerDuty Events API v2 (POST /v2/enqueue)', () => {
    const trigger = (extra: Record<string, unknown> = {}) => ({
      routing_key: 'test-routing-key-0123456789abcdef',
      event_action: 'trigger',
      payload: {
        summary: 'DB connections exhausted',
        source: 'db-1',
        severity: 'critical',
        component: 'postgres',
      },
      ...extra,
    });

    it('answers a trigger as PagerDuty does, generating a dedup_key when none is given', async () => {
      const res = await request(env.app).post('/v2/enqueue').send(trigger()).expect(202);
      expect(res.body).toEqual({
        status: 'success',
        message: 'Event processed',
        dedup_key: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      const [incident] = await waitForStatus('payments', res.body.dedup_key, 1, 'triggered');
      expect(incident).toMatchObject({ integration: 'pagerduty', service: 'payments', severity: 'SEV1' });
    });

    it('acknowledges, resolves, and opens a new incident for a trigger after resolve', async () => {
      await request(env.app)
        .post('/v2/enqueue')
        .send(trigger({ dedup_key: 'pd-cycle' }))
        .expect(202);
      await waitForStatus('payments', 'pd-cycle', 1, 'triggered');

      await request(env.app)
        .post('/v2/enqueue')
        .send({
          routing_key: 'test-routing-key-0123456789abcdef',
          event_action: 'acknowledge',
          dedup_key: 'pd-cycle',
        })
        .expect(202);
      const [acked] = await waitForStatus('payments', 'pd-cycle', 1, 'acknowledged');
      expect(acked!.acknowledgedBy).toBe('integration:pagerduty');

      await request(env.app)
        .post('/v2/enqueue')
        .send({
          routing_key: 'test-routing-key-0123456789abcdef',
          event_action: 'resolve',
          dedup_key: 'pd-cycle',
        })
        .expect(202);
      await waitForStatus('payments', 'pd-cycle', 1, 'resolved');
      await waitForCompletion(env, incidentWorkflowId('payments', 'pd-cycle'));

      // Same key again: a new incident, not the old one re-opened.
      await request(env.app)
        .post('/v2/enqueue')
        .send(trigger({ dedup_key: 'pd-cycle' }))
        .expect(202);
      const docs = await waitForStatus('payments', 'pd-cycle', 2, 'triggered');
      expect(docs[0]!._id).not.toBe(docs[1]!._id);
      expect(docs[0]!.status).toBe('resolved');

      // Acting on the old incident never touches the new one.
      const old = await request(env.app)
        .post(`/v1/incidents/${docs[0]!._id}/acknowledge`)
        .send({})
        .expect(409);
      expect(old.body.error.message).toBe(`Incident ${docs[0]!._id} is already resolved`);
      const handle = env.client.workflow.getHandle(incidentWorkflowId('payments', 'pd-cycle'));
      await expect(
        handle.executeUpdate(acknowledgeUpdate, { args: [{ incidentId: docs[0]!._id, actor: 'user:test' }] }),
      ).rejects.toThrow(WorkflowUpdateFailedError);
      expect((await handle.query(incidentQuery))?.status).toBe('triggered');
    });

    it('accepts and drops acknowledge/resolve for an unknown key', async () => {
      const res = await request(env.app)
        .post('/v2/enqueue')
        .send({
          routing_key: 'test-routing-key-0123456789abcdef',
          event_action: 'resolve',
          dedup_key: 'never-triggered',
        })
        .expect(202);
      expect(res.body).toEqual({
        status: 'success',
        message: 'Event processed',
        dedup_key: 'never-triggered',
      });
      expect(await incidentsFor('payments', 'never-triggered')).toHaveLength(0);
    });

    it('refuses invalid events in PagerDuty’s error shape, naming the field', async () => {
      const missing = await request(env.app)
        .post('/v2/enqueue')
        .send({ routing_key: 'test-routing-key-0123456789abcdef', event_action: 'acknowledge' })
        .expect(400);
      expect(missing.body).toEqual({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ['dedup_key: dedup_key is required for acknowledge events'],
      });
      const long = await request(env.app)
        .post('/v2/enqueue')
        .send(trigger({ dedup_key: 'x'.repeat(256) }))
        .expect(400);
      expect(long.body.errors[0]).toMatch(/^dedup_key:/);
      const summary = await request(env.app)
        .post('/v2/enqueue')
        .send(trigger({ payload: { summary: 's'.repeat(1025), source: 'a', severity: 'critical' } }))
        .expect(400);
      expect(summary.body.errors[0]).toMatch(/^payload\.summary:/);
      const unknown = await request(env.app)
        .post('/v2/enqueue')
        .send(trigger({ routing_key: 'nope' }))
        .expect(400);
      expect(unknown.body.errors[0]).toMatch(/^routing_key:/);
      const json = await request(env.app)
        .post('/v2/enqueue')
        .set('content-type', 'application/json')
        .send('{')
        .expect(400);
      expect(json.body.error.code).toBe('invalid_json');
    });
  });

  it('opens the incident with the default policy when a rule names a missing one, and says so', async () => {
    await request(env.app).delete('/v1/escalation-policies/retiring?revision=1').expect(204);
    // The worker reads the model every 2 seconds, never while opening an incident: a read or two on,
    // with room for a loaded machine.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'misconfigured', summary: 'Rule points nowhere', severity: 'error', dedupKey: 'm1' })
      .expect(202);
    const [incident] = await waitForStatus('misconfigured', 'm1', 1, 'triggered');
    expect(incident!.escalation.policy.id).toBe('two-levels');
    const entries = await eventually(async () => {
      const res = await request(env.app).get(`/v1/incidents/${incident!._id}/timeline`).expect(200);
      const list = res.body.entries as Array<{ type: string; message: string }>;
      expect(list.some((e) => e.message.startsWith('Triage problem'))).toBe(true);
      return list;
    });
    expect(entries.map((e) => e.message)).toContain(
      'Triage problem: escalation policy retiring (rule misconfigured) does not exist',
    );
  });

  describe('Alertmanager and Grafana webhooks', () => {
    const alertmanagerPayload = (status: 'firing' | 'resolved') => ({
      version: '4',
      groupKey: '{}:{alertname="HighLatency"}',
      truncatedAlerts: 0,
      status,
      receiver: 'fireline',
      groupLabels: { alertname: 'HighLatency' },
      commonLabels: { alertname: 'HighLatency', severity: 'critical', service: 'checkout' },
      commonAnnotations: { summary: 'p99 latency above 2s' },
      externalURL: 'http://alertmanager.local:9093',
      alerts: [
        {
          status,
          labels: { alertname: 'HighLatency', severity: 'critical', service: 'checkout', instance: 'web-1' },
          annotations: { summary: 'p99 latency above 2s on web-1' },
          startsAt: '2026-11-26T10:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus.local/graph?g0.expr=latency',
          fingerprint: 'am-fp-web-1',
        },
        {
          status,
          labels: { alertname: 'HighLatency', severity: 'critical', service: 'checkout', instance: 'web-2' },
          annotations: {},
          startsAt: '2026-11-26T10:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus.local/graph?g0.expr=latency',
          fingerprint: 'am-fp-web-2',
        },
      ],
    });

    it('opens one incident per alert fingerprint and resolves them with the resolved notification', async () => {
      const res = await request(env.app)
        .post('/v1/integrations/alertmanager')
        .send(alertmanagerPayload('firing'))
        .expect(200);
      expect(res.body).toMatchObject({ status: 'success', processed: 2 });
      const [web1] = await waitForStatus('checkout', 'am-fp-web-1', 1, 'triggered');
      await waitForStatus('checkout', 'am-fp-web-2', 1, 'triggered');
      expect(web1).toMatchObject({
        integration: 'alertmanager',
        title: 'p99 latency above 2s on web-1',
        severity: 'SEV2',
      });
      expect(web1!.links).toEqual([
        { href: 'http://prometheus.local/graph?g0.expr=latency', text: 'Source' },
      ]);

      await request(env.app)
        .post('/v1/integrations/alertmanager')
        .send(alertmanagerPayload('resolved'))
        .expect(200);
      await waitForStatus('checkout', 'am-fp-web-1', 1, 'resolved');
      const [web2] = await waitForStatus('checkout', 'am-fp-web-2', 1, 'resolved');
      expect(web2!.resolvedBy).toBe('integration:alertmanager');
    });

    it('takes Grafana’s webhook with its extra fields', async () => {
      const payload = {
        ...alertmanagerPayload('firing'),
        orgId: 1,
        title: '[FIRING:1] DiskFull',
        state: 'alerting',
        message: 'Disk almost full',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'DiskFull', service: 'storage', severity: 'warning' },
            annotations: { summary: 'Disk 95% full' },
            startsAt: '2026-11-26T10:00:00Z',
            fingerprint: 'gf-disk',
            values: { B: 95.2 },
            dashboardURL: 'http://grafana.local/d/disk',
            panelURL: 'http://grafana.local/d/disk?viewPanel=2',
            silenceURL: 'http://grafana.local/alerting/silence/new',
          },
        ],
      };
      await request(env.app).post('/v1/integrations/grafana').send(payload).expect(200);
      const [incident] = await waitForStatus('storage', 'gf-disk', 1, 'triggered');
      expect(incident).toMatchObject({ integration: 'grafana', severity: 'SEV3', title: 'Disk 95% full' });
      expect(incident!.links.map((l) => l.text)).toEqual(['Dashboard', 'Panel', 'Silence']);
    });

    it('keeps OpenTelemetry-style and UTF-8 label names exactly, through MongoDB, the API and the post-mortem', async () => {
      const labels = {
        alertname: 'PodCrashLooping',
        'service.name': 'otel-shop',
        'k8s.pod.name': 'cart-7d9f',
        $team: 'carts',
        'région.🔥': 'eu',
        severity: 'warning',
      };
      const annotations = { summary: 'cart pod restarting', 'runbook.hint': 'check $HOME & <limits>' };
      await request(env.app)
        .post('/v1/integrations/alertmanager')
        .send({
          version: '4',
          status: 'firing',
          receiver: 'fireline',
          groupLabels: { alertname: 'PodCrashLooping' },
          commonLabels: {},
          commonAnnotations: {},
          alerts: [{ status: 'firing', labels, annotations, fingerprint: 'otel-fp-1' }],
        })
        .expect(200);
      const [doc] = await waitForStatus('otel-shop', 'otel-fp-1', 1, 'triggered');
      const listed = await request(env.app).get('/v1/incidents?service=otel-shop').expect(200);
      expect(listed.body.incidents.map((i: Incident) => i.incidentId)).toContain(doc!._id);
      const shown = (await request(env.app).get(`/v1/incidents/${doc!._id}`).expect(200)).body as Incident;
      expect(Object.entries(shown.labels)).toEqual(Object.entries(labels));
      expect(shown.annotations).toEqual(annotations);
      await request(env.app).post(`/v1/incidents/${doc!._id}/acknowledge`).send({}).expect(200);
      await request(env.app).post(`/v1/incidents/${doc!._id}/resolve`).send({}).expect(200);
      const pm = await eventually(async () => {
        const res = await request(env.app)
          .get(`/v1/postmortems/${postmortemIdOf(doc!._id)}`)
          .expect(200);
        return res.body as { labels: Record<string, string>; annotations: Record<string, string> };
      });
      expect(pm.labels).toEqual(labels);
      expect(pm.annotations).toEqual(annotations);
    });

    it('sends one signal per incident for a batch, however many alerts it holds', async () => {
      const alerts = Array.from({ length: 60 }, (_, i) => ({
        status: 'firing',
        labels: { alertname: 'Batch', service: 'batch', shard: String(i % 2) },
        fingerprint: `batch-fp-${i % 2}`,
      }));
      const res = await request(env.app)
        .post('/v1/integrations/alertmanager')
        .send({ version: '4', status: 'firing', receiver: 'fireline', alerts })
        .expect(200);
      expect(res.body.processed).toBe(60);
      for (const fp of ['batch-fp-0', 'batch-fp-1']) {
        const workflowId = incidentWorkflowId('batch', fp);
        await eventually(async () => {
          const live = await env.client.workflow.getHandle(workflowId).query(incidentQuery);
          expect(live?.alertCount).toBe(30);
        });
        const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
        const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes);
        expect(signals).toHaveLength(1);
      }
    });

    it('folds the alerts of concurrent requests for one incident into few signals', async () => {
      const requests = 120;
      const statuses = await Promise.all(
        Array.from({ length: requests }, (_, i) =>
          request(env.app)
            .post('/v1/alerts')
            .send({ service: 'concurrent', summary: `Spike ${i}`, severity: 'error', dedupKey: 'spike' })
            .then((res) => res.status),
        ),
      );
      expect(statuses).toEqual(Array.from({ length: requests }, () => 202));
      const workflowId = incidentWorkflowId('concurrent', 'spike');
      await eventually(async () => {
        const live = await env.client.workflow.getHandle(workflowId).query(incidentQuery);
        expect(live?.alertCount).toBe(requests);
      });
      // Each signal waits for the one before it, so requests that arrive meanwhile share the next.
      const signals = new Set<string>();
      for (const execution of await settledRuns(env.client, workflowId)) {
        const history = await env.client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
        for (const e of history.events ?? [])
          if (e.workflowExecutionSignaledEventAttributes)
            signals.add(`${execution.runId}:${String(e.eventId)}`);
      }
      expect(signals.size).toBeGreaterThan(0);
      expect(signals.size).toBeLessThan(requests / 4);
    });

    it('refuses labels, annotations and batches beyond their bounds with 400 naming the field', async () => {
      const post = (body: Record<string, unknown>) =>
        request(env.app)
          .post('/v1/integrations/alertmanager')
          .send({ version: '4', status: 'firing', receiver: 'fireline', ...body })
          .expect(400);
      const long = await post({
        alerts: [{ status: 'firing', labels: { service: 'x', big: 'v'.repeat(2049) } }],
      });
      expect(long.body.error.details[0].field).toBe('body.alerts.0.labels.big');
      const lone = await post({ alerts: [{ status: 'firing', labels: { ['bad\ud800']: 'x' } }] });
      expect(lone.body.error.details[0].field).toMatch(/^body\.alerts\.0\.labels/);
      // Common annotations are copied into every alert: 20 alerts × 10,000 characters is over the bound.
      const amplified = await post({
        commonAnnotations: {
          description: 'd'.repeat(10_000),
          more: 'm'.repeat(10_000),
          rest: 'r'.repeat(10_000),
          last: 'l'.repeat(10_000),
          final: 'f'.repeat(10_000),
          extra: 'e'.repeat(10_000),
          tail: 't'.repeat(10_000),
        },
        alerts: [{ status: 'firing', labels: { service: 'x' } }],
      });
      expect(amplified.body.error.details[0].field).toBe('body.alerts.0.annotations');
      const details = await request(env.app)
        .post('/v2/enqueue')
        .send({
          routing_key: 'test-routing-key-0123456789abcdef',
          event_action: 'trigger',
          payload: {
            summary: 's',
            source: 'x',
            severity: 'info',
            custom_details: { blob: 'b'.repeat(20_000) },
          },
        })
        .expect(400);
      expect(details.body.errors[0]).toMatch(/^payload\.custom_details/);
    });

    it('refuses a malformed webhook with 400 naming the field', async () => {
      const res = await request(env.app)
        .post('/v1/integrations/alertmanager')
        .send({ ...alertmanagerPayload('firing'), alerts: [{ status: 'burning', labels: {} }] })
        .expect(400);
      expect(res.body.error.details[0].field).toBe('body.alerts.0.status');
    });
  });

  it('exposes Prometheus metrics of what it ingested and sent, with security headers', async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'metrics', summary: 'Metrics check', severity: 'critical', dedupKey: 'metrics-1' })
      .expect(202);
    const text = await eventually(async () => {
      const res = await request(env.app).get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.text).toMatch(/fireline_notifications_total\{channel="webhook",outcome="sent"\} [1-9]/);
      return res.text;
    });
    expect(text).toMatch(
      /fireline_events_ingested_total\{source="native",action="trigger",outcome="accepted"\} [1-9]/,
    );
    expect(text).toMatch(/fireline_ingestion_latency_seconds_count\{source="native"\} [1-9]/);
    expect(text).toMatch(/fireline_open_incidents\{severity="SEV\d"\} [1-9]/);
    expect(text).toMatch(/fireline_escalation_notifications_total\{kind="level"\} [1-9]/);
    expect(text).toMatch(/fireline_process_resident_memory_bytes \d+/);
  });
});
