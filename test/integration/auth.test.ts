import request from 'supertest';
import { createApp } from '../../api/app';
import { revokeApiKey } from '../../infra/api-keys';
import { createLogger } from '../../infra/logger';
import type { ApiScope } from '../../infra/models';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// Every endpoint but /healthz, /readyz and the PagerDuty one takes an API key
// with the right scope; tested with and without it.
describe('API keys and scopes', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env.teardown());

  const routes: Array<[method: 'get' | 'post' | 'patch', path: string, scope: ApiScope]> = [
    ['post', '/v1/alerts', 'alerts:write'],
    ['post', '/v1/integrations/alertmanager', 'alerts:write'],
    ['post', '/v1/integrations/grafana', 'alerts:write'],
    ['get', '/v1/incidents', 'incidents:read'],
    ['get', '/v1/incidents/INC-0123456789AB', 'incidents:read'],
    ['get', '/v1/incidents/INC-0123456789AB/timeline', 'incidents:read'],
    ['get', '/v1/incidents/INC-0123456789AB/approvals', 'incidents:read'],
    ['post', '/v1/incidents/INC-0123456789AB/acknowledge', 'incidents:write'],
    ['post', '/v1/incidents/INC-0123456789AB/resolve', 'incidents:write'],
    ['post', '/v1/incidents/INC-0123456789AB/snooze', 'incidents:write'],
    ['post', '/v1/incidents/INC-0123456789AB/escalate', 'incidents:write'],
    ['post', '/v1/incidents/INC-0123456789AB/notes', 'incidents:write'],
    ['patch', '/v1/incidents/INC-0123456789AB', 'incidents:write'],
    ['post', '/v1/incidents/INC-0123456789AB/runbooks', 'runbooks:run'],
    ['post', '/v1/incidents/INC-0123456789AB/runbooks/INC-0123456789AB.rb1/cancel', 'runbooks:run'],
    ['post', '/v1/incidents/INC-0123456789AB/approvals/INC-0123456789AB.rb1.a1/approve', 'approvals:decide'],
    ['post', '/v1/incidents/INC-0123456789AB/approvals/INC-0123456789AB.rb1.a1/reject', 'approvals:decide'],
    ['get', '/v1/runbooks', 'incidents:read'],
    ['get', '/v1/runbooks/restart-service', 'incidents:read'],
    ['post', '/v1/runbooks/restart-service/dry-run', 'runbooks:run'],
    ['get', '/v1/drills/DRILL-0000AAAA', 'incidents:read'],
    ['get', '/v1/postmortems', 'incidents:read'],
    ['get', '/v1/postmortems/PM-0123456789AB', 'incidents:read'],
    ['patch', '/v1/postmortems/PM-0123456789AB', 'postmortems:write'],
    ['get', '/v1/analytics/incidents?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z', 'incidents:read'],
    ['get', '/v1/diagnostics/round-trips/none', 'admin'],
    ['get', '/metrics', 'admin'],
  ];

  it.each(routes)('%s %s: 401 without a key, 403 without %s, passes with it', async (method, path, scope) => {
    const none = await request(env.rawApp)[method](path).send({});
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);

    const bad = await request(env.rawApp)
      [method](path)
      .set('Authorization', 'Bearer fl_000000000000_' + 'x'.repeat(43))
      .send({});
    expect(bad.status).toBe(401);

    const other: ApiScope = scope === 'incidents:read' ? 'alerts:write' : 'incidents:read';
    const wrong = await env.createKey(`without-${scope.replace(':', '-')}`, [other]);
    const forbidden = await request(env.rawApp)
      [method](path)
      .set('Authorization', `Bearer ${wrong}`)
      .send({});
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toBe(`This key lacks the ${scope} scope`);

    const right = await env.createKey(`with-${scope.replace(':', '-')}`, [scope]);
    const allowed = await request(env.rawApp)[method](path).set('Authorization', `Bearer ${right}`).send({});
    expect([401, 403]).not.toContain(allowed.status);
    expect(allowed.status).toBeLessThan(500);
  });

  it('leaves health checks open and authenticates PagerDuty events by routing key', async () => {
    await request(env.rawApp).get('/healthz').expect(200);
    await request(env.rawApp).get('/readyz').expect(200);
    const pd = await request(env.rawApp)
      .post('/v2/enqueue')
      .send({
        routing_key: 'test-routing-key-0123456789abcdef',
        event_action: 'trigger',
        payload: { summary: 's', source: 'x', severity: 'info' },
      })
      .expect(202);
    expect(pd.body.status).toBe('success');
    await request(env.rawApp)
      .post('/v2/enqueue')
      .send({
        routing_key: 'unknown',
        event_action: 'trigger',
        payload: { summary: 's', source: 'x', severity: 'info' },
      })
      .expect(400);
  });

  it('takes an integration token in the URL for Alertmanager and Grafana', async () => {
    const token = await env.createKey('alertmanager-prod', ['alerts:write']);
    const body = {
      status: 'firing',
      receiver: 'fireline',
      alerts: [{ status: 'firing', labels: { service: 'url-token' }, fingerprint: 'u1' }],
    };
    await request(env.rawApp).post(`/v1/integrations/alertmanager?token=${token}`).send(body).expect(200);
    await request(env.rawApp)
      .post('/v1/alerts?token=' + token)
      .send({ service: 'x', summary: 's', severity: 'info' })
      .expect(401);
  });

  it('takes a key in the URL only when alerts:write is its sole scope', async () => {
    const body = {
      status: 'firing',
      receiver: 'fireline',
      alerts: [{ status: 'firing', labels: { service: 'url-token-scope' }, fingerprint: 'u2' }],
    };
    const broad = await env.createKey('alertmanager-broad', ['alerts:write', 'incidents:write']);
    const refused = await request(env.rawApp)
      .post(`/v1/integrations/alertmanager?token=${broad}`)
      .send(body)
      .expect(403);
    expect(refused.body.error.message).toMatch(/only the alerts:write scope/);
    const admin = await env.createKey('alertmanager-admin', ['admin']);
    await request(env.rawApp).post(`/v1/integrations/alertmanager?token=${admin}`).send(body).expect(403);
    // The same keys as a header are fine.
    await request(env.rawApp)
      .post('/v1/integrations/alertmanager')
      .set('Authorization', `Bearer ${broad}`)
      .send(body)
      .expect(200);
  });

  it('records the key name as the actor, and lets only admin keys act for someone else', async () => {
    const writer = await env.createKey('dana', ['alerts:write', 'incidents:write', 'incidents:read']);
    const res = await request(env.rawApp)
      .post('/v1/incidents/INC-0123456789AB/notes')
      .set('Authorization', `Bearer ${writer}`)
      .send({ actor: 'eve', text: 'hi' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/Only an admin key may act on behalf of someone/);
  });

  it('stops accepting a revoked key', async () => {
    const token = await env.createKey('short-lived', ['incidents:read']);
    await request(env.rawApp).get('/v1/incidents').set('Authorization', `Bearer ${token}`).expect(200);
    await revokeApiKey(env.models, 'short-lived');
    // A fresh app (no cache of verified keys) refuses it at once; running apps within 30 s.
    const app = createApp({
      config: env.config,
      temporal: env.client,
      mongo: env.mongo,
      models: env.models,
      logger: createLogger({ level: 'silent' }),
    });
    await request(app).get('/v1/incidents').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('limits requests per key with 429 and Retry-After', async () => {
    const app = createApp({
      config: { ...env.config, RATE_LIMIT_PER_MINUTE: 3 },
      temporal: env.client,
      mongo: env.mongo,
      models: env.models,
      logger: createLogger({ level: 'silent' }),
    });
    const token = await env.createKey('chatty', ['incidents:read']);
    for (let i = 0; i < 3; i++)
      await request(app).get('/v1/incidents').set('Authorization', `Bearer ${token}`).expect(200);
    const limited = await request(app)
      .get('/v1/incidents')
      .set('Authorization', `Bearer ${token}`)
      .expect(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another key is not held back by this one.
    const other = await env.createKey('quiet', ['incidents:read']);
    await request(app).get('/v1/incidents').set('Authorization', `Bearer ${other}`).expect(200);
  });

  it('stores keys hashed, never the secret', async () => {
    const token = await env.createKey('hashed', ['incidents:read']);
    const [, keyId, secret] = /^fl_([a-f0-9]{12})_(.+)$/.exec(token)!;
    const stored = await env.models.ApiKey.findById(keyId).lean();
    expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('keeps a token given in the URL out of the logs', async () => {
    let written = '';
    const app = createApp({
      config: env.config,
      temporal: env.client,
      mongo: env.mongo,
      models: env.models,
      logger: createLogger({
        level: 'info',
        destination: { write: (line: string) => void (written += line) },
      }),
    });
    const token = await env.createKey('url-token', ['alerts:write']);
    await request(app).post(`/v1/integrations/grafana?token=${token}`).send({});
    // Spelled so that Express still reads it as `token`.
    await request(app).post(`/v1/integrations/grafana?%74oken=${token}&x=1`).send({});
    await request(app).post(`/v1/integrations/grafana?tok%65n[]=${token}`).send({});
    expect(written).toContain('token=[redacted]');
    expect(written).toContain('%74oken=[redacted]&x=1');
    expect(written).not.toContain(token);
  });
});
