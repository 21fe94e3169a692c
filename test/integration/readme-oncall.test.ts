import path from 'node:path';
import request from 'supertest';
import type { RuntimeOverride } from '../../domain/oncall-overrides';
import { bashBlocks, listenLocally, repoDir, runBash } from '../helpers/readme-examples';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// The "On-call changes" and "Schedules made at run time" examples of docs/oncall.md, run as written (curl and the CLI,
// in one shell so START and END carry over) against a real API, with the
// repository's own catalog: only the host, the `npx fireline` binary and the
// placeholder override id are swapped in.
const repo = repoDir;

function onCallExamples(): string {
  const blocks = bashBlocks('docs/oncall.md', '## On-call changes');
  expect(blocks).toHaveLength(2);
  return blocks.join('\n');
}

describe("docs/oncall.md's on-call examples", () => {
  let env: TestEnv;
  let api: Awaited<ReturnType<typeof listenLocally>>;

  beforeAll(async () => {
    env = await createTestEnv();
    api = await listenLocally(env.rawApp);
  });
  afterAll(async () => {
    await api.close();
    await env.teardown();
  });

  it('make, show and delete overrides as written', async () => {
    const url = api.url;
    const cli = `node ${path.join(repo, 'dist', 'cli', 'main.js')}`;
    const firstId = `$(${cli} oncall override ls --schedule payments-primary --json | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8"))[0].id')`;
    const script = onCallExamples()
      .replaceAll('localhost:3000', url.replace('http://', ''))
      .replaceAll('npx fireline', cli)
      .replace('OVR-0123456789AB', firstId);
    const stdout = await runBash(script, { FIRELINE_API_KEY: env.adminToken, FIRELINE_URL: url });
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

  it('make, change, apply from a file and delete a schedule as written', async () => {
    const cli = `node ${path.join(repo, 'dist', 'cli', 'main.js')}`;
    const blocks = bashBlocks('docs/oncall.md', '## Schedules made at run time');
    expect(blocks).toHaveLength(2);
    // "edit it": the file `show` wrote gets a new name before `apply` takes it back.
    const edit = `node -e 'const f = "night-shift.json"; const s = JSON.parse(require("fs").readFileSync(f, "utf8")); s.name = "Nights"; require("fs").writeFileSync(f, JSON.stringify(s))'`;
    const script = [`cd "$(mktemp -d)"`, ...blocks]
      .join('\n')
      .replaceAll('localhost:3000', api.url.replace('http://', ''))
      .replaceAll('npx fireline', cli)
      .replace('# edit it, then:', `\n${edit}`);
    const stdout = await runBash(script, { FIRELINE_API_KEY: env.adminToken, FIRELINE_URL: api.url });
    expect(stdout).toContain('"managedBy":"api","revision":1');
    expect(stdout).toContain('"revision":2');
    expect(stdout).toContain('changed night-shift to revision 3');
    expect(stdout).toMatch(/night-shift\s+Nights\s+Europe\/London\s+1\s+api\s+3/);
    expect(stdout).toMatch(/3\s+updated\s+user:alice/);
    expect(stdout).toContain('deleted night-shift');
    await request(env.app).get('/v1/schedules/night-shift').expect(404);
  });
});
