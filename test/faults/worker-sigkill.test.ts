import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { runCommand } from '../../stack/server-process';
import { repoRoot } from '../../stack/paths';
import { eventually, HttpReceiver } from '../helpers/http-receiver';
import { openIncident } from '../helpers/incidents';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { runbookProgressQuery } from '../../workflows/runbook-messages';

// A worker process killed with SIGKILL in the middle of a runbook step: a new
// worker resumes the run at that step and no action happens twice.
describe('worker killed mid-runbook', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    // The worker runs as its own process, from the compiled code.
    await runCommand('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repoRoot() });
    env = await createTestEnv();
    receiver = await new HttpReceiver().start();
  }, 180_000);
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await env.teardown();
    await receiver.stop();
  });

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'worker', 'main.js')], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: env.config.TEMPORAL_ADDRESS,
        TEMPORAL_TASK_QUEUE: env.taskQueue,
        MONGODB_URI: env.config.MONGODB_URI,
        FIRELINE_WORKFLOW_BUNDLE: process.env.FIRELINE_TEST_WORKFLOW_BUNDLE,
        TEST_SCALE_URL: receiver.url('/scale'),
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    return child;
  }

  it('resumes the run after SIGKILL with every action done exactly once', async () => {
    worker = startWorker();
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'kill-test', summary: 'Backlog', severity: 'warning', dedupKey: 'k1' })
      .expect(202);
    const incident = await openIncident(env, 'kill-test', 'k1');
    const started = await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({
        runbookId: 'scale-out-queue',
        params: {
          scaleUrlEnv: 'TEST_SCALE_URL',
          queue: 'kill',
          settleSeconds: 4,
          backlogCheckUrl: receiver.url('/backlog-ok'),
        },
      })
      .expect(202);
    await eventually(() => expect(receiver.to('/scale')).toHaveLength(1), 30_000);
    // Kill only once the action step has completed and the wait step runs (a kill in the middle of the
    // action itself would have it re-sent, with the same idempotency key, after its timeout).
    await eventually(async () => {
      const progress = await env.client.workflow
        .getHandle(`runbook:${started.body.runId}`)
        .query(runbookProgressQuery);
      expect(progress.steps.map((step) => [step.name, step.outcome])).toEqual([
        ['scale out', 'succeeded'],
        ['let consumers settle', 'running'],
      ]);
    }, 30_000);

    // Killed during the 4 s wait step; a new worker process takes over.
    worker.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    worker = startWorker();

    await eventually(
      async () => {
        const res = await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200);
        expect(res.body.runbookRuns[0].status).toBe('succeeded');
      },
      60_000,
      500,
    );
    const scale = receiver.to('/scale');
    expect(scale).toHaveLength(1);
    expect(new Set(scale.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(receiver.to('/backlog-ok')).toHaveLength(1);
  }, 120_000);
});
