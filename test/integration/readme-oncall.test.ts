import { readFileSync, writeFileSync } from 'node:fs';
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

  it('exports, applies and plans the model as written, and then keeps applied schedules read-only', async () => {
    const cli = `node ${path.join(repo, 'dist', 'cli', 'main.js')}`;
    const env_ = { FIRELINE_API_KEY: env.adminToken, FIRELINE_URL: api.url };
    await request(env.app)
      .post('/v1/schedules')
      .send({
        id: 'kept-in-git',
        name: 'Kept in git',
        timeZone: 'UTC',
        layers: [
          {
            participants: ['bob'],
            rotation: { every: 1, unit: 'week' },
            start: '2026-01-05',
            handoffTime: '09:00',
          },
        ],
      })
      .expect(201);
    await request(env.app)
      .post('/v1/escalation-policies')
      .send({
        id: 'policy-in-git',
        name: 'Policy in git',
        levels: [{ delaySeconds: 60, targets: [{ type: 'schedule', id: 'kept-in-git' }] }],
      })
      .expect(201);
    await request(env.app).post('/v1/people').send({ id: 'kept-person', name: 'Kept person' }).expect(201);
    await request(env.app)
      .post('/v1/teams')
      .send({ id: 'kept-team', name: 'Kept team', members: [{ personId: 'kept-person' }] })
      .expect(201);
    const blocks = bashBlocks('docs/oncall.md', '## The on-call model as a file');
    expect(blocks).toHaveLength(1);
    const dir = `$(mktemp -d)`;
    const script = `cd "${dir}"\n${blocks[0]!.replaceAll('npx fireline', cli)}\ncat oncall.json; pwd`;
    const stdout = await runBash(script, env_);
    expect(stdout).toContain(
      'adopted       schedule kept-in-git (made through the API; the file manages it from now on)',
    );
    expect(stdout).toContain('adopted       escalation policy policy-in-git');
    expect(stdout).toContain('adopted       person kept-person');
    expect(stdout).toContain('adopted       team kept-team');
    expect(stdout).toMatch(/Nothing to do: \d+ objects as the file says\./);
    const file = path.join(stdout.trim().split('\n').at(-1)!, 'oncall.json');

    const stored = await request(env.app).get('/v1/schedules/kept-in-git').expect(200);
    expect(stored.body).toMatchObject({ managedBy: 'config', revision: 2 });
    const refused = await request(env.app)
      .put('/v1/schedules/kept-in-git')
      .send({ revision: 2, name: 'Changed by hand', timeZone: 'UTC', layers: stored.body.layers })
      .expect(409);
    expect(refused.body.error.message).toMatch(/managed by a configuration file/);
    await request(env.app).delete('/v1/schedules/kept-in-git?revision=2').expect(409);
    await request(env.app)
      .put('/v1/escalation-policies/policy-in-git')
      .send({
        revision: 2,
        name: 'By hand',
        levels: [{ delaySeconds: 60, targets: [{ type: 'person', id: 'bob' }] }],
      })
      .expect(409);

    // Out of the file: planned, then deleted, the policy before the schedule it pages.
    const model = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Array<{ id: string }>>;
    const leftOut = new Set(['kept-in-git', 'policy-in-git', 'kept-person', 'kept-team']);
    writeFileSync(
      file,
      JSON.stringify(
        Object.fromEntries(
          Object.entries(model).map(([list, objects]) => [list, objects.filter((o) => !leftOut.has(o.id))]),
        ),
      ),
    );
    const planned = await runBash(`${cli} config plan --file ${file}`, env_);
    expect(planned).toContain('would delete  schedule kept-in-git (no longer in the file)');
    expect(planned).toContain('would delete  escalation policy policy-in-git (no longer in the file)');
    const applied = await runBash(`${cli} config apply --file ${file}`, env_);
    expect(applied).toContain('deleted       schedule kept-in-git');
    // Left out of the file too: the team goes before the person it names.
    expect(applied.indexOf('deleted       team kept-team')).toBeLessThan(
      applied.indexOf('deleted       person kept-person'),
    );
    await request(env.app).get('/v1/schedules/kept-in-git').expect(404);
    await request(env.app).get('/v1/escalation-policies/policy-in-git').expect(404);
  });

  it('makes, reads and deletes an escalation policy as written', async () => {
    const blocks = bashBlocks('docs/oncall.md', '## Escalation policies made at run time');
    expect(blocks).toHaveLength(1);
    const cli = `node ${path.join(repo, 'dist', 'cli', 'main.js')}`;
    const script = blocks[0]!
      .replaceAll('localhost:3000', api.url.replace('http://', ''))
      .replaceAll('npx fireline', cli);
    const stdout = await runBash(script, { FIRELINE_API_KEY: env.adminToken, FIRELINE_URL: api.url });
    expect(stdout).toMatch(/night-ops\s+Night operations\s+2\s+1\s+api\s+1\s+user:alice/);
    expect(stdout).toMatch(/sre-default\s+SRE default\s+2\s+1\s+file/);
    expect(stdout).toContain('"id":"night-ops","name":"Night operations"');
    expect(stdout).toContain('"managedBy":"api","revision":1');
    expect(stdout.trim().endsWith('204')).toBe(true);
    await request(env.app).get('/v1/escalation-policies/night-ops').expect(404);
  });

  it('makes people and teams, and refuses to delete a person a team names, as written', async () => {
    const blocks = bashBlocks('docs/oncall.md', '## People and teams made at run time');
    expect(blocks).toHaveLength(1);
    const cli = `node ${path.join(repo, 'dist', 'cli', 'main.js')}`;
    const script = blocks[0]!
      .replaceAll('localhost:3000', api.url.replace('http://', ''))
      .replaceAll('npx fireline', cli);
    const stdout = await runBash(script, { FIRELINE_API_KEY: env.adminToken, FIRELINE_URL: api.url });
    expect(stdout).toContain('"id":"erin","name":"Erin Example","email":"erin@example.com"');
    expect(stdout).toMatch(/erin\s+Erin Example\s+erin@example.com\s+responder\s+api\s+1\s+user:alice/);
    expect(stdout).toMatch(/bob\s+Bob Example\s+bob@example.com\s+responder\s+file/);
    expect(stdout).toContain('"members": [');
    expect(stdout).toContain('"referencedBy":["team night-shift"]');
    await request(env.app).get('/v1/people/erin').expect(200);
  });

  it('makes a service and a routing key that /v2/enqueue takes, as written', async () => {
    const blocks = bashBlocks('docs/oncall.md', '## Services and their integrations');
    expect(blocks).toHaveLength(1);
    const cli = `node ${path.join(repo, 'dist', 'cli', 'main.js')}`;
    const script = [`cd "$(mktemp -d)"`, blocks[0]!]
      .join('\n')
      .replaceAll('localhost:3000', api.url.replace('http://', ''))
      .replaceAll('npx fireline', cli);
    const stdout = await runBash(script, { FIRELINE_API_KEY: env.adminToken, FIRELINE_URL: api.url });
    expect(stdout).toContain(
      '"id":"checkout-api","name":"Checkout API","escalationPolicy":"payments-critical"',
    );
    expect(stdout).toContain('"status":"success","message":"Event processed"');
    const service = await request(env.app).get('/v1/services/checkout-api').expect(200);
    const [integration] = service.body.integrations as Array<{
      type: string;
      name: string;
      secretHint: string;
    }>;
    expect(integration).toMatchObject({ type: 'pagerduty', name: 'Datadog' });
    expect(stdout).toMatch(
      new RegExp(
        `checkout-api\\s+Checkout API\\s+payments-critical\\s+pagerduty …${integration!.secretHint}\\s+api\\s+1`,
      ),
    );
  });
});
