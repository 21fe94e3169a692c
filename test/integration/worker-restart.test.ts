import request from 'supertest';
import { incidentWorkflowId } from '../../domain/incident-keys';
import { eventually, HttpReceiver } from '../helpers/http-receiver';
import { testCatalog, testRules, testSecrets } from '../helpers/test-catalog';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// Escalation timers are durable: a worker that stops while a level's timer is
// pending does not lose the escalation; the next worker fires it.
describe('escalation across a worker restart', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    env = await createTestEnv();
    receiver = await new HttpReceiver().start();
  });
  afterAll(async () => {
    await env.teardown();
    await receiver.stop();
  });

  it('fires the pending escalation after the worker comes back', async () => {
    const deps = { triageRules: testRules(), catalog: testCatalog(3), secrets: testSecrets(receiver) };
    const stopFirstWorker = await env.startWorker(deps);

    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'restart', summary: 'Queue backlog', severity: 'error', dedupKey: 'backlog' })
      .expect(202);
    await eventually(() => expect(receiver.to('/level1')).toHaveLength(1));

    // Level 2 is due in 3 s; no worker runs when it comes due.
    await stopFirstWorker();
    const stoppedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(receiver.to('/level2')).toHaveLength(0);

    await env.startWorker(deps);
    const level2 = await eventually(() => {
      const [hit] = receiver.to('/level2');
      if (!hit) throw new Error('level 2 not notified yet');
      return hit;
    });
    expect(level2.at - stoppedAt).toBeGreaterThanOrEqual(4_000);
    // Exactly once: the first level was not re-sent by the new worker.
    expect(receiver.to('/level1')).toHaveLength(1);

    const doc = await env.models.Incident.findOne({
      workflowId: incidentWorkflowId('restart', 'backlog'),
    }).lean();
    expect(doc?.escalation.level).toBe(1);
    await request(env.app).post(`/v1/incidents/${doc!._id}/resolve`).send({}).expect(200);
  });
});
