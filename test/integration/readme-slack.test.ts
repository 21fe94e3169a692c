import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// The README's "try the Slack endpoints without Slack" example, run as written with bash, openssl
// and curl against a real API with the repository's own catalog: only the host is swapped in.
const repo = path.join(__dirname, '../..');
const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
const signingSecret = 'dev-signing-secret';

function slackExample(): string {
  const start = readme.indexOf('\n### Responding from chat');
  const end = readme.indexOf('**Microsoft Teams.**', start);
  if (start < 0 || end < 0) throw new Error('README has no "Responding from chat" section');
  const blocks = [...readme.slice(start, end).matchAll(/^```bash\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  expect(blocks).toHaveLength(1);
  return blocks[0]!;
}

describe("the README's Slack example", () => {
  let env: TestEnv;
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    env = await createTestEnv({ slack: { signingSecret } });
    server = http.createServer(env.rawApp).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await env.teardown();
  });

  it('signs a slash command as Slack does, and a wrong signature is refused', async () => {
    const script = slackExample().replaceAll('localhost:3000', url.replace('http://', ''));
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) =>
        execFile(
          'bash',
          ['-euo', 'pipefail', '-c', script],
          { env: { ...process.env, SLACK_SIGNING_SECRET: signingSecret } },
          (err, out, errOut) =>
            resolve({
              code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
              stdout: out,
              stderr: errOut,
            }),
        ),
    );
    if (code !== 0) throw new Error(`exit ${code}\n${stdout}\n${stderr}`);
    const [answer, status] = stdout.trim().split('\n');
    const reply = JSON.parse(answer!) as { response_type: string; text: string };
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(/^On call now:\nSRE primary: (Alice|Bob|Carol) Example until /);
    expect(status).toBe('401');
  });
});
