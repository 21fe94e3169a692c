import request from 'supertest';
import { DevInbox } from '../../infra/dev-inbox';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// The thin end-to-end slice: API starts a workflow, the workflow calls an
// activity, the activity writes to MongoDB through mongoose, and the API reads
// it back — all against the real Temporal dev server and MongoDB-wire server.
describe('round trip through every layer', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
    // Nothing here pages: the development inbox stands in for the repository catalog's channels.
    await env.startWorker({ devInbox: new DevInbox(env.models) });
  });
  afterAll(async () => env.teardown());

  it('stores what the workflow recorded and reads it back through the API', async () => {
    const created = await request(env.app)
      .post('/v1/diagnostics/round-trips')
      .send({ checkId: 'e2e-check-1' })
      .expect(201);
    expect(created.body).toMatchObject({
      checkId: 'e2e-check-1',
      workflowId: 'diagnostics-round-trip-e2e-check-1',
    });

    const read = await request(env.app).get('/v1/diagnostics/round-trips/e2e-check-1').expect(200);
    expect(read.body).toEqual({
      checkId: 'e2e-check-1',
      workflowId: 'diagnostics-round-trip-e2e-check-1',
      requestedAt: created.body.requestedAt,
      recordedAt: created.body.recordedAt,
    });

    // The document really is in MongoDB, written once.
    const stored = await env.models.RoundTripCheck.findById('e2e-check-1').lean();
    expect(stored?.attempts).toBe(1);

    // And the workflow really ran on Temporal.
    const description = await env.client.workflow.getHandle('diagnostics-round-trip-e2e-check-1').describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.taskQueue).toBe(env.taskQueue);
  });

  it('answers 404 in the error shape for a check that never ran', async () => {
    const res = await request(env.app).get('/v1/diagnostics/round-trips/never-ran').expect(404);
    expect(res.body).toEqual({
      error: { code: 'not_found', message: 'No round-trip check never-ran', details: null },
    });
  });

  it('rejects a bad check id with 400 naming the field', async () => {
    const res = await request(env.app)
      .post('/v1/diagnostics/round-trips')
      .send({ checkId: 'has spaces' })
      .expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual([{ field: 'body.checkId', message: expect.any(String) }]);
  });
});
