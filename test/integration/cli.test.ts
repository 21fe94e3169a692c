import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { apiScopes } from '../../infra/models';
import { repoRoot } from '../../stack/paths';
import { eventually, HttpReceiver } from '../helpers/http-receiver';
import { createIncidentTestEnv } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// The `fireline` command (compiled by the global setup) against a real API,
// Temporal and MongoDB-wire server: one incident from trigger to published post-mortem.
describe('fireline CLI', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;
  let server: http.Server;
  let url: string;
  let key: string;

  beforeAll(async () => {
    ({ env, receiver, teardown } = await createIncidentTestEnv(60));
    server = http.createServer(env.rawApp).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Every scope but admin, acting as carol (a responder) whatever the key is called.
    key = await env.createKey(
      'carols-terminal',
      apiScopes.filter((s) => s !== 'admin'),
      { person: 'carol' },
    );
  }, 60_000);
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await teardown();
  });

  /** Runs the CLI; `stderr()` is what it has printed to stderr so far. */
  function started(args: string[]): { done: Promise<CliResult>; stderr: () => string } {
    let err = '';
    const child = execFile(process.execPath, [path.join(repoRoot(), 'dist', 'cli', 'main.js'), ...args], {
      env: { ...process.env, FIRELINE_URL: url, FIRELINE_API_KEY: key },
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const done = new Promise<CliResult>((resolve) =>
      child.on('close', (code) => resolve({ code: code ?? 1, stdout: out, stderr: err })),
    );
    return { done, stderr: () => err };
  }

  function fireline(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<CliResult> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.join(repoRoot(), 'dist', 'cli', 'main.js'), ...args],
        { env: { ...process.env, FIRELINE_URL: url, FIRELINE_API_KEY: key, ...extraEnv } },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }
  async function ok(args: string[]): Promise<CliResult> {
    const result = await fireline(args);
    if (result.code !== 0) throw new Error(`fireline ${args.join(' ')} → ${result.code}: ${result.stderr}`);
    return result;
  }

  it('drives an incident from trigger to a published post-mortem', async () => {
    const trigger = await ok([
      'trigger',
      '--service',
      'checkout',
      '--summary',
      'Checkout error rate above 5%',
      '--severity',
      'critical',
      '--dedup-key',
      'cli-1',
      '--label',
      'region=eu',
    ]);
    expect(trigger.stdout).toMatch(/^accepted: incident:checkout:cli-1/);

    const incidentId = await eventually(async () => {
      const ls = JSON.parse((await ok(['incidents', 'ls', '--service', 'checkout', '--json'])).stdout) as {
        incidentId: string;
        title: string;
      }[];
      expect(ls).toHaveLength(1);
      return ls[0]!.incidentId;
    });
    const table = (await ok(['incidents', 'ls'])).stdout;
    expect(table.split('\n')[0]).toMatch(/^INCIDENT\s+SEV\s+STATUS\s+SERVICE/);
    expect(table).toContain(incidentId);

    // The same alert again: counted on the incident's alert, which `show` lists.
    await ok([
      'trigger',
      '--service',
      'checkout',
      '--summary',
      'Checkout error rate above 7%',
      '--dedup-key',
      'cli-1',
    ]);
    await ok(['incidents', 'ack', incidentId]);
    await ok(['incidents', 'note', incidentId, 'rolling', 'back', 'v42']);
    await eventually(async () => {
      const shown = (await ok(['incidents', 'show', incidentId])).stdout;
      expect(shown).toMatch(/^DEDUP KEY\s+STATE\s+COUNT\s+FIRST SEEN\s+LAST SEEN\s+SUMMARY$/m);
      expect(shown).toMatch(/^cli-1\s+firing\s+2\s+.*Checkout error rate above 7%$/m);
      expect(shown).toMatch(/status\s+acknowledged/);
      expect(shown).toMatch(/carol\s+.*rolling back v42/);
    });

    const runbooks = (await ok(['runbooks', 'ls'])).stdout;
    expect(runbooks).toContain('rollback-deploy');

    // A runbook that needs approval: run it with --wait, approve from a second command.
    const run = started([
      'runbooks',
      'run',
      incidentId,
      'rollback-deploy',
      '--param',
      'deployUrlEnv=DEPLOY_WEBHOOK_URL',
      '--param',
      'badRelease=v42',
      '--param',
      'goodRelease=v41',
      '--param',
      `errorRateCheckUrl=${receiver.url('/api/errors')}`,
      '--param',
      'verifySeconds=2',
      '--wait',
    ]);
    const approvalId = await eventually(async () => {
      const pending = JSON.parse((await ok(['approvals', 'ls', '--json'])).stdout) as {
        approvalId: string;
      }[];
      expect(pending).toHaveLength(1);
      return pending[0]!.approvalId;
    }, 30_000);
    // carol started the run, so she may not approve it too; dave, whom the escalation policy reaches, may.
    const own = await fireline(['approvals', 'approve', approvalId]);
    expect(own.code).toBe(3);
    expect(own.stderr).toContain('user:carol started this run and may not approve it too');
    const dave = await env.createKey('daves-terminal', ['approvals:decide', 'incidents:read'], {
      person: 'dave',
    });
    // Once the following command has said what it waits for (it looks once a second).
    await eventually(
      () => expect(run.stderr()).toContain(`waiting for approval: fireline approvals approve ${approvalId}`),
      10_000,
    );
    const approved = await fireline(['approvals', 'approve', approvalId, '--comment', 'go'], {
      FIRELINE_API_KEY: dave,
    });
    expect(approved.stdout).toBe(`${approvalId} approved by user:dave\n`);
    const finished = await run.done;
    expect(finished.code).toBe(0);
    expect(finished.stdout).toMatch(/\.rb1: succeeded/);
    expect(receiver.to('/deploy')).toHaveLength(1);

    await ok(['incidents', 'resolve', incidentId, '--note', 'rolled back to v41']);
    // A second resolve is a conflict, with its own exit code.
    expect((await fireline(['incidents', 'resolve', incidentId])).code).toBe(5);

    const markdown = await eventually(
      async () => (await ok(['postmortem', 'show', incidentId])).stdout,
      30_000,
    );
    expect(markdown).toMatch(/^# /);
    expect(markdown).toContain('Checkout error rate above 5%');
    await ok([
      'postmortem',
      'update',
      incidentId,
      '--root-cause',
      'v42 shipped a broken payment client',
      '--action-item',
      'Canary payment releases@carol',
    ]);
    const published = await ok(['postmortem', 'publish', incidentId, '--json']);
    expect(JSON.parse(published.stdout)).toMatchObject({
      status: 'published',
      rootCause: 'v42 shipped a broken payment client',
      actionItems: [{ title: 'Canary payment releases', owner: 'carol', status: 'open' }],
    });
    const html = await ok(['postmortem', 'show', incidentId, '--format', 'html']);
    expect(html.stdout).toMatch(/^<!doctype html>/i);
  }, 120_000);

  it("declares an incident as the key's person: opened, paged at level 1, the reporter on its timeline", async () => {
    const { stdout } = await ok([
      'declare',
      '--service',
      'search',
      '--title',
      'Search returns nothing',
      '--severity',
      'SEV2',
      '--description',
      'Support: empty results since 10:00',
    ]);
    const incidentId = /^declared (INC-[A-Z0-9]{12}): SEV2 search; its first level is paged$/m.exec(
      stdout,
    )?.[1];
    expect(incidentId).toBeDefined();
    await eventually(() => {
      const paged = receiver
        .to('/level1')
        .some((r) => (r.body as { incident?: { incidentId?: string } }).incident?.incidentId === incidentId);
      if (!paged) throw new Error('level 1 not paged yet');
    });
    const shown = await ok(['incidents', 'show', incidentId!, '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ incidentId, severity: 'SEV2', integration: 'declared' });
    const timeline = await eventually(async () => {
      const res = await fetch(`${url}/v1/incidents/${incidentId}/timeline`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const body = (await res.json()) as { entries: Array<{ actor: string; message: string }> };
      if (!body.entries?.length) throw new Error('no timeline yet');
      return body.entries;
    });
    expect(timeline[0]).toMatchObject({
      actor: 'user:carol',
      message: 'Declared by Carol Test: Support: empty results since 10:00',
    });
    const bad = await fireline(['declare', '--service', 'search', '--title', 'x', '--severity', 'SEV9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('body.severity');
    expect((await fireline(['declare', '--service', 'search'])).code).toBe(2);
  });

  it('answers with exit codes that mean something', async () => {
    expect((await fireline(['incidents', 'show', 'INC-000000000000'])).code).toBe(4);
    const noKey = await fireline(['incidents', 'ls'], { FIRELINE_API_KEY: '' });
    expect(noKey.code).toBe(3);
    expect(noKey.stderr).toContain('FIRELINE_API_KEY');
    const readOnly = await env.createKey('reader', ['incidents:read']);
    const refused = await fireline(['trigger', '--service', 'x', '--summary', 'y'], {
      FIRELINE_API_KEY: readOnly,
    });
    expect(refused.code).toBe(3);
    const invalid = await fireline(['trigger', '--service', 'x', '--summary', 'y', '--severity', 'loud']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('body.severity');
    expect((await fireline(['incidents', 'frobnicate'])).code).toBe(2);
    expect((await fireline(['--bogus'])).code).toBe(2);
    const unreachable = await fireline(['incidents', 'ls'], { FIRELINE_URL: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach');
  });

  it('shows who is on call and makes, lists and deletes an override', async () => {
    const now = await ok(['oncall']);
    expect(now.stdout).toMatch(/always-dave\s+Dave Test \(dave\)/);
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const end = new Date(Date.now() + 5 * 3_600_000).toISOString();
    const made = await ok([
      'oncall',
      'override',
      'create',
      '--schedule',
      'always-dave',
      '--person',
      'erin',
      '--start',
      start,
      '--end',
      end,
      '--note',
      'swap',
      '--json',
    ]);
    const override = JSON.parse(made.stdout) as { id: string; createdBy: string };
    expect(override).toMatchObject({ id: expect.stringMatching(/^OVR-/), createdBy: 'user:carol' });
    const later = await ok(['oncall', '--at', new Date(Date.parse(start) + 60_000).toISOString()]);
    expect(later.stdout).toMatch(new RegExp(`always-dave\\s+Erin Test \\(erin\\)\\s+\\S+\\s+${override.id}`));
    const shifts = await ok(['oncall', 'shifts', '--schedule', 'always-dave', '--from', start, '--to', end]);
    expect(shifts.stdout).toContain('Erin Test (erin)');
    expect((await ok(['oncall', 'override', 'ls', '--schedule', 'always-dave'])).stdout).toContain(
      override.id,
    );
    // Overlapping: a conflict (exit 5) saying with which.
    const overlap = await fireline([
      'oncall',
      'override',
      'create',
      '--schedule',
      'always-dave',
      '--person',
      'dave',
      '--start',
      start,
      '--end',
      end,
    ]);
    expect(overlap.code).toBe(5);
    expect(overlap.stderr).toContain(override.id);
    await ok(['oncall', 'override', 'delete', override.id, '--schedule', 'always-dave']);
    expect(
      (await fireline(['oncall', 'override', 'delete', override.id, '--schedule', 'always-dave'])).code,
    ).toBe(4);
  });
});
