import request from 'supertest';
import { createApp } from '../../api/app';
import { liveOnCallModel } from '../../api/deps';
import { onCallCatalog } from '../../config/oncall-catalog';
import { createLogger } from '../../infra/logger';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/** The headers helmet() sets on every answer. */
const helmetHeaderNames = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

describe('alert ingestion on its lean path', () => {
  let env: TestEnv;
  let token: string;

  beforeAll(async () => {
    // A long linger: a test that waited for it would time out.
    env = await createTestEnv({ config: { ALERT_SIGNAL_LINGER_MS: 1000 } });
    token = await env.createKey('lean-ingest', ['alerts:write']);
  });
  afterAll(async () => env.teardown());

  const alert = (dedupKey: string, summary = 'Checkout latency') => ({
    service: 'payments',
    summary,
    severity: 'error',
    dedupKey,
  });

  it('answers with the same security headers as other routes, and the request id', async () => {
    const health = await request(env.app).get('/healthz').expect(200);
    const res = await request(env.rawApp)
      .post('/v1/alerts')
      .set('authorization', `Bearer ${token}`)
      .set('x-request-id', 'lean-1')
      .send(alert('headers'))
      .expect(202);
    expect(res.headers['x-request-id']).toBe('lean-1');
    for (const name of helmetHeaderNames) {
      expect(health.headers[name]).toBeDefined();
      expect(res.headers[name]).toBe(health.headers[name]);
    }
    // A refusal carries them too.
    const refused = await request(env.rawApp).post('/v1/alerts').send(alert('headers')).expect(401);
    for (const name of helmetHeaderNames) expect(refused.headers[name]).toBe(health.headers[name]);
  });

  it('answers the per-address limit’s 429 with the request id and security headers too', async () => {
    const app = createApp({
      ...env.apiDeps,
      config: { ...env.config, RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 1 },
      onCall: liveOnCallModel(onCallCatalog, env.models, {}),
    });
    const post = () =>
      request(app).post('/v1/alerts').set('authorization', `Bearer ${token}`).set('x-request-id', 'lean-429');
    await post().send(alert('limited')).expect(202);
    const limited = await post().send(alert('limited')).expect(429);
    expect(limited.headers['x-request-id']).toBe('lean-429');
    expect(limited.headers['x-content-type-options']).toBe('nosniff');
  });

  it('logs a refused alert (with its request id, without its key) but not an accepted one', async () => {
    let written = '';
    const app = createApp({
      ...env.apiDeps,
      onCall: liveOnCallModel(onCallCatalog, env.models, {}),
      logger: createLogger({
        level: 'info',
        destination: { write: (line: string) => void (written += line) },
      }),
    });
    await request(app)
      .post('/v1/alerts')
      .set('authorization', `Bearer ${token}`)
      .send(alert('logged'))
      .expect(202);
    expect(written).toBe('');
    const res = await request(app)
      .post('/v1/alerts')
      .set('authorization', `Bearer ${token}`)
      .set('x-request-id', 'lean-refused')
      .send({ ...alert('logged'), severity: 'loud' })
      .expect(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'body.severity' })]);
    const lines = written.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { req: { headers: Record<string, string> } };
    expect(line).toMatchObject({
      msg: 'request completed',
      req: { id: 'lean-refused', method: 'POST', url: '/v1/alerts' },
      res: { statusCode: 400 },
    });
    expect(line.req.headers.authorization).toBe('[redacted]');
    expect(written).not.toContain(token);
  });

  it('folds alerts that come while a signal is under way, and those that follow within the linger, into one signal', async () => {
    const dedupKey = 'linger';
    const post = (n: number) =>
      request(env.rawApp)
        .post('/v1/alerts')
        .set('authorization', `Bearer ${token}`)
        .send(alert(dedupKey, `alert ${n}`))
        .expect(202)
        // Sent now: supertest sends a request only once it is awaited.
        .then(() => undefined);
    // Alert 1 comes while alert 0's signal-with-start is under way, so the next signal lingers
    // (1 s from alert 1). Alerts 2-7 come one every 50 ms once alert 0 is answered, when no signal
    // is under way: without the linger each would go alone, with it they join alert 1's signal.
    const first = post(0);
    const answers = [post(1)];
    await first;
    for (let n = 2; n < 8; n++) {
      answers.push(post(n));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(answers);
    const history = await env.client.workflow
      .getHandle(incidentWorkflowId('payments', dedupKey))
      .fetchHistory();
    const alertsPerSignal = (history.events ?? [])
      .filter((e) => e.workflowExecutionSignaledEventAttributes)
      .map(
        (e) =>
          (
            JSON.parse(
              Buffer.from(e.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!.data!).toString(),
            ) as { events: unknown[] }
          ).events.length,
      );
    expect(alertsPerSignal.reduce((a, b) => a + b, 0)).toBe(8);
    expect(alertsPerSignal.length).toBeLessThanOrEqual(3);
    expect(alertsPerSignal[0]).toBe(1);
  });

  it('sends a lone alert at once, whatever the linger', async () => {
    // Each alert is answered before the next is sent: none came while a signal was under way, so
    // none is held back to share one (the queue's unit tests show none waits for the linger).
    const dedupKey = 'lone';
    for (let n = 0; n < 5; n++) {
      await request(env.rawApp)
        .post('/v1/alerts')
        .set('authorization', `Bearer ${token}`)
        .send(alert(dedupKey, `alert ${n}`))
        .expect(202);
    }
    const history = await env.client.workflow
      .getHandle(incidentWorkflowId('payments', dedupKey))
      .fetchHistory();
    expect((history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(5);
  });
});
