import request from 'supertest';
import type { Incident } from '../../domain/incident';
import type { ApprovalRequest } from '../../domain/runbook';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import type { TestEnv } from '../helpers/test-env';
import { signInToWebUi } from '../helpers/web-ui-session';
import {
  createIncidentTestEnv,
  openIncident,
  rollbackParams,
  timelineOf,
  waitForFirstRunbookRun,
} from '../helpers/incidents';
import { runbookRunId } from '../../workflows/runbook/ids';

// Who may approve a runbook run, what they see, and an action whose outcome is
// unknown, through the API against the real servers.
describe('runbook approvals and unknown outcomes', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    ({ env, receiver, teardown } = await createIncidentTestEnv(600));
  });
  afterAll(async () => teardown());

  async function incidentFor(service: string, dedupKey: string): Promise<Incident> {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service, summary: `${service} trouble`, severity: 'error', dedupKey })
      .expect(202);
    return openIncident(env, service, dedupKey);
  }

  async function pendingApproval(incidentId: string): Promise<ApprovalRequest> {
    return eventually(async () => {
      const res = await request(env.app).get(`/v1/incidents/${incidentId}/approvals`).expect(200);
      const [pending] = res.body.approvals as ApprovalRequest[];
      expect(pending?.status).toBe('pending');
      return pending!;
    });
  }

  const rollback = (badRelease: string) => rollbackParams(receiver, { badRelease });

  it('refuses the requester approving their own run with a 403, and lets someone else approve', async () => {
    const incident = await incidentFor('api', 'self-approval');
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({ actor: 'alice', runbookId: 'rollback-deploy', params: rollback('v42') })
      .expect(202);
    const approval = await pendingApproval(incident.incidentId);
    expect(approval).toMatchObject({ requestedBy: 'user:alice', allowSelfApproval: false });

    const own = await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/approvals/${approval.approvalId}/approve`)
      .send({ actor: 'alice' })
      .expect(403);
    expect(own.body.error).toMatchObject({
      code: 'forbidden',
      message: `user:alice started this run and may not approve it too (approval ${approval.approvalId}); ask someone else`,
    });
    expect(
      receiver
        .to('/deploy')
        .filter((r) => String(r.headers['idempotency-key']).startsWith(incident.incidentId)),
    ).toHaveLength(0);

    // bob may approve nothing here: the escalation policy does not reach him.
    const bob = await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/approvals/${approval.approvalId}/approve`)
      .send({ actor: 'bob' })
      .expect(403);
    expect(bob.body.error.message).toMatch(/^user:bob may not decide .*; approvers: user:dave$/);
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/approvals/${approval.approvalId}/approve`)
      .send({ actor: 'dave' })
      .expect(200);
    await waitForFirstRunbookRun(env, incident.incidentId, 'succeeded');
  });

  it('refuses self-approval through a second identity of the same person: approvals compare persons', async () => {
    const incident = await incidentFor('api', 'second-identity');
    const laptop = await env.createKey('alice-laptop', ['incidents:read', 'runbooks:run'], {
      person: 'alice',
    });
    const phone = await env.createKey('alice-phone', ['incidents:read', 'approvals:decide'], {
      person: 'alice',
    });
    await request(env.rawApp)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .set('Authorization', `Bearer ${laptop}`)
      .send({ runbookId: 'rollback-deploy', params: rollback('v42') })
      .expect(202);
    const approval = await pendingApproval(incident.incidentId);
    expect(approval).toMatchObject({ requestedBy: 'user:alice', approvers: ['user:dave'] });
    const refused = await request(env.rawApp)
      .post(`/v1/incidents/${incident.incidentId}/approvals/${approval.approvalId}/approve`)
      .set('Authorization', `Bearer ${phone}`)
      .send({})
      .expect(403);
    expect(refused.body.error.message).toBe(
      `user:alice started this run and may not approve it too (approval ${approval.approvalId}); ask someone else`,
    );
    // The same person through the web UI, signed in with the second key.
    const browser = await signInToWebUi(env.rawApp, phone);
    const fromUi = await request(env.rawApp)
      .post(`/ui/incidents/${incident.incidentId}/approvals/${approval.approvalId}/approve`)
      .set('Cookie', browser.cookie)
      .type('form')
      .send({ _csrf: browser.csrf })
      .expect(403);
    expect(fromUi.text).toContain('user:alice started this run and may not approve it too');
    const pending = await request(env.app).get(`/v1/incidents/${incident.incidentId}/approvals`).expect(200);
    expect(pending.body.approvals[0]).toMatchObject({ status: 'pending' });
  });

  it('fails an approval nobody may decide at once, saying why, instead of opening it to anyone', async () => {
    const incident = await incidentFor('api', 'nobody-eligible');
    // dave is the only person the policy reaches, and may not approve his own run.
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({ actor: 'dave', runbookId: 'rollback-deploy', params: rollback('v42') })
      .expect(202);
    const started = Date.now();
    const done = await waitForFirstRunbookRun(env, incident.incidentId, 'rejected');
    expect(done.runbookRuns[0]!.reason).toBe(
      'approval "approve rollback": nobody may approve it: its only approver, user:dave, started the run and may not approve it too',
    );
    // Well before the approval's 30-minute timeout, and no request was left pending.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(done.approvals ?? []).toEqual([]);
    expect(
      receiver
        .to('/deploy')
        .filter((r) => String(r.headers['idempotency-key']).startsWith(incident.incidentId)),
    ).toHaveLength(0);
  });

  it('lets the requester approve when the runbook allows self-approval', async () => {
    const incident = await incidentFor('db', 'self-approval-allowed');
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({ actor: 'dave', runbookId: 'clean-disk', params: { freeSpaceCheckUrl: receiver.url('/disk') } })
      .expect(202);
    const approval = await pendingApproval(incident.incidentId);
    expect(approval).toMatchObject({ requestedBy: 'user:dave', allowSelfApproval: true });
    const approved = await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/approvals/${approval.approvalId}/approve`)
      .send({ actor: 'dave' })
      .expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'user:dave' });
  });

  it('shows the parameters being approved in the API, the web UI (escaped) and the notification', async () => {
    const incident = await incidentFor('api', 'params-visible');
    // Release names are pattern-limited now; the check URL still carries HTML's own `&`.
    const params = {
      ...rollback('v42'),
      errorRateCheckUrl: `${receiver.url('/api/errors')}?window=5m&svc=api`,
    };
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({ actor: 'alice', runbookId: 'rollback-deploy', params })
      .expect(202);
    const approval = await pendingApproval(incident.incidentId);
    // The run's parameters, with the schema's defaults filled in.
    expect(approval.params).toEqual({ ...params, approvalTimeoutSeconds: 1800 });

    const token = await env.createKey('params-viewer', ['incidents:read', 'approvals:decide'], {
      person: 'dave',
    });
    const page = await request(env.rawApp)
      .get(`/ui/incidents/${incident.incidentId}`)
      .set('Cookie', (await signInToWebUi(env.rawApp, token)).cookie)
      .expect(200);
    expect(page.text).toContain('<code>badRelease</code> = <code>&quot;v42&quot;</code>');
    expect(page.text).toContain('<code>goodRelease</code> = <code>&quot;v41&quot;</code>');
    expect(page.text).toContain(
      `<code>errorRateCheckUrl</code> = <code>&quot;${receiver.url('/api/errors')}?window=5m&amp;svc=api&quot;</code>`,
    );
    expect(page.text).toContain('by user:alice');

    // The request reaches level 1 with the parameters in it.
    const notice = await eventually(() => {
      const found = receiver
        .to('/level1')
        .map((r) => r.body as { incident: { reason: string; incidentId: string } })
        .find(
          (b) =>
            b.incident.incidentId === incident.incidentId && b.incident.reason.startsWith('approval needed'),
        );
      expect(found).toBeDefined();
      return found!;
    });
    expect(notice.incident.reason).toContain(
      `requested by user:alice, parameters ${JSON.stringify(approval.params)}`,
    );
  });

  it('does not re-send an action whose earlier attempt never reported back: outcome unknown, timeline, escalation', async () => {
    const incident = await incidentFor('queue', 'outcome-unknown');
    const runId = runbookRunId(incident.incidentId, 1);
    const key = `${runId}:scale out`;
    // What a worker killed mid-call a minute ago leaves behind: started, never completed.
    await env.models.ActionLedger.create({
      _id: key,
      action: 'webhook',
      state: 'started',
      startedAt: new Date(Date.now() - 60_000),
    });
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({
        runbookId: 'scale-out-queue',
        params: {
          scaleUrlEnv: 'SCALE_WEBHOOK_URL',
          queue: 'q1',
          settleSeconds: 0,
          backlogCheckUrl: receiver.url('/backlog'),
        },
      })
      .expect(202);
    const after = await waitForFirstRunbookRun(env, incident.incidentId, 'outcome_unknown');
    expect(receiver.to('/scale').filter((r) => r.headers['idempotency-key'] === key)).toHaveLength(0);
    expect(after.escalation.level).toBe(1);
    expect(after.status).toBe('triggered');

    const entries = await eventually(async () => {
      const list = await timelineOf(env, incident.incidentId);
      expect(list.some((e) => e.type === 'escalated')).toBe(true);
      return list;
    });
    const unknown = entries.find((e) => e.type === 'runbook.outcome_unknown');
    expect(unknown?.message).toBe(
      `Outcome unknown: action "scale out" (webhook) of runbook scale-out-queue may or may not have run: ` +
        `check the receiver of SCALE_WEBHOOK_URL before retrying; idempotency key ${key}`,
    );
    expect(
      entries.find(
        (e) =>
          e.type === 'runbook.step' && e.message.startsWith('scale-out-queue: scale out outcome_unknown'),
      ),
    ).toBeDefined();
    // No compensation ran, no later step ran, and level 2 (dave's pager) was paged.
    expect(entries.some((e) => e.message.includes('undo scale out'))).toBe(false);
    expect(receiver.to('/backlog')).toHaveLength(0);
    await eventually(() =>
      expect(
        receiver
          .to('/level2')
          .some(
            (r) =>
              (r.body as { incident: { incidentId: string } }).incident.incidentId === incident.incidentId,
          ),
      ).toBe(true),
    );
  });

  it('re-sends an idempotent action with the same key after an attempt that never reported back', async () => {
    const incident = await incidentFor('api', 'idempotent-resend');
    const key = `${runbookRunId(incident.incidentId, 1)}:roll back`;
    await env.models.ActionLedger.create({
      _id: key,
      action: 'webhook',
      state: 'started',
      startedAt: new Date(Date.now() - 60_000),
    });
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/runbooks`)
      .send({ actor: 'alice', runbookId: 'rollback-deploy', params: rollback('v44') })
      .expect(202);
    const approval = await pendingApproval(incident.incidentId);
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/approvals/${approval.approvalId}/approve`)
      .send({ actor: 'dave' })
      .expect(200);
    await waitForFirstRunbookRun(env, incident.incidentId, 'succeeded');
    expect(receiver.to('/deploy').filter((r) => r.headers['idempotency-key'] === key)).toHaveLength(1);
  });
});
