import type { ChildProcess } from 'node:child_process';
import { missingChannelSettings } from '../../activities/channels';
import { onCallCatalog } from '../../config/oncall-catalog';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { killProcess, spawnWorkerProcess } from '../helpers/worker-process';

/** Runs until the process exits or prints `until`; what it printed, and its exit code if it exited. */
function watch(child: ChildProcess, until: string): Promise<{ output: string; code?: number | null }> {
  return new Promise((resolve) => {
    let output = '';
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(until)) resolve({ output });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => resolve({ output, code }));
  });
}

// The worker process with the repository's catalog: every channel variable it names must be set
// at start, unless the development inbox keeps what cannot be sent.
describe('channel settings at worker start', () => {
  let env: TestEnv;
  let worker: ChildProcess | undefined;
  // Every variable the repository's catalog needs, each with a value a check accepts.
  const variables = missingChannelSettings(onCallCatalog, {
    secrets: {},
    mailer: false,
    slackApp: false,
  }).map((m) => m.variable);
  const allSet = Object.fromEntries(variables.map((name) => [name, `https://receiver.test/${name}`]));
  allSet.SMTP_URL = 'smtp://127.0.0.1:2525';

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterEach(async () => {
    await killProcess(worker);
    worker = undefined;
  });
  afterAll(async () => env.teardown());

  it('names the variables of the shipped catalog', () => {
    expect(variables).toEqual(
      expect.arrayContaining([
        'FIRELINE_SLACK_SRE_WEBHOOK_URL',
        'FIRELINE_INCIDENT_WEBHOOK_SECRET',
        'FIRELINE_TEAMS_SRE_WEBHOOK_URL',
        'SMTP_URL',
      ]),
    );
  });

  it('stops the worker naming the variable that is not set', async () => {
    const { FIRELINE_TEAMS_SRE_WEBHOOK_URL: _missing, ...settings } = allSet;
    worker = spawnWorkerProcess(env, { ...settings, FIRELINE_DEV_INBOX: 'false' }, { output: 'pipe' });
    const { output, code } = await watch(worker, 'worker started');
    expect(code).toBe(1);
    expect(output).toContain('FIRELINE_TEAMS_SRE_WEBHOOK_URL (for sre-teams)');
    expect(output).not.toContain('FIRELINE_SLACK_SRE_WEBHOOK_URL');
  }, 60_000);

  it('starts with every variable set, or with the development inbox on', async () => {
    worker = spawnWorkerProcess(
      env,
      { ...allSet, FIRELINE_DEV_INBOX: 'false', LOG_LEVEL: 'info' },
      { output: 'pipe' },
    );
    expect((await watch(worker, 'worker started')).code).toBeUndefined();
    await killProcess(worker);

    worker = spawnWorkerProcess(env, { FIRELINE_DEV_INBOX: 'true', LOG_LEVEL: 'info' }, { output: 'pipe' });
    expect((await watch(worker, 'worker started')).code).toBeUndefined();
  }, 60_000);
});
