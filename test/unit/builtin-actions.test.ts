import { ApplicationFailure } from '@temporalio/common';
import { commandAction, webhookAction } from '../../activities/actions/builtin';
import { EgressPolicy } from '../../infra/egress';

const context = (secrets: Record<string, string | undefined>) => ({
  idempotencyKey: 'INC-1.rb1:step',
  runbookId: 'restart-service',
  secrets,
  signal: new AbortController().signal,
  fetch: new EgressPolicy().fetch,
});

describe('commandAction', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("runs commands with PATH, the locale and HOME only, none of the worker's variables", async () => {
    Object.assign(process.env, {
      MONGODB_URI: 'mongodb://user:secret@db.internal/fireline',
      TEMPORAL_API_KEY: 'temporal-secret',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      DEPLOY_WEBHOOK_URL: 'https://deploy.internal/hook?token=secret',
      LANG: 'C.UTF-8',
    });
    // A test-only allowlist entry: `env` prints the environment the command gets.
    const run = commandAction([{ id: 'print-env', argv: ['env'] }]);
    const { output } = await run({ command: 'print-env' }, context({}));
    const names = String(output!.stdout)
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('=')[0]);
    expect(names).toContain('PATH');
    expect(names).toContain('LANG');
    expect(names.filter((n) => !['PATH', 'LANG', 'LC_ALL', 'HOME'].includes(n!))).toEqual([]);
    expect(String(output!.stdout)).not.toMatch(/secret/);
  });
});

describe('webhookAction', () => {
  it('refuses, without retrying, a variable the runbook did not declare, even when it is set', async () => {
    const failure = await webhookAction(
      { urlEnv: 'MONGODB_URI' },
      context({ RESTART_WEBHOOK_URL: 'http://127.0.0.1:1/restart' }),
    ).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      nonRetryable: true,
      type: 'SecretNotDeclared',
      message: 'environment variable MONGODB_URI is not declared by runbook restart-service (meta.secrets)',
    });
  });

  it('says a declared variable is not set', async () => {
    await expect(
      webhookAction({ urlEnv: 'RESTART_WEBHOOK_URL' }, context({ RESTART_WEBHOOK_URL: undefined })),
    ).rejects.toMatchObject({ nonRetryable: true, type: 'ActionNotConfigured' });
  });
});
