import { temporal } from '@temporalio/proto';
import request from 'supertest';
import type { ApprovalRequest } from '../../domain/runbook';
import { recordHistory } from '../helpers/histories';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import type { TestEnv } from '../helpers/test-env';
import {
  createIncidentTestEnv,
  openIncident as openIncidentOf,
  rollbackParams,
  timelineOf,
  waitForCompletion,
} from '../helpers/incidents';
import { runbookRunId, runbookWorkflowId } from '../../workflows/runbook/ids';

// Runbooks as child workflows of incidents, through the API, against the real
// servers; webhooks land on a local receiver.
describe('runbooks on incidents', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    ({ env, receiver, teardown } = await createIncidentTestEnv(600));
  });
  afterAll(async () => teardown());

  it('lists runbooks with their parameter schemas', async () => {
    const res = await request(env.app).get('/v1/runbooks').expect(200);
    expect(res.body.runbooks.map((r: { id: string }) => r.id)).toEqual([
      'restart-service',
      'clean-disk',
      'rollback-deploy',
      'scale-out-queue',
    ]);
    const one = await request(env.app).get('/v1/runbooks/rollback-deploy').expect(200);
    expect(one.body).toMatchObject({
      mode: 'approval',
      parameters: { type: 'object', required: expect.arrayContaining(['errorRateCheckUrl']) },
    });
    await request(env.app).get('/v1/runbooks/nope').expect(404);
  });

  it("runs a matching runbook automatically with the rule's parameters and resolves the incident", async () => {
    receiver.failures.set('/web/health', 503);
    receiver.onRequest = (req) => {
      if (req.path === '/restart') receiver.failures.delete('/web/health');
    };
    await request(env.app)
      .post('/v1/alerts')
      .send({
        service: 'web',
        summary: 'web is down',
        severity: 'critical',
        dedupKey: 'web-down',
        labels: { alertname: 'ServiceDown' },
      })
      .expect(202);
    const opened = await openIncidentOf(env, 'web', 'web-down');
    expect(opened.triage.runbooks).toEqual([
      {
        id: 'restart-service',
        params: { healthUrl: receiver.url('/web/health'), restartUrlEnv: 'RESTART_WEBHOOK_URL' },
      },
    ]);
    const resolved = await eventually(async () => {
      const current = await openIncidentOf(env, 'web', 'web-down');
      expect(current.status).toBe('resolved');
      return current;
    });
    expect(resolved).toMatchObject({
      resolvedBy: 'runbook:restart-service',
      runbookRuns: [{ runbookId: 'restart-service', status: 'succeeded' }],
    });
    expect(resolved.mitigatedAt).toEqual(expect.any(String));
    const restarts = receiver.to('/restart');
    expect(restarts).toHaveLength(1);
    expect(restarts[0]!.headers['idempotency-key']).toBe(`${opened.incidentId}.rb1:restart`);

    const entries = await eventually(async () => {
      const list = await timelineOf(env, opened.incidentId);
      expect(list.at(-1)?.type).toBe('postmortem.started');
      return list;
    });
    const runbookEntries = entries.filter(
      (e) => e.type.startsWith('runbook') || e.type === 'mitigated' || e.type === 'resolved',
    );
    expect(runbookEntries.map((e) => e.message)).toEqual([
      `Runbook restart-service started (${opened.incidentId}.rb1)`,
      'restart-service: health check started',
      expect.stringMatching(/^restart-service: health check failed after 2 attempts: GET .* status 503/),
      'restart-service: restart started',
      'restart-service: restart succeeded after 1 attempt: webhook RESTART_WEBHOOK_URL: HTTP 200',
      'restart-service: verify healthy started',
      expect.stringMatching(
        /^restart-service: verify healthy succeeded after 1 attempt: healthy after 1 check/,
      ),
      'Runbook restart-service succeeded and verified the fix',
      'Mitigated by runbook restart-service',
      'Resolved by runbook:restart-service: remediated by runbook restart-service',
    ]);
    const failedStep = entries.find((e) => e.message.startsWith('restart-service: health check failed'));
    expect(failedStep?.data).toMatchObject({ attempts: 2, outcome: 'failed', kind: 'http' });
    // A step reports its start with its end when it ends within half a second: the workflow task
    // that schedules its activity sends no signal, whose answer the step's result would wait behind.
    // The health check, retried after a second, reports its start while it still runs.
    const history = await env.client.workflow
      .getHandle(runbookWorkflowId(runbookRunId(opened.incidentId, 1)))
      .fetchHistory();
    const events = history.events ?? [];
    const { EventType } = temporal.api.enums.v1;
    const scheduled = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    const signals = events.filter(
      (e) => e.eventType === EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
    );
    // The health check's retry is a second attempt of one activity: three steps, three schedulings.
    expect(scheduled).toHaveLength(3);
    const signallingTasks = new Set(
      signals.map((e) =>
        Number(e.signalExternalWorkflowExecutionInitiatedEventAttributes?.workflowTaskCompletedEventId),
      ),
    );
    expect(
      scheduled.filter((e) =>
        signallingTasks.has(Number(e.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId)),
      ),
    ).toEqual([]);
    const healthCheckId = Number(scheduled[0]!.eventId);
    const healthCheckFailed = events.find(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED &&
        Number(e.activityTaskFailedEventAttributes?.scheduledEventId) === healthCheckId,
    );
    expect(
      signals.filter(
        (e) => Number(e.eventId) > healthCheckId && Number(e.eventId) < Number(healthCheckFailed?.eventId),
      ),
    ).toHaveLength(1);

    await waitForCompletion(env, opened.workflowId, opened.runId);
    await recordHistory(env.client, 'incident-with-automatic-runbook', opened.workflowId, opened.runId);
    await recordHistory(
      env.client,
      'runbook-restart-service',
      runbookWorkflowId(runbookRunId(opened.incidentId, 1)),
    );
  });

  it("takes no URL or variable name from an alert: the rule's values hold, and the ignored ones are named", async () => {
    // The alert tries to aim the health check elsewhere and the restart at another channel's URL.
    receiver.failures.set('/web/health', 503);
    receiver.onRequest = (req) => {
      if (req.path === '/restart') receiver.failures.delete('/web/health');
    };
    await request(env.app)
      .post('/v1/alerts')
      .send({
        service: 'web',
        summary: 'web is down again',
        severity: 'critical',
        dedupKey: 'web-steered',
        labels: { alertname: 'ServiceDown', restartUrlEnv: 'TEST_LEVEL2_URL' },
        annotations: { healthUrl: receiver.url('/steered/health') },
      })
      .expect(202);
    const opened = await openIncidentOf(env, 'web', 'web-steered');
    expect(opened.triage.runbooks).toEqual([
      {
        id: 'restart-service',
        params: { healthUrl: receiver.url('/web/health'), restartUrlEnv: 'RESTART_WEBHOOK_URL' },
        ignoredFromAlert: ['healthUrl', 'restartUrlEnv'],
      },
    ]);
    await eventually(async () => {
      const current = await openIncidentOf(env, 'web', 'web-steered');
      expect(current.runbookRuns[0]?.status).toBe('succeeded');
    });
    expect(receiver.to('/steered/health')).toHaveLength(0);
    expect(
      receiver
        .to('/level2')
        .filter((r) => String(r.headers['idempotency-key']).startsWith(opened.incidentId)),
    ).toHaveLength(0);
    expect(receiver.to('/restart').at(-1)!.headers['idempotency-key']).toBe(
      `${opened.incidentId}.rb1:restart`,
    );
    await eventually(async () => {
      const started = (await timelineOf(env, opened.incidentId)).find((e) => e.type === 'runbook.started');
      expect(started).toMatchObject({
        message: `Runbook restart-service started (${opened.incidentId}.rb1); ignored the alert's healthUrl, restartUrlEnv: not accepted from alerts`,
        data: { ignoredFromAlert: ['healthUrl', 'restartUrlEnv'] },
      });
    });
  });

  it('does not start a runbook whose URL only the alert gives, and says so', async () => {
    // No rule pins healthUrl for this service: the runbook matches by its alertname, and the alert's URL is not used.
    await request(env.app)
      .post('/v1/alerts')
      .send({
        service: 'search',
        summary: 'search is down',
        severity: 'error',
        dedupKey: 'search-down',
        labels: { alertname: 'ServiceDown' },
        annotations: { healthUrl: receiver.url('/steered/search') },
      })
      .expect(202);
    const opened = await openIncidentOf(env, 'search', 'search-down');
    expect(opened.triage.runbooks).toEqual([]);
    await eventually(async () =>
      expect((await timelineOf(env, opened.incidentId)).map((e) => e.message)).toContain(
        "Triage problem: runbook restart-service not started: params.healthUrl is required (ignored the alert's healthUrl: not accepted from alerts)",
      ),
    );
    // Level 1 is paged after the incident's runbooks are started: once it is on the timeline, none was.
    const entries = await eventually(async () => {
      const list = await timelineOf(env, opened.incidentId);
      expect(list.some((e) => e.type === 'escalation.level')).toBe(true);
      return list;
    });
    expect(entries.filter((e) => e.type.startsWith('runbook.'))).toEqual([]);
    const live = await request(env.app).get(`/v1/incidents/${opened.incidentId}`).expect(200);
    expect(live.body.runbookRuns).toEqual([]);
    expect(receiver.to('/steered/search')).toHaveLength(0);
    await request(env.app).post(`/v1/incidents/${opened.incidentId}/resolve`).send({}).expect(200);
  });

  it('pauses for approval, announces it, rolls back, and escalates when verification fails', async () => {
    receiver.failures.set('/api/errors', 500);
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'api', summary: 'error rate after deploy', severity: 'error', dedupKey: 'deploy-42' })
      .expect(202);
    const incident = await openIncidentOf(env, 'api', 'deploy-42');
    const bad = await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({ runbookId: 'rollback-deploy', params: { deployUrlEnv: 'lowercase', badRelease: 'v42' } })
      .expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'body.params.deployUrlEnv',
      'body.params.errorRateCheckUrl',
      'body.params.goodRelease',
    ]);

    const started = await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({
        actor: 'alice',
        runbookId: 'rollback-deploy',
        params: rollbackParams(receiver),
      })
      .expect(202);
    expect(started.body).toEqual({ runId: `${incident.incidentId}.rb1` });

    const approval = await eventually(async () => {
      const res = await request(env.app).get(`/v1/incidents/${incident.incidentId}/approvals`).expect(200);
      const [pending] = res.body.approvals as ApprovalRequest[];
      expect(pending?.status).toBe('pending');
      return pending!;
    });
    expect(approval.prompt).toBe('Roll api back from v42 to v41?');
    // The request is announced through the incident's channels (level 1 here).
    await eventually(() =>
      expect(
        receiver.to('/level1').some((r) => JSON.stringify(r.body).includes('approval needed: Roll api back')),
      ).toBe(true),
    );
    expect(receiver.to('/deploy')).toHaveLength(0);

    const approved = await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/approvals/${approval.approvalId}/approve`)
      .send({ actor: 'dave', comment: 'go' })
      .expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'user:dave' });
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/approvals/${approval.approvalId}/reject`)
      .send({})
      .expect(409);

    const after = await eventually(async () => {
      const current = await openIncidentOf(env, 'api', 'deploy-42');
      expect(current.runbookRuns[0]?.status).toBe('failed');
      return current;
    });
    // Rolled back, then re-deployed by the compensation; the incident escalated to level 2.
    expect(receiver.to('/deploy').map((r) => (r.body as { release: string }).release)).toEqual([
      'v41',
      'v42',
    ]);
    expect(after.escalation.level).toBe(1);
    const entries = await eventually(async () => {
      const list = await timelineOf(env, incident.incidentId);
      expect(list.some((e) => e.type === 'escalated')).toBe(true);
      return list;
    });
    expect(entries.find((e) => e.type === 'runbook.failed')?.message).toMatch(
      /^Runbook rollback-deploy failed: step "verify error rate" failed/,
    );
    expect(entries.find((e) => e.type === 'approval.decided')).toMatchObject({
      actor: 'user:dave',
      message: `Approval ${approval.approvalId} approved: go`,
    });
    expect(
      entries.some(
        (e) =>
          e.message ===
          'rollback-deploy: undo roll back succeeded after 1 attempt: webhook DEPLOY_WEBHOOK_URL: HTTP 200',
      ),
    ).toBe(true);
    await recordHistory(
      env.client,
      'runbook-rollback-compensated',
      runbookWorkflowId(runbookRunId(incident.incidentId, 1)),
    );
  });

  it('lets only the people the escalation policy reaches decide when the step names none, and escalates when the approval expires', async () => {
    // The oncall-first policy reaches the schedule always-dave (level 1) and a channel (level 2).
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'oncall-api', summary: 'error rate again', severity: 'error', dedupKey: 'deploy-43' })
      .expect(202);
    const incident = await openIncidentOf(env, 'oncall-api', 'deploy-43');
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({
        runbookId: 'rollback-deploy',
        params: {
          deployUrlEnv: 'DEPLOY_WEBHOOK_URL',
          badRelease: 'v43',
          goodRelease: 'v42',
          errorRateCheckUrl: receiver.url('/api/errors'),
          approvalTimeoutSeconds: 2,
        },
      })
      .expect(202);
    const approval = await eventually(async () => {
      const res = await request(env.app).get(`/v1/incidents/${incident.incidentId}/approvals`).expect(200);
      expect(res.body.approvals[0]?.status).toBe('pending');
      return res.body.approvals[0] as ApprovalRequest;
    });
    expect(approval.approvers).toEqual(['user:dave']);
    const forbidden = await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/approvals/${approval.approvalId}/approve`)
      .send({ actor: 'bob' })
      .expect(403);
    expect(forbidden.body.error.message).toMatch(/user:bob may not decide .*approvers: user:dave$/);

    const after = await eventually(async () => {
      const current = await openIncidentOf(env, 'oncall-api', 'deploy-43');
      expect(current.runbookRuns[0]?.status).toBe('timed_out');
      return current;
    });
    expect(after.approvals[0]?.status).toBe('expired');
    expect(after.escalation.level).toBe(1);
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/approvals/${approval.approvalId}/approve`)
      .send({ actor: 'dave' })
      .expect(409);
    // Nothing was deployed for this incident.
    expect(
      receiver
        .to('/deploy')
        .filter((r) => String(r.headers['idempotency-key']).startsWith(incident.incidentId)),
    ).toHaveLength(0);
  });

  it('cancels a running runbook, running its compensation, without escalating', async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'queue', summary: 'orders backlog', severity: 'warning', dedupKey: 'orders' })
      .expect(202);
    const incident = await openIncidentOf(env, 'queue', 'orders');
    const { body } = await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({
        runbookId: 'scale-out-queue',
        params: {
          scaleUrlEnv: 'SCALE_WEBHOOK_URL',
          queue: 'orders',
          settleSeconds: 600,
          backlogCheckUrl: receiver.url('/backlog'),
        },
      })
      .expect(202);
    await eventually(() => expect(receiver.to('/scale')).toHaveLength(1));
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks/${body.runId}/cancel`)
      .send({ actor: 'carol' })
      .expect(202);
    const after = await eventually(async () => {
      const current = await openIncidentOf(env, 'queue', 'orders');
      expect(current.runbookRuns[0]?.status).toBe('cancelled');
      return current;
    });
    expect(receiver.to('/scale').map((r) => (r.body as { delta: number }).delta)).toEqual([2, -2]);
    expect(after.escalation.level).toBe(0);
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks/${body.runId}/cancel`)
      .send({})
      .expect(409);
  });

  it('drills a runbook: same steps, no side effects, report stored', async () => {
    const res = await request(env.app)
      .post('/v1/runbooks/scale-out-queue/dry-run')
      .send({
        params: {
          scaleUrlEnv: 'SCALE_WEBHOOK_URL',
          queue: 'drill',
          settleSeconds: 1,
          backlogCheckUrl: receiver.url('/backlog'),
        },
        incident: { service: 'queue', severity: 'SEV2' },
      })
      .expect(201);
    expect(res.body).toMatchObject({
      status: 'succeeded',
      dryRun: true,
      drillId: expect.stringMatching(/^DRILL-/),
    });
    expect(res.body.steps.map((s: { name: string; outcome: string }) => [s.name, s.outcome])).toEqual([
      ['scale out', 'simulated'],
      ['let consumers settle', 'succeeded'],
      ['verify backlog draining', 'simulated'],
      ['tell the team', 'simulated'],
    ]);
    expect(receiver.to('/scale').some((r) => JSON.stringify(r.body).includes('drill'))).toBe(false);
    const stored = await request(env.app).get(`/v1/drills/${res.body.drillId}`).expect(200);
    expect(stored.body).toMatchObject({
      runbookId: 'scale-out-queue',
      status: 'succeeded',
      durationMs: expect.any(Number),
    });
    const bad = await request(env.app)
      .post('/v1/runbooks/scale-out-queue/dry-run')
      .send({ params: {} })
      .expect(400);
    expect(bad.body.error.details[0].field).toMatch(/^body\.params\./);
  });
});
