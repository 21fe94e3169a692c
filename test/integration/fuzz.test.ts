import fc from 'fast-check';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// Thousands of random and malformed bodies against every ingestion and action
// endpoint: only 2xx/4xx, never a 5xx, and every 4xx names the problem.
describe('fuzzing the API', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env.teardown());

  const severity = fc.constantFrom('critical', 'error', 'warning', 'info', 'CRITICAL', '', 'sev1');
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('', ' ', '$where', '{"$gt":""}', 'a'.repeat(300)),
  );
  const junk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant({ $gt: '' }), fc.constant(null));
  const service = fc.oneof(fc.constantFrom('payments', 'api-1', 'x.y_z'), text);

  const nativeAlert = fc.record(
    {
      service,
      summary: text,
      severity,
      dedupKey: fc.oneof(text, junk),
      labels: fc.oneof(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
        junk,
      ),
      action: fc.oneof(fc.constantFrom('trigger', 'acknowledge', 'resolve'), text),
      timestamp: fc.oneof(fc.constant('2026-11-26T10:00:00Z'), text),
      extra: junk,
    },
    { requiredKeys: [] },
  );
  const pagerDuty = fc.record(
    {
      routing_key: fc.oneof(fc.constant('test-routing-key-0123456789abcdef'), text),
      event_action: fc.oneof(fc.constantFrom('trigger', 'acknowledge', 'resolve'), text),
      dedup_key: fc.oneof(text, junk),
      payload: fc.oneof(fc.record({ summary: text, source: text, severity }, { requiredKeys: [] }), junk),
      links: junk,
    },
    { requiredKeys: [] },
  );
  const alertmanager = fc.record(
    {
      version: fc.constant('4'),
      status: fc.oneof(fc.constantFrom('firing', 'resolved'), text),
      receiver: text,
      alerts: fc.oneof(
        fc.array(
          fc.record(
            {
              status: fc.oneof(fc.constantFrom('firing', 'resolved'), text),
              labels: fc.oneof(
                fc.dictionary(
                  fc.constantFrom('service', 'severity', 'alertname'),
                  fc.string({ maxLength: 10 }),
                  { maxKeys: 3 },
                ),
                junk,
              ),
              annotations: fc.oneof(
                fc.dictionary(fc.constantFrom('summary'), fc.string({ maxLength: 10 })),
                junk,
              ),
              fingerprint: fc.oneof(text, junk),
              startsAt: fc.oneof(fc.constant('2026-11-26T10:00:00Z'), text),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
        junk,
      ),
    },
    { requiredKeys: [] },
  );
  const body = (specific: fc.Arbitrary<unknown>) =>
    fc.oneof({ weight: 4, arbitrary: specific }, { weight: 1, arbitrary: junk });

  async function check(path: string, sent: unknown, method: 'post' | 'patch' = 'post'): Promise<void> {
    const res = await request(env.app)
      [method](path)
      .set('content-type', 'application/json')
      .send(JSON.stringify(sent));
    expect(res.status).toBeLessThan(500);
    if (res.status >= 400) {
      // Both error shapes name the problem: ours, and PagerDuty's.
      const named = res.body?.error?.message ?? res.body?.errors?.join('; ');
      expect(typeof named).toBe('string');
      expect(named.length).toBeGreaterThan(0);
    }
  }

  const runs = { numRuns: 300 };

  it('POST /v1/alerts', async () => {
    await fc.assert(
      fc.asyncProperty(body(nativeAlert), (sent) => check('/v1/alerts', sent)),
      runs,
    );
  });

  it('POST /v2/enqueue', async () => {
    await fc.assert(
      fc.asyncProperty(body(pagerDuty), (sent) => check('/v2/enqueue', sent)),
      runs,
    );
  });

  it('POST /v1/integrations/alertmanager and /grafana', async () => {
    await fc.assert(
      fc.asyncProperty(body(alertmanager), fc.constantFrom('alertmanager', 'grafana'), (sent, kind) =>
        check(`/v1/integrations/${kind}`, sent),
      ),
      runs,
    );
  });

  it('incident actions, runbook runs, approvals, post-mortem edits and queries', async () => {
    const id = fc.oneof(fc.constant('INC-0123456789AB'), text);
    const action = fc.constantFrom(
      'acknowledge',
      'resolve',
      'snooze',
      'escalate',
      'notes',
      'runbooks',
      'runbooks/INC-0123456789AB.rb1/cancel',
      'approvals/INC-0123456789AB.rb1.a1/approve',
    );
    await fc.assert(
      fc.asyncProperty(id, action, junk, async (incidentId, what, sent) => {
        await check(`/v1/incidents/${encodeURIComponent(incidentId)}/${what}`, sent);
      }),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant('PM-0123456789AB'), text), junk, async (pmId, sent) => {
        await check(`/v1/postmortems/${encodeURIComponent(pmId)}`, sent, 'patch');
        await check(`/v1/incidents/INC-0123456789AB`, sent, 'patch');
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('status', 'service', 'severity', 'from', 'to', 'limit', 'cursor', 'groupBy'),
          fc.oneof(text, fc.constant('[$gt]=')),
          { maxKeys: 4 },
        ),
        async (query) => {
          const qs = new URLSearchParams(query).toString();
          for (const path of ['/v1/incidents', '/v1/postmortems', '/v1/analytics/incidents']) {
            const res = await request(env.app).get(`${path}?${qs}`);
            expect(res.status).toBeLessThan(500);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
