import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { bashBlocks, listenLocally, repoDir, runBash } from '../helpers/readme-examples';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// The "Managing your contact methods and rules" examples of docs/reaching-people.md, run as
// written (curl, then the CLI, in one shell) against a real API with the repository's catalog
// and the development inbox on, as `npm start` runs: only the host, the `npx fireline` binary,
// and the placeholder method id and codes (read from the development inbox) are swapped in.
describe("docs/reaching-people.md's examples of managing contact methods", () => {
  let env: TestEnv;
  let api: Awaited<ReturnType<typeof listenLocally>>;

  beforeAll(async () => {
    env = await createTestEnv({ devInbox: true });
    api = await listenLocally(env.rawApp);
  });
  afterAll(async () => {
    await api.close();
    await env.teardown();
  });

  it('add, confirm, test and set rules as written', async () => {
    const blocks = bashBlocks('docs/reaching-people.md', '## Managing your contact methods and rules');
    expect(blocks).toHaveLength(2);
    // Prints the newest confirmation code kept in the development inbox for alice.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fireline-docs-'));
    const codeScript = path.join(dir, 'code.js');
    writeFileSync(
      codeScript,
      `const { MongoClient } = require(${JSON.stringify(require.resolve('mongodb', { paths: [repoDir] }))});
(async () => {
  const client = await MongoClient.connect(process.env.MONGODB_URI);
  const [kept] = await client.db().collection('dev_inbox')
    .find({ incidentId: /^contact:alice:/, status: 'contact.verification' }).sort({ at: -1 }).limit(1).toArray();
  await client.close();
  process.stdout.write(/code is (\\d{6})\\./.exec(kept.title)[1]);
})();
`,
    );
    const cli = `node ${path.join(repoDir, 'dist', 'cli', 'main.js')}`;
    const voiceId = `$(${cli} me methods --json | node -pe 'JSON.parse(fs.readFileSync(0)).find((m) => m.type === "voice").id')`;
    const script = blocks
      .join('\n')
      .replaceAll('localhost:3000', api.url.replace('http://', ''))
      .replaceAll('npx fireline', cli)
      .replace('CODE=123456', `CODE=$(node ${codeScript})`)
      .replace('cm_0123456789A 654321', `${voiceId} $(node ${codeScript})`)
      .replaceAll('cm_0123456789A', voiceId);
    const stdout = await runBash(script, {
      FIRELINE_API_KEY: env.adminToken,
      FIRELINE_URL: api.url,
      MONGODB_URI: env.config.MONGODB_URI,
    });
    expect(stdout).toContain('"person":{"id":"alice"');
    expect(stdout).toMatch(/cm_\S+ \(voice \+447700900456\) is confirmed: it will page/);
    expect(stdout).toMatch(/^high\s+0s\s+sms \+447700900123/m);

    const methods = (await request(env.app).get('/v1/people/alice/contact-methods').expect(200)).body
      .methods as {
      id: string;
      type: string;
      verified: boolean;
    }[];
    expect(methods.map((m) => [m.type, m.verified])).toEqual([
      ['sms', true],
      ['voice', true],
    ]);
    const [sms, voice] = methods;
    expect((await request(env.app).get('/v1/people/alice/notification-rules').expect(200)).body).toEqual({
      personId: 'alice',
      rules: {
        high: [
          { methodId: sms!.id, afterSeconds: 0 },
          { methodId: voice!.id, afterSeconds: 300 },
        ],
        low: [{ methodId: sms!.id, afterSeconds: 600 }],
      },
      isDefault: { high: false, low: false },
    });
  }, 120_000);
});
