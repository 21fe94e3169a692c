import { readFileSync } from 'node:fs';
import type { ActionImpl } from '../../activities/actions';
import { RunbookTestError, runRunbookForTest, type HttpMockRequest } from '../../runbooks/testing';

// The test kit itself (runbooks/testing.ts): HTTP mocks, and failures that say
// which step failed and why within seconds. restart-service is the subject:
// health check → restart webhook → verify healthy.
describe('runbook test kit', () => {
  // Nothing serves this name (.invalid never resolves): only a mock can answer.
  const healthUrl = 'http://cache.invalid/health';
  const params = { healthUrl, restartUrlEnv: 'RESTART_WEBHOOK_URL' };

  function webhook(fail?: string) {
    const calls: unknown[] = [];
    const impl: ActionImpl = async (input) => {
      calls.push(input.body);
      if (fail) throw new Error(fail);
      return { summary: 'restarted' };
    };
    return { calls, impl };
  }

  it('answers HTTP checks by URL, from a function of the request', async () => {
    const restart = webhook();
    const seen: HttpMockRequest[] = [];
    const result = await runRunbookForTest({
      runbookId: 'restart-service',
      params,
      actions: { webhook: restart.impl },
      http: {
        [healthUrl]: (request) => {
          seen.push(request);
          return restart.calls.length > 0 ? { status: 200, body: 'ok' } : { status: 503 };
        },
      },
    });
    expect(result).toMatchObject({ status: 'succeeded', verified: true });
    expect(result.steps.map((s) => [s.name, s.outcome, s.summary])).toEqual([
      ['health check', 'failed', `GET ${healthUrl}: status 503, expected 200`],
      ['restart', 'succeeded', 'restarted'],
      ['verify healthy', 'succeeded', `healthy after 1 check(s): GET ${healthUrl} → 200`],
    ]);
    // Two attempts of the health check, one check of verify.
    expect(seen).toHaveLength(3);
    expect(seen[0]).toMatchObject({ method: 'GET', url: healthUrl, expectStatus: [200] });
  });

  it('answers every request from one function; the mock throwing is a network error', async () => {
    const restart = webhook();
    const result = await runRunbookForTest({
      runbookId: 'restart-service',
      params,
      actions: { webhook: restart.impl },
      http: (request) => {
        if (restart.calls.length === 0) throw new Error(`connect ECONNREFUSED for ${request.url}`);
        return { status: 200 };
      },
    });
    expect(result.status).toBe('succeeded');
    expect(result.steps[0]!.summary).toBe(`GET ${healthUrl}: connect ECONNREFUSED for ${healthUrl}`);
  });

  it('throws at once, naming the step, when a request has no mock', async () => {
    const run = runRunbookForTest({
      runbookId: 'restart-service',
      params,
      actions: { webhook: webhook().impl },
      http: { 'http://other.invalid/': { status: 200 } },
      // Only the unmocked request can end this run within Jest's timeout.
      timeout: '1 hour',
    });
    await expect(run).rejects.toThrow(RunbookTestError);
    await expect(run).rejects.toThrow(
      `runbook "restart-service" step "health check" (http) sent GET ${healthUrl}, which has no HTTP mock (mocked: http://other.invalid/)`,
    );
    // Stopped at the first request: the step that sent it is still running, not retried to a failure.
    const err = (await run.catch((e: unknown) => e)) as RunbookTestError;
    expect(err.steps.map((s) => [s.name, s.outcome])).toEqual([['health check', 'running']]);
  });

  it('a failing action fails the run after its retries, its reason naming the step', async () => {
    const restart = webhook('restart webhook answered 502');
    const result = await runRunbookForTest({
      runbookId: 'restart-service',
      params,
      actions: { webhook: restart.impl },
      http: { [healthUrl]: { status: 503 } },
    });
    expect(result.status).toBe('failed');
    expect(result.reason).toBe('step "restart" failed: restart webhook answered 502');
    // The step's default retries: three attempts, 1 s and 2 s apart.
    expect(restart.calls).toHaveLength(3);
  });

  it("stops a run that outlasts the kit's timeout, naming the step and its last failed check", async () => {
    const run = runRunbookForTest({
      runbookId: 'restart-service',
      params,
      actions: { webhook: webhook().impl },
      http: { [healthUrl]: { status: 503, body: 'still down' } },
      timeout: '5 seconds',
    });
    await expect(run).rejects.toThrow(
      `runbook "restart-service" did not finish within 5s (the kit's timeout): step "verify healthy" (verify) still running; last failed HTTP check: GET ${healthUrl}: status 503, expected 200`,
    );
    const err = (await run.catch((e: unknown) => e)) as RunbookTestError;
    expect(err.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['health check', 'failed'],
      ['restart', 'succeeded'],
      ['verify healthy', 'running'],
    ]);
  });

  it('checks the parameters as the API does, and fills in their defaults', async () => {
    await expect(
      runRunbookForTest({ runbookId: 'restart-service', params: { healthUrl: 'not a url' }, actions: {} }),
    ).rejects.toThrow(
      'runbook "restart-service" would refuse these parameters: params.healthUrl must match format "uri"',
    );
    const urlEnvs: unknown[] = [];
    const result = await runRunbookForTest({
      runbookId: 'restart-service',
      params: { healthUrl },
      actions: {
        webhook: async (input) => {
          urlEnvs.push(input.urlEnv);
          return { summary: 'restarted' };
        },
      },
      http: { [healthUrl]: () => ({ status: urlEnvs.length > 0 ? 200 : 503 }) },
    });
    expect(result.status).toBe('succeeded');
    expect(urlEnvs).toEqual(['RESTART_WEBHOOK_URL']);
  });

  it('refuses a runbook that is not registered', async () => {
    await expect(
      runRunbookForTest({ runbookId: 'restart-cache-typo', params: {}, actions: {} }),
    ).rejects.toThrow(
      /^no runbook "restart-cache-typo": add it to runbooks\/index.ts \(known: restart-service, /,
    );
  });

  it('is not part of the workflow bundle', () => {
    const bundle = readFileSync(process.env.FIRELINE_TEST_WORKFLOW_BUNDLE!, 'utf8');
    expect(bundle).toContain('Restart a service that is down');
    expect(bundle).not.toContain('RunbookTestError');
  });
});
