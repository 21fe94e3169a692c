import type { ActionImpl } from '../../activities/actions';
import { runRunbookForTest } from '../../runbooks/testing';
import { HttpReceiver } from '../helpers/http-receiver';

// The example runbooks, tested the way a runbook author tests theirs: actions
// mocked, the real dev server running the runbook code.
describe('example runbooks', () => {
  let receiver: HttpReceiver;

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
  });
  afterAll(async () => receiver.stop());
  afterEach(() => {
    receiver.failures.clear();
    receiver.onRequest = undefined;
  });

  /** A webhook mock that records the bodies it was given. */
  function webhookMock(onCall?: (body: unknown) => void) {
    const calls: unknown[] = [];
    const impl: ActionImpl = async (input, ctx) => {
      calls.push(input.body);
      onCall?.(input.body);
      return { summary: `mock webhook ${String(input.urlEnv)} (${ctx.idempotencyKey})` };
    };
    return { calls, impl };
  }

  it('restart-service: failing health check → restart → verified healthy → resolve', async () => {
    receiver.failures.set('/svc/health', 503);
    const webhook = webhookMock(() => receiver.failures.delete('/svc/health'));
    const result = await runRunbookForTest({
      runbookId: 'restart-service',
      params: { healthUrl: receiver.url('/svc/health'), restartUrlEnv: 'RESTART_WEBHOOK_URL' },
      actions: { webhook: webhook.impl },
    });
    expect(result).toMatchObject({ status: 'succeeded', verified: true, resolveIncident: true });
    expect(result.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['health check', 'failed'],
      ['restart', 'succeeded'],
      ['verify healthy', 'succeeded'],
    ]);
    expect(result.steps[0]!.attempts).toBe(2);
    expect(webhook.calls).toEqual([{ service: 'test-service' }]);
  });

  it('restart-service: does nothing when the service is healthy', async () => {
    const webhook = webhookMock();
    const result = await runRunbookForTest({
      runbookId: 'restart-service',
      params: { healthUrl: receiver.url('/svc/health'), restartUrlEnv: 'RESTART_WEBHOOK_URL' },
      actions: { webhook: webhook.impl },
    });
    expect(result.status).toBe('succeeded');
    expect(result.verified).toBe(false);
    expect(webhook.calls).toEqual([]);
  });

  const rollbackParams = () => ({
    deployUrlEnv: 'DEPLOY_WEBHOOK_URL',
    badRelease: 'v2',
    goodRelease: 'v1',
    errorRateCheckUrl: receiver.url('/errors'),
    verifySeconds: 2,
  });

  it('rollback-deploy: approved, rolled back, verified', async () => {
    const webhook = webhookMock();
    const result = await runRunbookForTest({
      runbookId: 'rollback-deploy',
      params: rollbackParams(),
      actions: { webhook: webhook.impl },
    });
    expect(result).toMatchObject({ status: 'succeeded', verified: true, resolveIncident: false });
    expect(webhook.calls).toEqual([{ service: 'test-service', release: 'v1', reason: 'rollback' }]);

    // A drill of the same runbook walks the same steps, without side effects.
    const drill = await runRunbookForTest({
      runbookId: 'rollback-deploy',
      params: rollbackParams(),
      actions: { webhook: webhookMock().impl },
      dryRun: true,
    });
    expect(drill.steps.map((s) => [s.name, s.kind])).toEqual(result.steps.map((s) => [s.name, s.kind]));
    expect(drill.steps.every((s) => s.outcome === 'simulated')).toBe(true);
    expect(drill.steps[1]!.summary).toBe('would run webhook with input {urlEnv, body}');
  });

  it('rollback-deploy: re-deploys the bad release when the error rate does not recover', async () => {
    receiver.failures.set('/errors', 500);
    const webhook = webhookMock();
    const result = await runRunbookForTest({
      runbookId: 'rollback-deploy',
      params: rollbackParams(),
      actions: { webhook: webhook.impl },
    });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/verify error rate/);
    expect(webhook.calls).toEqual([
      { service: 'test-service', release: 'v1', reason: 'rollback' },
      { service: 'test-service', release: 'v2', reason: 'rollback did not help' },
    ]);
    expect(result.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['approve rollback', 'succeeded'],
      ['roll back', 'succeeded'],
      ['verify error rate', 'failed'],
      ['undo roll back', 'succeeded'],
    ]);
  });

  it('rollback-deploy: a rejection stops it before any side effect', async () => {
    const webhook = webhookMock();
    const result = await runRunbookForTest({
      runbookId: 'rollback-deploy',
      params: rollbackParams(),
      actions: { webhook: webhook.impl },
      decide: () => 'reject',
    });
    expect(result.status).toBe('rejected');
    expect(webhook.calls).toEqual([]);
  });

  it('clean-disk: runs the allowlisted clean-up after approval', async () => {
    const commands: unknown[] = [];
    const result = await runRunbookForTest({
      runbookId: 'clean-disk',
      params: { freeSpaceCheckUrl: receiver.url('/disk') },
      actions: {
        command: async (input) => {
          commands.push(input);
          return { summary: 'cleaned' };
        },
      },
    });
    expect(result).toMatchObject({ status: 'succeeded', verified: true, resolveIncident: true });
    expect(commands).toEqual([{ command: 'clean-tmp' }]);
  });

  it('scale-out-queue: scales back in when the backlog does not drain', async () => {
    receiver.failures.set('/backlog', 503);
    const webhook = webhookMock();
    const result = await runRunbookForTest({
      runbookId: 'scale-out-queue',
      params: {
        scaleUrlEnv: 'SCALE_WEBHOOK_URL',
        queue: 'orders',
        settleSeconds: 0,
        verifySeconds: 2,
        backlogCheckUrl: receiver.url('/backlog'),
      },
      actions: { webhook: webhook.impl },
    });
    expect(result.status).toBe('failed');
    expect(webhook.calls).toEqual([
      { queue: 'orders', delta: 2 },
      { queue: 'orders', delta: -2 },
    ]);
  });
});
