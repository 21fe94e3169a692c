import type { ActionImpl } from '../../activities/actions';
import { defaultActions } from '../../activities/actions';
import { createRunbookActivities } from '../../activities/runbooks';
import { EgressPolicy } from '../../infra/egress';
import { runbookMetas } from '../../runbooks';
import { runRunbookForTest } from '../../runbooks/testing';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// Actions read only the environment variables their runbook declares (meta.secrets).
describe('runbook secrets', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env.teardown());

  const workerEnvironment = {
    SCALE_WEBHOOK_URL: 'https://scale.internal/hook',
    MONGODB_URI: 'mongodb://user:secret@db.internal/fireline',
    TEMPORAL_API_KEY: 'temporal-secret',
    FIRELINE_SLACK_SRE_WEBHOOK_URL: 'https://hooks.slack.com/services/secret',
  };

  it("hands a runbook's actions its declared variables and no others", async () => {
    const seen: string[][] = [];
    const webhook: ActionImpl = async (_input, ctx) => {
      seen.push(Object.keys(ctx.secrets));
      return { summary: `saw ${Object.keys(ctx.secrets).join(',')} for ${ctx.runbookId}` };
    };
    const result = await runRunbookForTest({
      runbookId: 'scale-out-queue',
      params: { queue: 'orders', settleSeconds: 0, backlogCheckUrl: 'http://backlog.test/ok' },
      actions: { webhook },
      http: { 'http://backlog.test/ok': { status: 200 } },
      secrets: workerEnvironment,
    });
    expect(result.status).toBe('succeeded');
    expect(seen).toEqual([['SCALE_WEBHOOK_URL']]);
    expect(result.steps[0]!.summary).toBe('saw SCALE_WEBHOOK_URL for scale-out-queue');
  });

  it('fails a webhook naming an undeclared variable without retrying, and does not act', async () => {
    const activities = createRunbookActivities({
      models: env.models,
      secrets: workerEnvironment,
      runbookMetas: runbookMetas(),
      actions: defaultActions(),
      egress: new EgressPolicy(),
    });
    await expect(
      activities.runAction({
        runbookId: 'scale-out-queue',
        action: 'webhook',
        input: { urlEnv: 'FIRELINE_SLACK_SRE_WEBHOOK_URL', body: { queue: 'orders' } },
        idempotencyKey: 'secrets-test:1',
      }),
    ).rejects.toMatchObject({
      nonRetryable: true,
      type: 'SecretNotDeclared',
      message:
        'environment variable FIRELINE_SLACK_SRE_WEBHOOK_URL is not declared by runbook scale-out-queue (meta.secrets)',
    });
    // The attempt failed with an error it saw: recorded as failed, nothing sent.
    expect(await env.models.ActionLedger.findById('secrets-test:1').lean()).toMatchObject({
      state: 'failed',
    });
  });
});
