import { temporal } from '@temporalio/proto';
import request from 'supertest';
import { actionsTaskQueue } from '../../config';
import { eventually, HttpReceiver } from '../helpers/http-receiver';
import { openIncident, waitForFirstRunbookRun } from '../helpers/incidents';
import { testCatalog, testRules, testSecrets } from '../helpers/test-catalog';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { runbookWorkflowId } from '../../workflows/runbook/ids';

// An incident's runbook runs, and their actions and HTTP checks, go to their own task queue, so
// action workers can run next to the systems they touch while orchestration runs elsewhere; a run
// on the queue of its steps gets each step's activity dispatched eagerly.
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

    // An incident's run goes to the actions queue, workflow and steps alike: with no action
    // worker it waits there, its first workflow task not yet taken.
    const firstEvents = async () => (await runbook.fetchHistory()).events ?? [];
    await eventually(async () => {
      const started = (await firstEvents())[0]?.workflowExecutionStartedEventAttributes;
      expect(started?.taskQueue?.name).toBe(actionsTaskQueue(env.config));
    }, 20_000);
    // The orchestration worker polls its own queues (it is seen there), and nothing polls the actions queue.
    const pollers = async (taskQueue: string, type: temporal.api.enums.v1.TaskQueueType) =>
      (
        await env.client.workflowService.describeTaskQueue({
          namespace: env.config.TEMPORAL_NAMESPACE,
          taskQueue: { name: taskQueue },
          taskQueueType: type,
        })
      ).pollers ?? [];
    const { TASK_QUEUE_TYPE_ACTIVITY: activity, TASK_QUEUE_TYPE_WORKFLOW: workflow } =
      temporal.api.enums.v1.TaskQueueType;
    await eventually(async () => expect(await pollers(env.taskQueue, activity)).not.toHaveLength(0), 20_000);
    for (const type of [activity, workflow])
      expect(await pollers(actionsTaskQueue(env.config), type)).toEqual([]);
    expect((await firstEvents()).some((e) => e.workflowTaskStartedEventAttributes)).toBe(false);
    expect(receiver.to('/scale')).toHaveLength(0);

    await env.startWorker({ secrets }, 'actions');
    await waitForFirstRunbookRun(env, incident.incidentId, 'succeeded');
    expect(receiver.to('/scale')).toHaveLength(1);
    expect(receiver.to('/backlog-ok')).toHaveLength(1);
    const scheduled = (await firstEvents())
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a !== null && a !== undefined);
    expect(scheduled.map((a) => a.activityType?.name)).toEqual(['runAction', 'runbookHttp']);
    for (const a of scheduled) expect(a.taskQueue?.name).toBe(actionsTaskQueue(env.config));
  });
});
