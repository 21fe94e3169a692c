import request from 'supertest';
import { createApp } from '../../api/app';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// Analytics over a seeded set of incidents in the real MongoDB-wire server;
// the expected figures below are worked out by hand from the seed.
describe('incident analytics', () => {
  let env: TestEnv;
  const t0 = Date.parse('2026-01-10T00:00:00Z');
  const at = (seconds: number) => new Date(t0 + seconds * 1000);

  beforeAll(async () => {
    env = await createTestEnv();
    const base = {
      priority: 'P1',
      major: false,
      status: 'resolved',
      integration: 'native',
      version: 1,
      timelineLength: 1,
    };
    await env.models.Incident.collection.insertMany([
      {
        _id: 'INC-A00000000001',
        ...base,
        service: 'a',
        severity: 'SEV1',
        team: 'x',
        title: 'Disk full',
        dedupKey: 'd1',
        alertCount: 3,
        openedAt: at(0),
        acknowledgedAt: at(60),
        resolvedAt: at(600),
        resolvedBy: 'user:alice',
        escalation: { exhausted: false },
        slaBreaches: [{ kind: 'acknowledge' }],
      },
      {
        _id: 'INC-A00000000002',
        ...base,
        service: 'a',
        severity: 'SEV2',
        team: 'x',
        title: 'Disk full',
        dedupKey: 'd2',
        alertCount: 2,
        openedAt: at(3600),
        acknowledgedAt: at(3720),
        resolvedAt: at(4800),
        resolvedBy: 'runbook:restart-service',
        escalation: { exhausted: false },
        slaBreaches: [],
      },
      {
        _id: 'INC-B00000000003',
        ...base,
        service: 'b',
        severity: 'SEV1',
        team: 'y',
        title: 'Latency',
        dedupKey: 'l1',
        alertCount: 1,
        openedAt: at(7200),
        resolvedAt: at(7500),
        resolvedBy: 'integration:pagerduty',
        escalation: { exhausted: true },
        slaBreaches: [{ kind: 'acknowledge' }, { kind: 'resolve' }],
      },
      {
        _id: 'INC-A00000000004',
        ...base,
        status: 'acknowledged',
        service: 'a',
        severity: 'SEV3',
        team: 'x',
        title: 'Errors',
        dedupKey: 'e1',
        alertCount: 5,
        openedAt: at(9000),
        acknowledgedAt: at(9030),
        escalation: { exhausted: false },
      },
      {
        _id: 'INC-A00000000005',
        ...base,
        service: 'a',
        severity: 'SEV1',
        team: 'x',
        title: 'Disk full',
        dedupKey: 'old',
        alertCount: 9,
        openedAt: new Date('2025-12-01T00:00:00Z'),
        acknowledgedAt: new Date('2025-12-01T00:00:10Z'),
        resolvedAt: new Date('2025-12-01T00:01:00Z'),
        resolvedBy: 'user:bob',
        escalation: { exhausted: false },
      },
    ] as never[]);
  });
  afterAll(async () => env.teardown());

  const range = 'from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z';

  it('groups by service: counts, MTTA and MTTR (mean, p50, p90), breaches, exhaustion, auto-remediation, recurring alerts', async () => {
    const res = await request(env.app).get(`/v1/analytics/incidents?${range}&groupBy=service`).expect(200);
    expect(res.body.total).toEqual({
      key: 'all',
      incidents: 4,
      resolved: 3,
      mtta: { count: 3, meanSeconds: 70, p50Seconds: 60, p90Seconds: 120 },
      mttr: { count: 3, meanSeconds: 700, p50Seconds: 600, p90Seconds: 1200 },
      slaBreaches: 3,
      escalationExhausted: 1,
      autoRemediatedShare: 0.333,
    });
    expect(res.body.groups).toEqual([
      {
        key: 'a',
        incidents: 3,
        resolved: 2,
        mtta: { count: 3, meanSeconds: 70, p50Seconds: 60, p90Seconds: 120 },
        mttr: { count: 2, meanSeconds: 900, p50Seconds: 600, p90Seconds: 1200 },
        slaBreaches: 1,
        escalationExhausted: 0,
        autoRemediatedShare: 0.5,
      },
      {
        key: 'b',
        incidents: 1,
        resolved: 1,
        mtta: { count: 0, meanSeconds: null, p50Seconds: null, p90Seconds: null },
        mttr: { count: 1, meanSeconds: 300, p50Seconds: 300, p90Seconds: 300 },
        slaBreaches: 2,
        escalationExhausted: 1,
        autoRemediatedShare: 0,
      },
    ]);
    expect(res.body.topRecurringAlerts).toEqual([
      { service: 'a', title: 'Disk full', incidents: 2, alerts: 5 },
    ]);
  });

  it('groups by severity and by team', async () => {
    const bySeverity = await request(env.app)
      .get(`/v1/analytics/incidents?${range}&groupBy=severity`)
      .expect(200);
    expect(
      bySeverity.body.groups.map((g: { key: string; incidents: number }) => [g.key, g.incidents]),
    ).toEqual([
      ['SEV1', 2],
      ['SEV2', 1],
      ['SEV3', 1],
    ]);
    const byTeam = await request(env.app).get(`/v1/analytics/incidents?${range}&groupBy=team`).expect(200);
    expect(
      byTeam.body.groups.map((g: { key: string; mttr: { meanSeconds: number } }) => [
        g.key,
        g.mttr.meanSeconds,
      ]),
    ).toEqual([
      ['x', 900],
      ['y', 300],
    ]);
  });

  it('refuses a bad range with 400 naming the field', async () => {
    const res = await request(env.app)
      .get('/v1/analytics/incidents?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z')
      .expect(400);
    expect(res.body.error.details[0].field).toBe('query.to');
    await request(env.app).get(`/v1/analytics/incidents?${range}&groupBy=planet`).expect(400);
  });

  it('reads at most ANALYTICS_MAX_INCIDENTS incidents: a longer period answers 400 instead of loading them all', async () => {
    const march = Date.parse('2026-03-01T00:00:00Z');
    await env.models.Incident.collection.insertMany(
      Array.from({ length: 6 }, (_, i) => ({
        _id: `INC-C0000000000${i}`,
        priority: 'P3',
        major: false,
        status: 'resolved',
        integration: 'native',
        version: 1,
        timelineLength: 1,
        service: 'c',
        severity: 'SEV3',
        team: 'z',
        title: 'Many',
        dedupKey: `m${i}`,
        alertCount: 1,
        openedAt: new Date(march + i * 60_000),
        resolvedAt: new Date(march + i * 60_000 + 30_000),
        resolvedBy: 'user:alice',
        escalation: { exhausted: false, levels: [{ targets: ['x'.repeat(100)] }] },
        slaBreaches: [],
      })) as never[],
    );
    const appWith = (max: number) =>
      createApp({
        ...env.apiDeps,
        config: { ...env.config, ANALYTICS_MAX_INCIDENTS: max },
      });
    const marchRange = 'from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z';
    const get = (max: number) =>
      request(appWith(max))
        .get(`/v1/analytics/incidents?${marchRange}`)
        .set('Authorization', `Bearer ${env.adminToken}`);
    const tooMany = await get(5).expect(400);
    expect(tooMany.body.error.code).toBe('range_too_large');
    expect(tooMany.body.error.message).toMatch(/more than 5 incidents/);
    expect(tooMany.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'query.from',
      'query.to',
    ]);
    const all = await get(6).expect(200);
    expect(all.body.total).toMatchObject({ incidents: 6, resolved: 6, mttr: { p50Seconds: 30 } });
  });
});
