import request from 'supertest';
import type { Incident } from '../../domain/incident';
import { RUNBOOK_RUNS_LISTED, SETTLED_APPROVALS_LISTED } from '../../domain/runbook-lists';
import { runbookRunId } from '../../workflows/runbook/ids';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { createIncidentTestEnv, openIncident } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';

const RUNS = Math.max(RUNBOOK_RUNS_LISTED, SETTLED_APPROVALS_LISTED) + 2;

// An incident that runs runbook after runbook lists the latest runs and
// approvals and counts the older ones, so its workflow state (and its saved
// document) stays bounded; run ids keep counting.
describe('an incident with many runbook runs', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    ({ env, receiver, teardown } = await createIncidentTestEnv(600));
  });
  afterAll(async () => teardown());

  const incidentNow = async (incidentId: string) =>
    (await request(env.app).get(`/v1/incidents/${incidentId}`).expect(200)).body as Incident;

  it(`lists the latest ${RUNBOOK_RUNS_LISTED} runs and ${SETTLED_APPROVALS_LISTED} approvals, and counts the rest`, async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'disk', summary: 'Disk almost full', severity: 'warning', dedupKey: 'many-runs' })
      .expect(202);
    const { incidentId } = await openIncident(env, 'disk', 'many-runs');
    for (let n = 1; n <= RUNS; n++) {
      const started = await request(env.app)
        .post(`/v1/incidents/${incidentId}/runbooks`)
        .send({ runbookId: 'clean-disk', params: { freeSpaceCheckUrl: receiver.url('/disk') } })
        .expect(202);
      const runId = started.body.runId as string;
      expect(runId).toBe(runbookRunId(incidentId, n));
      // Each run asks for an approval and is cancelled while it waits.
      await eventually(async () => {
        const incident = await incidentNow(incidentId);
        expect(incident.approvals.some((a) => a.runId === runId)).toBe(true);
      });
      await request(env.app)
        .post(`/v1/incidents/${incidentId}/runbooks/${runId}/cancel`)
        .send({})
        .expect(202);
      await eventually(async () => {
        const incident = await incidentNow(incidentId);
        expect(incident.runbookRuns.find((r) => r.runId === runId)?.status).toBe('cancelled');
      });
    }
    const incident = await incidentNow(incidentId);
    expect(incident.runbookRuns).toHaveLength(RUNBOOK_RUNS_LISTED);
    expect(incident.unlistedRunbookRuns).toBe(RUNS - RUNBOOK_RUNS_LISTED);
    expect(incident.runbookRuns.at(-1)?.runId).toBe(runbookRunId(incidentId, RUNS));
    expect(incident.runbookRuns[0]?.runId).toBe(runbookRunId(incidentId, RUNS - RUNBOOK_RUNS_LISTED + 1));
    expect(incident.approvals).toHaveLength(SETTLED_APPROVALS_LISTED);
    expect(incident.unlistedApprovals).toBe(RUNS - SETTLED_APPROVALS_LISTED);
  }, 240_000);
});
