import request from 'supertest';
import {
  type ActivityExecuteInput,
  type ActivityInboundCallsInterceptor,
  type Next,
} from '@temporalio/worker';
import type { Context } from '@temporalio/activity';
import type { AlertEvent } from '../../domain/incident';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { incidentQuery } from '../../workflows/incident/messages';
import { eventually } from '../helpers/http-receiver';
import { triggersPerRun } from '../helpers/histories';
import { createIncidentTestEnv } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';

const service = 'slow-triage';
/** Long enough for more alert signals to arrive than the server buffers beside an open workflow task (100). */
const triageTakesMs = 8000;

/** Holds the triage of this test's service, as a worker starved of CPU or waiting on a lookup would. */
class SlowTriage implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
    const [event] = input.args as [AlertEvent];
    if (this.ctx.info.activityType === 'triageAlert' && event.service === service)
      await new Promise((resolve) => setTimeout(resolve, triageTakesMs));
    return next(input);
  }
}

// Alerts keep coming while an incident opens slowly: every one that Temporal recorded is counted.
// While a workflow task waited on a local activity, the server failed it for the signals it
// buffered meanwhile (FORCE_CLOSE_COMMAND), and the SDK then skipped two of those signals.
describe('a slow worker', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    ({ env, teardown } = await createIncidentTestEnv(
      600,
      {},
      { interceptors: { activity: [(ctx) => ({ inbound: new SlowTriage(ctx) })] } },
    ));
  });
  afterAll(async () => teardown());

  it('counts every alert that arrives while the incident is still being triaged', async () => {
    const alerts = 301;
    for (let i = 0; i < alerts; i++)
      await request(env.app)
        .post('/v1/alerts')
        .send({ service, summary: 'Opening slowly', severity: 'warning', dedupKey: 'busy' })
        .expect(202);
    const workflowId = incidentWorkflowId(service, 'busy');
    await eventually(
      async () => {
        const incident = await env.client.workflow.getHandle(workflowId).query(incidentQuery);
        expect(incident?.alertCount).toBe(alerts);
      },
      triageTakesMs + 30_000,
      500,
    ).catch(async (err: unknown) => {
      // Which run was signalled how many triggers, what each carried, and how it began.
      const runs = await triggersPerRun(env.client, workflowId);
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nruns: ${JSON.stringify(runs)}`);
    });
  }, 90_000);
});
