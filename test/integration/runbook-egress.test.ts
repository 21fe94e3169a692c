import request from 'supertest';
import { loadConfig } from '../../config';
import type { TimelineEntry } from '../../domain/incident';
import { EgressPolicy } from '../../infra/egress';
import type { HttpReceiver } from '../helpers/http-receiver';
import {
  createIncidentTestEnv,
  openIncident,
  timelineOf,
  waitForFirstRunbookRun,
} from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';
import { eventually } from '../helpers/http-receiver';

// Runbook HTTP checks and webhook actions go through the worker's egress policy:
// the receiver here listens on 127.0.0.1, which only an allowlist opens.
async function runRestart(env: TestEnv, receiver: HttpReceiver, dedupKey: string, healthPath: string) {
  await request(env.app)
    .post('/v1/alerts')
    .send({ service: 'egress', summary: 'egress test', severity: 'warning', dedupKey })
    .expect(202);
  const incident = await openIncident(env, 'egress', dedupKey);
  await request(env.app)
    .post(`/v1/incidents/${incident.incidentId}/runbooks`)
    .send({ runbookId: 'restart-service', params: { healthUrl: receiver.url(healthPath) } })
    .expect(202);
  return incident.incidentId;
}

async function stepMessages(env: TestEnv, incidentId: string, last: RegExp): Promise<string[]> {
  return eventually(async () => {
    const entries: TimelineEntry[] = await timelineOf(env, incidentId);
    const messages = entries.filter((e) => e.type === 'runbook.step').map((e) => e.message);
    expect(messages.some((m) => last.test(m))).toBe(true);
    return messages;
  });
}

describe('runbook egress without an allowlist', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;
  beforeAll(async () => {
    ({ env, receiver, teardown } = await createIncidentTestEnv(600, { egress: new EgressPolicy() }));
  });
  afterAll(async () => teardown());

  it('refuses an HTTP check and a webhook to 127.0.0.1, without retrying, naming host and reason', async () => {
    const incidentId = await runRestart(env, receiver, 'loopback-refused', '/svc/health');
    const run = await waitForFirstRunbookRun(env, incidentId, 'failed');
    const port = new URL(receiver.url('/')).port;
    const refused =
      'egress to 127.0.0.1 refused: 127.0.0.1 is a loopback address (allow it with FIRELINE_EGRESS_ALLOW)';
    expect(run.runbookRuns[0]!.reason).toBe(`step "restart" failed: webhook RESTART_WEBHOOK_URL: ${refused}`);
    const messages = await stepMessages(env, incidentId, /restart failed/);
    expect(messages).toEqual(
      expect.arrayContaining([
        `restart-service: health check failed: GET http://127.0.0.1:${port}/svc/health: ${refused}`,
        `restart-service: restart failed: webhook RESTART_WEBHOOK_URL: ${refused}`,
      ]),
    );
    expect(receiver.to('/svc/health')).toHaveLength(0);
    expect(receiver.to('/restart')).toHaveLength(0);
  });
});

describe('runbook egress with 127.0.0.1 allowed', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;
  beforeAll(async () => {
    const { FIRELINE_EGRESS_ALLOW } = loadConfig({ FIRELINE_EGRESS_ALLOW: '127.0.0.1/32' });
    ({ env, receiver, teardown } = await createIncidentTestEnv(600, {
      egress: new EgressPolicy(FIRELINE_EGRESS_ALLOW),
    }));
  });
  afterAll(async () => teardown());

  it('runs the HTTP check against 127.0.0.1', async () => {
    const incidentId = await runRestart(env, receiver, 'loopback-allowed', '/svc/health');
    await waitForFirstRunbookRun(env, incidentId, 'succeeded');
    expect(receiver.to('/svc/health')).toHaveLength(1);
  });

  it('follows no redirect, of an HTTP check or of a webhook', async () => {
    receiver.redirects.set('/moved/health', receiver.url('/svc/health-target'));
    receiver.redirects.set('/restart', receiver.url('/restart-target'));
    const incidentId = await runRestart(env, receiver, 'redirected', '/moved/health');
    await waitForFirstRunbookRun(env, incidentId, 'failed');
    const port = new URL(receiver.url('/')).port;
    const messages = await stepMessages(env, incidentId, /restart failed/);
    expect(messages).toEqual(
      expect.arrayContaining([
        `restart-service: health check failed: GET http://127.0.0.1:${port}/moved/health: redirect (status 302 to 127.0.0.1:${port}) refused: redirects are not followed`,
        'restart-service: restart failed: webhook RESTART_WEBHOOK_URL: redirect (HTTP 302) refused: redirects are not followed',
      ]),
    );
    expect(receiver.to('/svc/health-target')).toHaveLength(0);
    expect(receiver.to('/restart-target')).toHaveLength(0);
    // Not retried: the check allows 2 attempts and the webhook 3, each was made once.
    expect(receiver.to('/moved/health')).toHaveLength(1);
    expect(receiver.to('/restart')).toHaveLength(1);
  });
});
