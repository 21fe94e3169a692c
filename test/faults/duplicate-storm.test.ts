import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { ApprovalRequest } from '../../domain/runbook';
import { EPHEMERAL_MAX_SIGNALS_PER_RUN } from '../../stack';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { incidentQuery } from '../../workflows/incident/messages';
import { postmortemIdOf } from '../../workflows/postmortem/ids';
import { continueAsNewTemporal } from '../helpers/continue-as-new-temporal';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { createIncidentTestEnv, rollbackParams } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';

// Temporal takes a limited number of signals in one run (10,000 by default;
// the test server takes fewer, so passing it is quick). One and a half times
// that many duplicates of one alert, while a runbook of the incident waits for
// approval, must all be accepted and counted: the incident continues as new as
// often as it needs, with the runbook still running, and nothing is refused or lost.
describe('a duplicate storm past Temporal’s per-run limits', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;
  let temporal: Awaited<ReturnType<typeof continueAsNewTemporal>>;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    temporal = await continueAsNewTemporal();
    ({ env, receiver, teardown } = await createIncidentTestEnv(
      600,
      {},
      { temporalAddress: temporal.address },
    ));
    server = env.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await teardown();
    await temporal?.stop();
  });

  const alert = JSON.stringify({
    service: 'storm',
    summary: 'Queue depth above 10k',
    severity: 'error',
    dedupKey: 'queue-depth',
  });

  /** Posts `count` duplicates, `concurrency` at a time, over kept-alive connections; answers the statuses seen. */
  async function postDuplicates(count: number, concurrency: number): Promise<Map<number, number>> {
    const statuses = new Map<number, number>();
    let sent = 0;
    let lastReport = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (sent < count) {
          sent += 1;
          const res = await fetch(`${baseUrl}/v1/alerts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${env.adminToken}` },
            body: alert,
          });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (Date.now() - lastReport > 10_000) {
            lastReport = Date.now();
            process.stderr.write(`duplicate storm: ${sent} of ${count} sent\n`);
          }
        }
      }),
    );
    return statuses;
  }

  it('accepts and counts one and a half times the per-run signal limit of duplicates while a runbook waits for approval', async () => {
    const total = (EPHEMERAL_MAX_SIGNALS_PER_RUN * 3) / 2;
    const first = await fetch(`${baseUrl}/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.adminToken}` },
      body: alert,
    });
    expect(first.status).toBe(202);
    const workflowId = incidentWorkflowId('storm', 'queue-depth');
    // Read from the workflow: on a loaded machine MongoDB's copy may lag behind.
    const incident = await eventually(
      async () => {
        const opened = await env.client.workflow.getHandle(workflowId).query(incidentQuery);
        if (!opened) throw new Error('the incident is not opened yet');
        return opened;
      },
      60_000,
      500,
    );
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({
        actor: 'alice',
        runbookId: 'rollback-deploy',
        params: rollbackParams(receiver),
      })
      .expect(202);
    const pending = await eventually(async () => {
      const res = await request(env.app).get(`/v1/incidents/${incident.incidentId}/approvals`).expect(200);
      const [approval] = res.body.approvals as ApprovalRequest[];
      expect(approval?.status).toBe('pending');
      return approval!;
    });

    const statuses = await postDuplicates(total - 1, 64);
    expect([...statuses]).toEqual([[202, total - 1]]);

    const live = await eventually(
      async () => {
        const current = await env.client.workflow.getHandle(workflowId).query(incidentQuery);
        expect(current?.alertCount).toBe(total);
        return current!;
      },
      60_000,
      500,
    );
    expect(live).toMatchObject({ incidentId: incident.incidentId, status: 'triggered' });
    expect(live.runbookRuns).toEqual([expect.objectContaining({ status: 'running' })]);
    const description = await env.client.workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.runId).not.toBe(incident.runId);

    // The approval outlived every continue-as-new and can still be decided (by dave, whom the
    // escalation policy reaches); the run's outcome reaches the incident.
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/approvals/${pending.approvalId}/approve`)
      .send({ actor: 'dave' })
      .expect(200);
    await eventually(
      async () => {
        const current = await env.client.workflow.getHandle(workflowId).query(incidentQuery);
        expect(current?.runbookRuns[0]?.status).toBe('succeeded');
      },
      60_000,
      500,
    );

    await request(env.app).post(`/v1/incidents/${incident.incidentId}/resolve`).send({}).expect(200);
    const postmortem = await eventually(
      async () =>
        (
          await request(env.app)
            .get(`/v1/postmortems/${postmortemIdOf(incident.incidentId)}`)
            .expect(200)
        ).body as { incidentId: string; alerts: Array<{ count: number }>; timelineLength: number },
      120_000,
      1_000,
    );
    expect(postmortem.alerts.reduce((sum, alert) => sum + alert.count, 0)).toBe(total);
    // The storm is folded on the timeline: a few entries per run, not one per alert.
    const stored = await env.models.Incident.findById(incident.incidentId).lean();
    expect(stored?.timelineLength).toBeLessThan(total / 20);
  }, 420_000);
});
