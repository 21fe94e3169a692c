import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { actionsTaskQueue } from '../../config';
import type { AlertEvent, AlertGrouping } from '../../domain/incident';
import { alertGroupWorkflowId, windowIncidentWorkflowId } from '../../workflows/alert-group/ids';
import { incidentWorkflow } from '../../workflows/incident';
import { alertsSignal } from '../../workflows/incident/messages';
import { eventually } from '../helpers/http-receiver';
import { createIncidentTestEnv } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';
import { echoOutcomesQuery, type echoingAlertGroup } from '../helpers/workflows/echoing-alert-group';

// An incident of a time-based group tells the group's router it is leaving; a trigger the router
// sent meanwhile must reach an incident, not vanish with the run that is ending. The router here
// sends one back the moment it hears, so the trigger arrives while the incident leaves.
describe('an incident leaving its time-based group', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;
  let routerWorker: Worker;
  let routerRun: Promise<void>;
  let routerConnection: NativeConnection;
  const routerQueue = `echoing-router-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ({ env, teardown } = await createIncidentTestEnv(600));
    routerConnection = await NativeConnection.connect({ address: env.config.TEMPORAL_ADDRESS! });
    routerWorker = await Worker.create({
      connection: routerConnection,
      namespace: env.config.TEMPORAL_NAMESPACE,
      taskQueue: routerQueue,
      workflowsPath: require.resolve('../helpers/workflows/echoing-alert-group'),
    });
    routerRun = routerWorker.run();
  }, 120_000);
  afterAll(async () => {
    routerWorker.shutdown();
    await routerRun;
    await routerConnection.close();
    await teardown();
  });

  const event = (
    service: string,
    dedupKey: string,
    action: AlertEvent['action'],
    grouping: AlertGrouping,
  ) => ({
    eventId: randomUUID(),
    integration: 'native' as const,
    service,
    dedupKey,
    action,
    summary: `alert ${dedupKey}`,
    severity: 'error' as const,
    labels: {},
    annotations: {},
    links: [],
    occurredAt: new Date().toISOString(),
    receivedAt: new Date().toISOString(),
    grouping,
  });

  it('opens the next incident with a trigger that came while it left, never drops it', async () => {
    const rounds = 6;
    const outcomes = await Promise.all(
      Array.from({ length: rounds }, async (_, round) => {
        const service = `leaving-${round}`;
        const grouping: AlertGrouping = {
          ruleId: 'leaving',
          values: [service],
          resolve: 'all-resolved',
          windowSeconds: 600,
        };
        const router = await env.client.workflow.start<typeof echoingAlertGroup>('echoingAlertGroup', {
          workflowId: alertGroupWorkflowId('leaving', [service]),
          taskQueue: routerQueue,
          args: [event(service, 'late', 'trigger', grouping)],
        });
        const workflowId = windowIncidentWorkflowId('leaving', [service], randomUUID());
        const incident = await env.client.workflow.start(incidentWorkflow, {
          workflowId,
          taskQueue: env.taskQueue,
          args: [
            {
              service,
              dedupKey: 'first',
              integration: 'native',
              actionsTaskQueue: actionsTaskQueue(env.config),
              waitingEvents: [event(service, 'first', 'trigger', grouping)],
            },
          ],
        });
        await eventually(async () =>
          expect(await env.models.Incident.countDocuments({ workflowId })).toBe(1),
        );
        await incident.signal(alertsSignal, { events: [event(service, 'first', 'resolve', grouping)] });
        const [outcome] = await eventually(async () => {
          const answered = await router.query(echoOutcomesQuery);
          expect(answered).toHaveLength(1);
          return answered;
        });
        await router.terminate();
        return { workflowId, outcome: outcome! };
      }),
    );
    for (const { workflowId, outcome } of outcomes) {
      // A trigger the incident took is in the next incident of its workflow; one it could not is the router's to route.
      const expected = outcome === 'delivered' ? [1, 1] : [1];
      await eventually(
        async () => {
          const docs = await env.models.Incident.find({ workflowId }).sort({ openedAt: 1 }).lean();
          expect(docs.map((doc) => doc.alertCount)).toEqual(expected);
        },
        60_000,
        500,
      );
    }
    // The race has to happen for the test to mean anything.
    expect(outcomes.map((o) => o.outcome)).toContain('delivered');
  }, 240_000);
});
