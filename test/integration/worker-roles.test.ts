import { temporal } from '@temporalio/proto';
import request from 'supertest';
import { actionsTaskQueue } from '../../config';
import { eventually, HttpReceiver } from '../helpers/http-receiver';
import { openIncident, waitForFirstRunbookRun } from '../helpers/incidents';
import { testCatalog, testRules, testSecrets } from '../helpers/test-catalog';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { runbookWorkflowId } from '../../workflows/runbook/ids';

// Runbook actions and HTTP checks go to their own task queue, so action
// workers can run next to the systems they touch while orchestration runs elsewhere.
describe('orchestration and action workers', () => {
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

  it('runs runbook steps only on a worker of the actions queue', async () => {
    const secrets = testSecrets(receiver);
    // The orchestration worker cannot reach the scaling endpoint; only the action worker knows it.
    const { SCALE_WEBHOOK_URL: _onlyOnActionWorkers, ...orchestrationSecrets } = secrets;
    await env.startWorker(
      { triageRules: testRules(), catalog: testCatalog(60), secrets: orchestrationSecrets },
      'orchestration',
    );
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'roles', summary: 'Backlog', severity: 'warning', dedupKey: 'r1' })
      .expect(202);
    const incident = await openIncident(env, 'roles', 'r1');
    const started = await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({
        runbookId: 'scale-out-queue',
        params: {
          scaleUrlEnv: 'SCALE_WEBHOOK_URL',
          queue: 'roles',
          settleSeconds: 0,
          backlogCheckUrl: receiver.url('/backlog-ok'),
        },
      })
      .expect(202);
    const runbook = env.client.workflow.getHandle(runbookWorkflowId(started.body.runId));

    // With no action worker the step is scheduled on the actions queue and waits there.
    await eventually(async () => {
      const history = await runbook.fetchHistory();
      const scheduled = history.events?.find(
        (e) => e.activityTaskScheduledEventAttributes,
      )?.activityTaskScheduledEventAttributes;
      expect(scheduled?.activityType?.name).toBe('runAction');
      expect(scheduled?.taskQueue?.name).toBe(actionsTaskQueue(env.config));
    }, 20_000);
    // The orchestration worker polls its own queues (it is seen there), and nothing polls the actions queue.
    const pollers = async (taskQueue: string) =>
      (
        await env.client.workflowService.describeTaskQueue({
          namespace: env.config.TEMPORAL_NAMESPACE,
          taskQueue: { name: taskQueue },
          taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        })
      ).pollers ?? [];
    await eventually(async () => expect(await pollers(env.taskQueue)).not.toHaveLength(0), 20_000);
    expect(await pollers(actionsTaskQueue(env.config))).toEqual([]);
    expect(receiver.to('/scale')).toHaveLength(0);

    await env.startWorker({ secrets }, 'actions');
    await waitForFirstRunbookRun(env, incident.incidentId, 'succeeded');
    expect(receiver.to('/scale')).toHaveLength(1);
    expect(receiver.to('/backlog-ok')).toHaveLength(1);
  });
});
