import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { tsToMs } from '@temporalio/common/lib/time';
import { freePort } from '../../stack/ports';
import { heartbeatWorkflowId } from '../../workflows/heartbeat/ids';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { incidentQuery } from '../../workflows/incident/messages';
import { eventually } from '../helpers/http-receiver';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { killProcess, spawnWorkerProcess } from '../helpers/worker-process';

// A heartbeat's deadline is a Temporal timer, not a worker's: the worker process killed with
// SIGKILL mid-interval and started again, the missed ping still opens its incident on time.
describe('a heartbeat across a worker killed mid-interval', () => {
  let env: TestEnv;
  let worker: ChildProcess | undefined;
  let metricsPort: number;

  beforeAll(async () => {
    env = await createTestEnv();
    metricsPort = await freePort();
  }, 180_000);
  afterAll(async () => {
    await killProcess(worker);
    await env.teardown();
  });

  const startWorker = () => spawnWorkerProcess(env, { WORKER_METRICS_PORT: String(metricsPort) });

  it('opens the incident at the deadline though the worker that set the timer was killed', async () => {
    worker = startWorker();
    const intervalSeconds = 8;
    const made = await request(env.app)
      .post('/v1/heartbeats')
      .send({ name: 'killed-mid-interval', service: 'backups', intervalSeconds })
      .expect(201);
    await request(env.app)
      .post(made.body.pingUrl as string)
      .expect(202);
    const pinged = await eventually(async () => {
      const shown = await request(env.app).get('/v1/heartbeats/killed-mid-interval').expect(200);
      expect(shown.body.state?.status).toBe('up');
      return Date.parse(shown.body.state.lastPingAt as string);
    }, 30_000);

    // Killed a moment into the interval, and a new worker process started before its end.
    await killProcess(worker);
    worker = startWorker();

    const incident = await eventually(async () => {
      const found = await env.client.workflow
        .getHandle(incidentWorkflowId('backups', 'heartbeat-killed-mid-interval'))
        .query(incidentQuery)
        .catch(() => undefined);
      expect(found?.status).toBe('triggered');
      return found!;
    }, 60_000);
    // The timer fired at the deadline, whatever the worker went through (Temporal's history says when).
    const history = await env.client.workflow
      .getHandle(heartbeatWorkflowId('killed-mid-interval'))
      .fetchHistory();
    const fired = (history.events ?? [])
      .filter((e) => e.timerFiredEventAttributes)
      .map((e) => tsToMs(e.eventTime));
    expect(fired).toHaveLength(1);
    expect(fired[0]! - pinged).toBeGreaterThanOrEqual(intervalSeconds * 1000);
    expect(fired[0]! - pinged).toBeLessThan(intervalSeconds * 1000 + 2000);
    // The incident opened once a worker took the task: the killed worker's sticky queue holds it
    // for up to 10 s (the SDK's stickyQueueScheduleToStartTimeout) before the new one gets it.
    expect(Date.parse(incident.firstAlertAt) - fired[0]!).toBeLessThan(10_000 + 3000);
  }, 120_000);
});
