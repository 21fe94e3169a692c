import { bashBlocks, listenLocally, runBash } from '../helpers/readme-examples';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// The "try the Slack endpoints without Slack" example of docs/chat.md, run as written with bash,
// openssl and curl against a real API with the repository's own catalog: only the host is swapped in.
const signingSecret = 'dev-signing-secret';

describe("docs/chat.md's Slack example", () => {
  let env: TestEnv;
  let api: Awaited<ReturnType<typeof listenLocally>>;

  beforeAll(async () => {
    env = await createTestEnv({ slack: { signingSecret } });
    api = await listenLocally(env.rawApp);
  });
  afterAll(async () => {
    await api.close();
    await env.teardown();
  });

  it('signs a slash command as Slack does, and a wrong signature is refused', async () => {
    const blocks = bashBlocks('docs/chat.md', '## The Slack app');
    expect(blocks).toHaveLength(1);
    const script = blocks[0]!.replaceAll('localhost:3000', api.url.replace('http://', ''));
    const stdout = await runBash(script, { SLACK_SIGNING_SECRET: signingSecret });
    const [answer, status] = stdout.trim().split('\n');
    const reply = JSON.parse(answer!) as { response_type: string; text: string };
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(/^On call now:\nSRE primary: (Alice|Bob|Carol) Example until /);
    expect(status).toBe('401');
  });
});
