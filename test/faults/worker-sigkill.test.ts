import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { freePort } from '../../stack/ports';
import { eventually, HttpReceiver, type ReceivedRequest } from '../helpers/http-receiver';
import { openIncident, waitForFirstRunbookRun } from '../helpers/incidents';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { killProcess, spawnWorkerProcess } from '../helpers/worker-process';
import { runbookProgressQuery } from '../../workflows/runbook/messages';
import { runbookWorkflowId } from '../../workflows/runbook/ids';

// Ten kills mid-action are action-outcome-unknown.test.ts's; here a few rounds of each kind.
const ROUNDS = 4;

// A worker process killed with SIGKILL in the middle of a runbook step,
// round after round: each time a new worker process finishes the run, and the
// receiving sink, which applies a change once per idempotency key, sees every
// action at most once. Odd rounds kill while the scaling webhook is still
// answering: the action is not idempotent, so it is not re-sent and the run
// ends `outcome_unknown` (test/faults/action-outcome-unknown.test.ts covers
// that case in depth); even rounds kill during the wait step that follows it.
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
        const killDuringAction = round % 2 === 1;
        const queue = `kill-${round}`;
        const scalePath = `/scale`;
        const before = receiver.to(scalePath).length;
        worker = startWorker();

        // In "during the action" rounds the sink holds its first answer back
        // and the worker is killed while waiting for it.
        let killedMidAction: Promise<void> | undefined;
        if (killDuringAction) {
          receiver.delays.set(scalePath, 3_000);
          receiver.onRequest = (r) => {
            if (r.path !== scalePath || killedMidAction) return;
            receiver.delays.delete(scalePath);
            killedMidAction = killWorker();
          };
        }

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

        if (killDuringAction) {
          await eventually(() => expect(killedMidAction).toBeDefined(), 30_000);
          await killedMidAction;
          receiver.onRequest = undefined;
        } else {
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
        }
        worker = startWorker();

        await waitForFirstRunbookRun(
          env,
          incident.incidentId,
          killDuringAction ? 'outcome_unknown' : 'succeeded',
          90_000,
        );
        const scale = receiver.to(scalePath).slice(before);
        deliveries.push(scale.length);
        const changes = applied(scale);
        // One scale-out change and no compensation (scale-in) was applied.
        expect([...changes.values()]).toEqual([{ queue, delta: 2 }]);
        expect([...changes.keys()][0]).toBe(`${started.body.runId}:scale out`);
        expect(scale).toHaveLength(1);
        expect(receiver.to(`/backlog-ok/${queue}`)).toHaveLength(killDuringAction ? 0 : 1);
        await killWorker();
      }
      // Rounds killed mid-action did not re-send: an unknown outcome goes to a person instead.
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
