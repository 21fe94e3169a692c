import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { bashBlocks, listenLocally, repoDir, runBash } from '../helpers/readme-examples';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// docs/migrating.md's PagerDuty examples, run as written against a real API
// with the repository's own catalog (Alice, Bob and Carol, matched by email),
// and the same import read from a PagerDuty stand-in through its REST API.
const fixtures = path.join(repoDir, 'test/fixtures/pagerduty');
const KEY = 'pd-test-key';

describe('fireline import pagerduty', () => {
  let env: TestEnv;
  let api: Awaited<ReturnType<typeof listenLocally>>;
  let pagerDuty: http.Server;
  let pagerDutyUrl: string;
  const seen: string[] = [];
  const cli = `node ${path.join(repoDir, 'dist', 'cli', 'main.js')}`;

  beforeAll(async () => {
    env = await createTestEnv();
    api = await listenLocally(env.rawApp);
    // The stand-in answers as PagerDuty's API does, users two to a page, and only to its key.
    const users = JSON.parse(readFileSync(path.join(fixtures, 'users.json'), 'utf8')) as { users: unknown[] };
    const schedule = readFileSync(path.join(fixtures, 'schedule-two-layers.json'), 'utf8');
    pagerDuty = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://pd');
      seen.push(`${url.pathname}?${url.searchParams.toString()}`);
      const send = (status: number, body: unknown) =>
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(typeof body === 'string' ? body : JSON.stringify(body));
      if (req.headers.authorization !== `Token token=${KEY}`)
        return send(401, { error: { message: 'Unauthorized' } });
      const offset = Number(url.searchParams.get('offset') ?? 0);
      if (url.pathname === '/users')
        return send(200, {
          users: users.users.slice(offset, offset + 2),
          limit: 2,
          offset,
          more: offset + 2 < users.users.length,
        });
      if (url.pathname === '/schedules')
        return send(200, {
          schedules: [{ id: 'PI7DH85', type: 'schedule', name: 'Checkout primary' }],
          limit: 100,
          offset,
          more: false,
        });
      if (url.pathname === '/schedules/PI7DH85') return send(200, schedule);
      return send(404, { error: { message: 'Not Found' } });
    });
    await new Promise<void>((resolve) => pagerDuty.listen(0, '127.0.0.1', resolve));
    pagerDutyUrl = `http://127.0.0.1:${(pagerDuty.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => pagerDuty.close(resolve));
    await api.close();
    await env.teardown();
  });

  it('plans, imports and imports again as written, and finds PagerDuty’s rendering matched', async () => {
    const blocks = bashBlocks('docs/migrating.md', '## PagerDuty');
    expect(blocks).toHaveLength(1);
    const script = `cd ${repoDir}\n${blocks[0]!.replaceAll('npx fireline', cli)}`;
    const stdout = await runBash(script, { FIRELINE_API_KEY: env.adminToken, FIRELINE_URL: api.url });
    const [planned, applied, again] = stdout.split(/^PagerDuty: /m).slice(1);
    expect(planned).toMatch(/^1 schedules, 4 users \(3 matched by email to Fireline people\)/);
    expect(planned).toContain(
      'would create schedule checkout-primary  ← PagerDuty PI7DH85 "Checkout primary"',
    );
    expect(planned).toContain("= who is on call matches PagerDuty's final schedule");
    expect(planned).toContain('plan only: nothing changed');
    expect(applied).toContain('created      schedule checkout-primary');
    expect(again).toContain('unchanged    schedule checkout-primary');
    expect(stdout).toContain('"source": {\n    "system": "pagerduty",\n    "id": "PI7DH85"');

    const stored = await request(env.app).get('/v1/schedules/checkout-primary').expect(200);
    expect(stored.body).toMatchObject({
      managedBy: 'api',
      revision: 1,
      source: { system: 'pagerduty', id: 'PI7DH85' },
    });
    expect(stored.body.layers.map((l: { participants: string[] }) => l.participants)).toEqual([
      ['bob', 'carol'],
      ['alice'],
    ]);
  });

  it('reads PagerDuty’s API page by page with its key, asking for the next four weeks rendered', async () => {
    const stdout = await runBash(
      `${cli} import pagerduty --api-key ${KEY} --source-url ${pagerDutyUrl} --plan --json`,
      {
        FIRELINE_API_KEY: env.adminToken,
        FIRELINE_URL: api.url,
      },
    );
    const result = JSON.parse(stdout) as {
      plan: boolean;
      schedules: Array<{ action: string; id: string; problems: string[] }>;
    };
    expect(result.plan).toBe(true);
    expect(result.schedules).toEqual([
      expect.objectContaining({ action: 'unchanged', id: 'checkout-primary', problems: [] }),
    ]);
    expect(seen.filter((s) => s.startsWith('/users'))).toEqual([
      '/users?limit=100&offset=0',
      '/users?limit=100&offset=2',
    ]);
    const asked = new URL(`http://pd${seen.find((s) => s.startsWith('/schedules/PI7DH85'))!}`).searchParams;
    expect(Date.parse(asked.get('until')!) - Date.parse(asked.get('since')!)).toBe(28 * 86_400_000);

    const refused = await runBash(
      `${cli} import pagerduty --api-key wrong --source-url ${pagerDutyUrl} --plan || echo "exit $?"`,
      { FIRELINE_API_KEY: env.adminToken, FIRELINE_URL: api.url },
    );
    expect(refused).toContain('exit 1');
  });
});
