import request from 'supertest';
import { readWholeTimeline } from '../../infra/timeline-store';
import { createRunbookActivities } from '../../activities/runbooks';
import { EgressPolicy } from '../../infra/egress';
import { runbookMetas } from '../../runbooks';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { eventually, HttpReceiver } from '../helpers/http-receiver';
import { testCatalog, testRules, testSecrets } from '../helpers/test-catalog';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { waitForFirstRunbookRun } from '../helpers/incidents';
import { timersOf } from '../helpers/histories';
import { runbookWorkflowId } from '../../workflows/runbook/ids';

// Escalation timers are durable: a worker that stops while a level's timer is
// pending does not lose the escalation; the next worker fires it.
describe('durability across a worker restart', () => {
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
    // Level 2 far enough away that the worker surely stops first.
    const deps = { triageRules: testRules(), catalog: testCatalog(8), secrets: testSecrets(receiver) };
    const stopFirstWorker = await env.startWorker(deps);

    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'restart', summary: 'Queue backlog', severity: 'error', dedupKey: 'backlog' })
      .expect(202);
    await eventually(() => expect(receiver.to('/level1')).toHaveLength(1));

    // Level 2 comes due while no worker runs: its timer fires on the server, and nobody pages.
    await stopFirstWorker();
    expect(receiver.to('/level2')).toHaveLength(0);
    const incident = env.client.workflow.getHandle(incidentWorkflowId('restart', 'backlog'));
    await eventually(async () => {
      const waits = await timersOf(incident, /^"?wait for acknowledgement of level 1/);
      expect(waits.fired).toEqual(waits.started.slice(0, 1));
    }, 30_000);
    expect(receiver.to('/level2')).toHaveLength(0);

    await env.startWorker(deps);
    await eventually(() => expect(receiver.to('/level2')).toHaveLength(1));
    // Exactly once: the first level was not re-sent by the new worker.
    expect(receiver.to('/level1')).toHaveLength(1);

    // The saved copy follows the page (saving runs beside the escalation). Level 2's own
    // timer runs out 8 s after its page and exhausts the policy, so the saved incident may
    // already be past level 2: its saved timeline keeps the escalation for good.
    const doc = await eventually(async () => {
      const saved = await env.models.Incident.findOne({
        workflowId: incidentWorkflowId('restart', 'backlog'),
      }).lean();
      const entries = await readWholeTimeline(env.models.TimelinePage, saved!._id, saved!.timelineLength);
      expect(entries.filter((e) => e.type === 'escalation.level').map((e) => e.data?.level)).toEqual([0, 1]);
      return saved!;
    });
    await request(env.app).post(`/v1/incidents/${doc._id}/resolve`).send({}).expect(200);
  });

  it('resumes a runbook at the step it was on, performing no action twice', async () => {
    const deps = { triageRules: testRules(), catalog: testCatalog(600), secrets: testSecrets(receiver) };
    const stopFirstWorker = await env.startWorker(deps);
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'restart-rb', summary: 'Backlog', severity: 'warning', dedupKey: 'rb' })
      .expect(202);
    const doc = await eventually(async () => {
      const found = await env.models.Incident.findOne({
        workflowId: incidentWorkflowId('restart-rb', 'rb'),
      }).lean();
      if (!found) throw new Error('not yet');
      return found;
    });
    const { body } = await request(env.app)
      .post(`/v1/incidents/${doc._id}/runbooks`)
      .send({
        runbookId: 'scale-out-queue',
        params: {
          scaleUrlEnv: 'SCALE_WEBHOOK_URL',
          queue: 'rb',
          // Long enough that the worker surely stops during it.
          settleSeconds: 8,
          backlogCheckUrl: receiver.url('/backlog-ok'),
        },
      })
      .expect(202);
    await eventually(() => expect(receiver.to('/scale')).toHaveLength(1));

    // The worker goes away during the wait step and comes back after its timer fired.
    await stopFirstWorker();
    expect(receiver.to('/backlog-ok')).toHaveLength(0);
    const runbook = env.client.workflow.getHandle(runbookWorkflowId(body.runId));
    await eventually(async () => {
      const waits = await timersOf(runbook, /^"?scale-out-queue: /);
      expect(waits.started.length).toBeGreaterThan(0);
      expect(waits.fired).toEqual(waits.started);
    }, 30_000);
    await env.startWorker(deps);

    const done = await waitForFirstRunbookRun(env, doc._id, 'succeeded');
    expect(done.runbookRuns[0]!.runId).toBe(body.runId);
    expect(receiver.to('/scale').map((r) => (r.body as { delta: number }).delta)).toEqual([2]);
    expect(receiver.to('/backlog-ok')).toHaveLength(1);
    await request(env.app).post(`/v1/incidents/${doc._id}/resolve`).send({}).expect(200);
  });

  it('answers a repeated action from the ledger instead of acting again', async () => {
    let calls = 0;
    const activities = createRunbookActivities({
      models: env.models,
      secrets: {},
      runbookMetas: runbookMetas(),
      egress: new EgressPolicy(),
      actions: {
        count: async () => {
          calls += 1;
          return { summary: `call ${calls}` };
        },
      },
    });
    const first = await activities.runAction({
      runbookId: 'restart-service',
      action: 'count',
      input: {},
      idempotencyKey: 'ledger-test:1',
    });
    const second = await activities.runAction({
      runbookId: 'restart-service',
      action: 'count',
      input: {},
      idempotencyKey: 'ledger-test:1',
    });
    expect(calls).toBe(1);
    expect(first).toMatchObject({ summary: 'call 1', replayed: false });
    expect(second).toMatchObject({ summary: 'call 1', replayed: true });
  });
});
