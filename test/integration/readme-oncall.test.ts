import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import type { RuntimeOverride } from '../../domain/oncall-overrides';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// The README's "On-call changes" examples, run as written (curl and the CLI,
// in one shell so START and END carry over) against a real API, with the
// repository's own catalog: only the host, the `npx fireline` binary and the
// placeholder override id are swapped in.
const repo = path.join(__dirname, '../..');
const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');

function onCallExamples(): string {
  const start = readme.indexOf('\n### On-call changes\n');
  const end = readme.indexOf('**Calendar feeds.**', start);
  if (start < 0 || end < 0) throw new Error('README has no "On-call changes" section');
  const blocks = [...readme.slice(start, end).matchAll(/^```bash\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  expect(blocks).toHaveLength(2);
  return blocks.join('\n');
}

describe("the README's on-call examples", () => {
  let env: TestEnv;
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    env = await createTestEnv();
    server = http.createServer(env.rawApp).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await env.teardown();
  });

  it('make, show and delete overrides as written', async () => {
    const cli = `node ${path.join(repo, 'dist', 'cli', 'main.js')}`;
    const firstId = `$(${cli} oncall override ls --schedule payments-primary --json | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8"))[0].id')`;
    const script = onCallExamples()
      .replaceAll('localhost:3000', url.replace('http://', ''))
      .replaceAll('npx fireline', cli)
      .replace('OVR-0123456789AB', firstId);
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) =>
        execFile(
          'bash',
          ['-euo', 'pipefail', '-c', script],
          { env: { ...process.env, FIRELINE_API_KEY: env.adminToken, FIRELINE_URL: url } },
          (err, out, errOut) =>
            resolve({
              code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
              stdout: out,
              stderr: errOut,
            }),
        ),
    );
    if (code !== 0) throw new Error(`exit ${code}\n${stdout}\n${stderr}`);
    expect(stdout).toContain('"personId":"bob"');
    expect(stdout).toMatch(/sre-primary\s+Bob Example \(bob\)/);
    expect(stdout).toMatch(/deleted OVR-[0-9A-F]{12}/);

    const sre = await request(env.app).get('/v1/schedules/sre-primary/overrides').expect(200);
    expect((sre.body.overrides as RuntimeOverride[]).map((o) => [o.personId, o.note])).toEqual([
      ['bob', 'covering for alice'],
    ]);
    const payments = await request(env.app).get('/v1/schedules/payments-primary/overrides').expect(200);
    expect(payments.body.overrides).toEqual([]);
  });
});
