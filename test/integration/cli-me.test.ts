import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { listDevInbox } from '../../infra/dev-inbox';
import { repoRoot } from '../../stack/paths';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// `fireline me …` (compiled by the global setup) against a real API and MongoDB-wire server,
// with no provider configured and the development inbox on: who am I, a number added,
// confirmed with the code from the inbox, tested, rules set by type and by id, an admin's --person.
describe('fireline me', () => {
  let env: TestEnv;
  let server: http.Server;
  let url: string;
  let bob: string;

  beforeAll(async () => {
    env = await createTestEnv({ devInbox: true });
    server = http.createServer(env.rawApp).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    bob = await env.createKey('bobs-terminal', ['incidents:read', 'incidents:write'], { person: 'bob' });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await env.teardown();
  });

  function fireline(args: string[], key = bob): Promise<CliResult> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.join(repoRoot(), 'dist', 'cli', 'main.js'), ...args],
        { env: { ...process.env, FIRELINE_URL: url, FIRELINE_API_KEY: key } },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }
  async function ok(args: string[], key = bob): Promise<string> {
    const result = await fireline(args, key);
    if (result.code !== 0) throw new Error(`fireline ${args.join(' ')} → ${result.code}: ${result.stderr}`);
    return result.stdout;
  }
  async function codeFromInbox(): Promise<string> {
    const kept = (await listDevInbox(env.models)).find((m) => m.incidentId.startsWith('contact:bob:'));
    return /code is (\d{6})\./.exec(kept!.title)![1]!;
  }

  it('manages one’s own contact methods and rules', async () => {
    const me = await ok(['me']);
    expect(me).toContain('Bob Example (bob)');
    expect(me).toMatch(/^rights\s+responder of every incident$/m);
    expect(me).toMatch(/^key\s+bobs-terminal \(incidents:read, incidents:write\)$/m);

    const added = await ok(['me', 'methods', 'add', 'sms', '+447700900123', '--label', 'mobile']);
    const id = /^added (cm_[A-Za-z0-9_-]+) \(sms \+447700900123\)/.exec(added)![1]!;
    expect(added).toContain('kept in the development inbox');
    expect(added).toContain(`confirm it: fireline me methods confirm ${id} CODE`);

    const early = await fireline(['me', 'methods', 'test', id]);
    expect(early.code).toBe(5);
    expect(early.stderr).toContain('not confirmed yet');

    const wrong = await fireline(['me', 'methods', 'confirm', id, '12']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('body.code: must be the 6-digit code');
    expect(await ok(['me', 'methods', 'confirm', id, await codeFromInbox()])).toBe(
      `${id} (sms +447700900123) is confirmed: it will page\n`,
    );
    expect(await ok(['me', 'methods', 'test', id])).toMatch(
      /^test page for cm_\S+: kept in the development inbox/,
    );

    const email = JSON.parse(await ok(['me', 'methods', 'add', 'email', 'bob@example.com', '--json'])) as {
      method: { id: string };
    };
    const ls = await ok(['me', 'methods']);
    expect(ls.split('\n')[0]).toMatch(/^ID\s+TYPE\s+WHERE\s+LABEL\s+STATE$/);
    expect(ls).toMatch(new RegExp(`^${id}\\s+sms\\s+\\+447700900123\\s+mobile\\s+confirmed$`, 'm'));
    expect(ls).toMatch(
      new RegExp(`^${email.method.id}\\s+email\\s+bob@example.com\\s+code sent, 5 attempt\\(s\\) left$`, 'm'),
    );

    const defaults = await ok(['me', 'rules']);
    expect(defaults).toMatch(/^high \(default\)\s+60s\s+sms \+447700900123/m);
    expect(defaults).toMatch(/^low \(default\)\s+300s\s+sms/m);

    const set = await ok(['me', 'rules', 'set', 'high', `sms:0, ${email.method.id}:60`, 'low', 'sms:120']);
    expect(set).toMatch(/^high\s+0s\s+sms \+447700900123/m);
    expect(set).toMatch(
      new RegExp(`^\\s+60s\\s+email bob@example.com \\(${email.method.id}\\), unconfirmed$`, 'm'),
    );
    expect(set).toMatch(/^low\s+120s\s+sms/m);
    // Only the urgency named changes.
    const lowOnly = JSON.parse(await ok(['me', 'rules', 'set', 'low', 'default', '--json']));
    expect(lowOnly).toMatchObject({
      rules: { high: [{ afterSeconds: 0 }, { afterSeconds: 60 }] },
      isDefault: { high: false, low: true },
    });

    await ok(['me', 'methods', 'add', 'sms', '+447700900456']);
    const ambiguous = await fireline(['me', 'rules', 'set', 'high', 'sms:0']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/high: you have 2 sms methods; name one by its id \(cm_/);
    const badSyntax = await fireline(['me', 'rules', 'set', 'high', 'sms=0']);
    expect(badSyntax.stderr).toContain('high: "sms=0" is not METHOD:SECONDS');
    const tooLate = await fireline(['me', 'rules', 'set', 'high', `${id}:7200`]);
    expect(tooLate.code).toBe(2);
    expect(tooLate.stderr).toContain('body.high.0.afterSeconds');

    expect(await ok(['me', 'methods', 'rm', email.method.id])).toBe(
      `removed ${email.method.id} (and the rules that named it)\n`,
    );
    expect(await ok(['me', 'rules'])).not.toContain(email.method.id);
  });

  it('lets an admin manage someone else’s with --person, and no one else', async () => {
    const seen = await ok(['me', 'methods', 'ls', '--person', 'bob'], env.adminToken);
    expect(seen).toMatch(/\ssms\s+\+44 •••• 0123\s+mobile\s+confirmed$/m);
    const refused = await fireline(['me', 'methods', 'ls', '--person', 'carol']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("bob may manage only their own contact methods and rules, not carol's");
    const unknown = await fireline(['me', 'rules', '--person', 'mallory'], env.adminToken);
    expect(unknown.code).toBe(4);
  });
});
