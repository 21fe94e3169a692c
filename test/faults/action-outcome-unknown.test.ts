import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import type { Incident } from '../../domain/incident';
import { eventually, HttpReceiver } from '../helpers/http-receiver';
import { openIncident, timelineOf } from '../helpers/incidents';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { killProcess, spawnWorkerProcess } from '../helpers/worker-process';

const KILLS = 5;

// A worker process killed with SIGKILL while a non-idempotent runbook action
// is in flight, five times, one incident per kill: the receiver stalls each call
// so the kill lands mid-call. The retried attempt, on the next worker, must not
// re-send: every run ends `outcome_unknown`, each action reached the receiver at
// most once per idempotency key, and every incident's timeline says what to
// check and the incident escalated. Runs overlap (the next kill does not wait
// for the previous run to finish), so the test stays short.
describe('worker killed mid-action: outcome unknown, never re-sent', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    env = await createTestEnv();
    receiver = await new HttpReceiver().start();
    // Every scaling call stalls far longer than a kill takes to land.
    receiver.delays.set('/scale', 15_000);
  }, 180_000);
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await env.teardown();
    await receiver.stop();
  });

  function startWorker(): ChildProcess {
    return spawnWorkerProcess(env, { SCALE_WEBHOOK_URL: receiver.url('/scale') });
  }

  async function killWorker(): Promise<void> {
    await killProcess(worker);
    worker = undefined;
  }

  it(`surfaces every unknown outcome and sends each action at most once, killed ${KILLS} times mid-call`, async () => {
    const runs: Array<{ incident: Incident; key: string; dedupKey: string }> = [];
    for (let round = 1; round <= KILLS; round++) {
      worker = startWorker();
      const dedupKey = `unknown-${round}`;
      await request(env.app)
        .post('/v1/alerts')
        .send({ service: 'kill-unknown', summary: 'Backlog', severity: 'warning', dedupKey })
        .expect(202);
      // The worker process just started: on a loaded machine it takes a while to open the incident.
      const incident = await openIncident(env, 'kill-unknown', dedupKey, 60_000);
      const key = `${incident.incidentId}.rb1:scale out`;
      let called = false;
      receiver.onRequest = (r) => {
        if (r.path === '/scale' && r.headers['idempotency-key'] === key) called = true;
      };
      await request(env.app)
        .post(`/v1/incidents/${incident.incidentId}/runbooks`)
        .send({
          runbookId: 'scale-out-queue',
          params: {
            scaleUrlEnv: 'SCALE_WEBHOOK_URL',
            queue: dedupKey,
            settleSeconds: 0,
            backlogCheckUrl: receiver.url(`/backlog/${dedupKey}`),
          },
        })
        .expect(202);
      // Killed once the start is answered: the incident's worker completes the start, and a kill
      // landing before that would leave the request waiting for a worker this loop only starts after it.
      await eventually(() => expect(called).toBe(true), 30_000, 50);
      await killWorker();
      runs.push({ incident, key, dedupKey });
    }
    receiver.onRequest = undefined;
    worker = startWorker();

    for (const { incident, key, dedupKey } of runs) {
      await eventually(
        async () => {
          const res = await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200);
          expect(res.body.runbookRuns[0]?.status).toBe('outcome_unknown');
        },
        60_000,
        250,
      );
      // Sent once (the call the kill interrupted), never re-sent.
      expect(receiver.to('/scale').filter((r) => r.headers['idempotency-key'] === key)).toHaveLength(1);
      // Nothing after the action ran, and no compensation was sent blindly.
      expect(receiver.to(`/backlog/${dedupKey}`)).toHaveLength(0);
      const entries = await eventually(async () => {
        const list = await timelineOf(env, incident.incidentId);
        expect(list.some((e) => e.type === 'escalated')).toBe(true);
        return list;
      }, 30_000);
      expect(entries.find((e) => e.type === 'runbook.outcome_unknown')?.message).toBe(
        `Outcome unknown: action "scale out" (webhook) of runbook scale-out-queue may or may not have run: ` +
          `check the receiver of SCALE_WEBHOOK_URL before retrying; idempotency key ${key}`,
      );
      expect(entries.find((e) => e.type === 'escalated')?.message).toMatch(
        /runbook scale-out-queue outcome unknown, a person has to check$/,
      );
    }
    // One call per run: no re-send, and no compensation (a scale-in) either.
    expect(receiver.to('/scale')).toHaveLength(KILLS);
  }, 300_000);
});
