import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { freePort } from '../../stack/ports';
import { eventually, HttpReceiver, type ReceivedRequest } from '../helpers/http-receiver';
import { openIncident, waitForFirstRunbookRun } from '../helpers/incidents';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { killProcess, spawnWorkerProcess } from '../helpers/worker-process';
import { runbookProgressQuery } from '../../workflows/runbook/messages';
import { runbookWorkflowId } from '../../workflows/runbook/ids';

const ROUNDS = 2;

// A worker process killed with SIGKILL in the middle of a runbook's wait step,
// round after round: each time a new worker process finishes the run, and the
// receiving sink, which applies a change once per idempotency key, sees every
// action once. Kills while an action is in flight (not re-sent, the run ends
// `outcome_unknown`) are test/faults/action-outcome-unknown.test.ts's.
describe('worker killed mid-runbook, repeatedly', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let worker: ChildProcess | undefined;
  let metricsPort: number;

  beforeAll(async () => {
    // The worker runs as its own process, from the code the global setup compiled.
    env = await createTestEnv();
    receiver = await new HttpReceiver().start();
    metricsPort = await freePort();
  }, 180_000);
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await env.teardown();
    await receiver.stop();
  });

  function startWorker(): ChildProcess {
    return spawnWorkerProcess(env, {
      SCALE_WEBHOOK_URL: receiver.url('/scale'),
      WORKER_METRICS_PORT: String(metricsPort),
    });
  }

  async function killWorker(): Promise<void> {
    await killProcess(worker);
    worker = undefined;
  }

  /** What the sink applied: the scale change of each idempotency key, once. */
  function applied(requests: ReceivedRequest[]): Map<string, unknown> {
    const byKey = new Map<string, unknown>();
    for (const r of requests) {
      const key = String(r.headers['idempotency-key']);
      if (!byKey.has(key)) byKey.set(key, r.body);
    }
    return byKey;
  }

  it(
    `finishes or stops the run with every action sent at most once, killed ${ROUNDS} times`,
    async () => {
      const deliveries: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const queue = `kill-${round}`;
        const scalePath = `/scale`;
        const before = receiver.to(scalePath).length;
        worker = startWorker();

        await request(env.app)
          .post('/v1/alerts')
          .send({ service: 'kill-test', summary: 'Backlog', severity: 'warning', dedupKey: queue })
          .expect(202);
        const incident = await openIncident(env, 'kill-test', queue);
        const started = await request(env.app)
          .post(`/v1/incidents/${incident.incidentId}/runbooks`)
          .send({
            runbookId: 'scale-out-queue',
            params: {
              scaleUrlEnv: 'SCALE_WEBHOOK_URL',
              queue,
              settleSeconds: 3,
              backlogCheckUrl: receiver.url(`/backlog-ok/${queue}`),
            },
          })
          .expect(202);

        await eventually(async () => {
          const progress = await env.client.workflow
            .getHandle(runbookWorkflowId(started.body.runId))
            .query(runbookProgressQuery);
          expect(progress.steps.map((step) => [step.name, step.outcome])).toEqual([
            ['scale out', 'succeeded'],
            ['let consumers settle', 'running'],
          ]);
        }, 30_000);
        await killWorker();
        worker = startWorker();

        await waitForFirstRunbookRun(env, incident.incidentId, 'succeeded', 90_000);
        const scale = receiver.to(scalePath).slice(before);
        deliveries.push(scale.length);
        const changes = applied(scale);
        // One scale-out change and no compensation (scale-in) was applied.
        expect([...changes.values()]).toEqual([{ queue, delta: 2 }]);
        expect([...changes.keys()][0]).toBe(`${started.body.runId}:scale out`);
        expect(scale).toHaveLength(1);
        expect(receiver.to(`/backlog-ok/${queue}`)).toHaveLength(1);
        await killWorker();
      }
      expect(deliveries).toEqual(Array.from({ length: ROUNDS }, () => 1));

      // A standalone worker serves its own metrics.
      worker = startWorker();
      const text = await eventually(async () => {
        const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
        expect(res.status).toBe(200);
        return res.text();
      }, 20_000);
      expect(text).toMatch(/^fireline_open_incidents\{severity="SEV3"\} \d+$/m);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
    },
    ROUNDS * 90_000,
  );
});
