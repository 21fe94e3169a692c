import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../api/app';
import type { StatusSnapshot } from '../../domain/status-page';
import { bashBlocks, listenLocally, repoDir, runBash } from '../helpers/readme-examples';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// docs/status-page.md's curl and CLI examples, run as written against a real API (no worker:
// public incidents and components need none).
describe('docs/status-page.md', () => {
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

  const curlSection = async (heading: string, expected: number) => {
    const blocks = bashBlocks('docs/status-page.md', heading);
    expect(blocks).toHaveLength(expected);
    const outputs: string[] = [];
    for (const block of blocks) {
      const script = `cd "$(mktemp -d)"\n${block.replaceAll('localhost:3000', api.url.replace('http://', ''))}`;
      outputs.push(await runBash(script, { FIRELINE_API_KEY: env.adminToken }));
    }
    return outputs;
  };

  it('makes components, overrides one and clears it, as the Components section says', async () => {
    const [made, override] = await curlSection('## Components', 2);
    // The block's last answer is the page's JSON, right after the two components made.
    expect(made).toContain('"id":"search","name":"Search"');
    expect(made).toContain('{"generatedAt":');
    const page = (await request(env.rawApp).get('/status.json').expect(200)).body as StatusSnapshot;
    expect(page.components.map((c) => [c.id, c.state])).toEqual([
      ['checkout', 'operational'],
      ['search', 'operational'],
    ]);
    expect(override).toContain('"override":{"state":"degraded","by":"user:alice"');
    const search = await request(env.app).get('/v1/status/components/search').expect(200);
    expect(search.body).toMatchObject({ state: 'operational', derived: 'operational' });
    expect(search.body.override).toBeUndefined();
  });

  it('opens, updates and resolves a public incident, as the Public incidents section says', async () => {
    const [out] = await curlSection('## Public incidents and updates', 1);
    expect(out).toContain('"status":"identified"');
    const { incidents } = (await request(env.app).get('/v1/status/incidents').expect(200)).body as {
      incidents: Array<{ title: string; status: string; updates: Array<{ status: string; author: string }> }>;
    };
    expect(incidents[0]).toMatchObject({ title: 'Card payments failing', status: 'resolved' });
    expect(incidents[0]!.updates.map((u) => [u.status, u.author])).toEqual([
      ['investigating', 'alice'],
      ['identified', 'alice'],
      ['resolved', 'alice'],
    ]);
  });

  it('runs the command-line example', async () => {
    const blocks = bashBlocks('docs/status-page.md', '## From the command line');
    expect(blocks).toHaveLength(1);
    const cli = `node ${path.join(repoDir, 'dist', 'cli', 'main.js')}`;
    const stdout = await runBash(`cd "$(mktemp -d)"\n${blocks[0]!.replaceAll('npx fireline', cli)}`, {
      FIRELINE_API_KEY: env.adminToken,
      FIRELINE_URL: api.url,
    });
    expect(stdout).toContain('api: Operational\n');
    expect(stdout).toMatch(/public incident {2}pi_\S+: Slow API responses \(Monitoring\)/);
    expect(stdout).toContain('api: Degraded performance (set by hand; the incidents say Operational)\n');
    expect(stdout).toMatch(/Some systems degraded \(as of /);
    expect(stdout).toMatch(/api\s+Degraded performance\s+100\.00%/);
    expect(stdout).toMatch(/public incident {2}pi_\S+: Slow API responses \(Resolved\)/);
    expect(stdout).toMatch(/resolved\s+Response times have been normal for an hour\. \(alice\)/);
  });

  it("limits each address to STATUS_PAGE_RATE_LIMIT_PER_MINUTE, as 'During an outage' says", async () => {
    const limited = createApp({
      ...env.apiDeps,
      config: { ...env.config, STATUS_PAGE_RATE_LIMIT_PER_MINUTE: 2 },
    });
    await request(limited).get('/status').expect(200);
    await request(limited).get('/status/feed.atom').expect(200);
    const refused = await request(limited).get('/status.json').expect(429);
    expect(refused.body.error.message).toBe('More than 2 requests a minute from this address; retry later');
  });

  it('serves the reader addresses with no key', async () => {
    await request(env.rawApp).get('/status').expect(200).expect('content-type', 'text/html; charset=utf-8');
    await request(env.rawApp).get('/status.json').expect(200);
    await request(env.rawApp).get('/status/feed.atom').expect(200);
  });
});
