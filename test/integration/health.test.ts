import { Writable } from 'node:stream';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createLogger } from '../../infra/logger';
import { connectMongo } from '../../infra/mongo';
import { createModels } from '../../infra/models';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

describe('health, readiness and error handling', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env.teardown());

  it('GET /healthz answers while the process is alive', async () => {
    await request(env.app).get('/healthz').expect(200, { status: 'ok' });
  });

  it('GET /readyz is 200 when Temporal and MongoDB answer', async () => {
    const res = await request(env.app).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ready', checks: { temporal: 'ok', mongodb: 'ok' } });
  });

  /** A logger whose lines the test can read. */
  function capturedLogger(): { logger: ReturnType<typeof createLogger>; lines: () => string } {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    return { logger: createLogger({ level: 'warn', destination }), lines: () => chunks.join('') };
  }

  it('GET /readyz stays 200 saying MongoDB is unavailable when its connection is down, with why only in the log', async () => {
    const closed = await connectMongo(env.config.MONGODB_URI!);
    await closed.close();
    const { logger, lines } = capturedLogger();
    const app = createApp({
      ...env.apiDeps,
      mongo: closed,
      models: createModels(closed),
      logger,
    });
    // Alerts and acknowledgements need Temporal only: the API stays in rotation.
    const res = await request(app).get('/readyz').expect(200);
    // Unauthenticated: which check fails, never the driver's words.
    expect(res.body).toEqual({ status: 'ready', checks: { temporal: 'ok', mongodb: 'unavailable' } });
    expect(lines()).toMatch(
      /"failures":{"mongodb":"MongoDB connection is disconnected"}.*"msg":"MongoDB is unavailable; still ready/,
    );
  });

  it('GET /readyz is 503 saying Temporal fails when its namespace is unknown, with why only in the log', async () => {
    const { logger, lines } = capturedLogger();
    const app = createApp({
      ...env.apiDeps,
      config: { ...env.config, TEMPORAL_NAMESPACE: 'no-such-namespace' },
      logger,
    });
    const res = await request(app).get('/readyz').expect(503);
    expect(res.body).toEqual({ status: 'not_ready', checks: { temporal: 'failing', mongodb: 'ok' } });
    expect(JSON.stringify(res.body)).not.toMatch(/no-such-namespace/);
    expect(lines()).toMatch(/no-such-namespace/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await request(env.app).get('/v1/nothing-here').expect(404);
    expect(res.body).toEqual({
      error: { code: 'not_found', message: 'No route for GET /v1/nothing-here', details: null },
    });
  });

  it('answers malformed JSON with a 400, not a 500', async () => {
    const res = await request(env.app)
      .post('/v1/diagnostics/round-trips')
      .set('content-type', 'application/json')
      .send('{"checkId": ')
      .expect(400);
    expect(res.body.error).toEqual({
      code: 'invalid_json',
      message: 'Request body is not valid JSON',
      details: { field: 'body' },
    });
  });

  it('echoes a well-formed x-request-id and makes one up otherwise', async () => {
    const given = await request(env.app).get('/healthz').set('x-request-id', 'req-123');
    expect(given.headers['x-request-id']).toBe('req-123');
    const made = await request(env.app).get('/healthz').set('x-request-id', 'bad id with spaces');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
