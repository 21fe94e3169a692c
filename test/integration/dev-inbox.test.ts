import { liveOnCallModel } from '../../api/deps';
import { spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../api/app';
import { DevInbox } from '../../infra/dev-inbox';
import { anyChannelConfigured } from '../../stack/channels';
import { repoRoot } from '../../stack/paths';
import { eventually } from '../helpers/http-receiver';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { testCatalog, testRules } from '../helpers/test-catalog';
import { openIncident, timelineOf } from '../helpers/incidents';
import { onCallCatalog } from '../../config/oncall-catalog';

// A newcomer's `npm start` has no channel configured: pages go to the
// development inbox, shown in the web UI and printed in the terminal, marked
// as not sent, instead of failing on the timeline.
describe('development inbox', () => {
  let env: TestEnv;
  const printed: string[] = [];

  beforeAll(async () => {
    env = await createTestEnv({ catalog: testCatalog(600) });
    await env.startWorker({
      triageRules: testRules(),
      catalog: testCatalog(600),
      // No channel variable is set.
      secrets: {},
      devInbox: new DevInbox(env.models, (line) => printed.push(line)),
    });
  });
  afterAll(async () => env.teardown());

  it('keeps pages for channels that are not configured, shows them in the web UI and prints them', async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'checkout', summary: 'Checkout is slow', severity: 'error', dedupKey: 'inbox' })
      .expect(202);
    const incident = await openIncident(env, 'checkout', 'inbox');
    const entries = await eventually(async () => {
      const all = await timelineOf(env, incident.incidentId);
      expect(all.filter((e) => e.type === 'notification.sent')).toHaveLength(2);
      return all;
    });
    expect(entries.filter((e) => e.type === 'notification.failed')).toEqual([]);
    const kept = entries.find((e) => e.type === 'notification.sent' && e.message.includes('level1-hook'));
    expect(kept?.message).toMatch(
      /^Development inbox: the page for level1-hook \(webhook\) .* was kept, not sent: TEST_LEVEL1_URL is not set$/,
    );
    expect(kept?.data).toMatchObject({ devInbox: true });
    expect(printed.some((line) => line.includes(incident.incidentId) && line.includes('level1-hook'))).toBe(
      true,
    );

    // The web UI's inbox page, with the API that `npm start` runs (FIRELINE_DEV_INBOX on).
    const app = createApp({
      ...env.apiDeps,
      onCall: liveOnCallModel(onCallCatalog, env.models, {}),
      config: { ...env.config, FIRELINE_DEV_INBOX: true },
    });
    const agent = request.agent(app);
    const login = await agent.get('/ui/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
    await agent.post('/ui/login').type('form').send({ key: env.adminToken, _csrf: csrf }).expect(303);
    const page = await agent.get('/ui/inbox').expect(200);
    expect(page.text).toContain('Development only: these pages were not sent to anyone.');
    expect(page.text).toContain('Checkout is slow');
    expect(page.text).toContain('<code>TEST_SLACK_URL</code> is not set');
    expect((await agent.get('/ui/incidents').expect(200)).text).toContain('href="/ui/inbox"');
    // Off unless turned on.
    const plain = request.agent(env.rawApp);
    const plainLogin = await plain.get('/ui/login').expect(200);
    const plainCsrf = /name="_csrf" value="([^"]+)"/.exec(plainLogin.text)![1]!;
    await plain.post('/ui/login').type('form').send({ key: env.adminToken, _csrf: plainCsrf }).expect(303);
    await plain.get('/ui/inbox').expect(404);
  });

  it('is what npm start turns on only when no channel can reach anyone', () => {
    const catalog = testCatalog();
    expect(anyChannelConfigured(catalog, {}, {})).toBe(false);
    expect(anyChannelConfigured(catalog, { TEST_SLACK_URL: 'https://hooks.slack.test/x' }, {})).toBe(true);
    // Email reaches someone only when someone has an address.
    expect(anyChannelConfigured(catalog, {}, { SMTP_URL: 'smtp://localhost:25' })).toBe(false);
    const withEmail = { ...catalog, people: [{ id: 'dave', name: 'Dave Test', email: 'dave@example.com' }] };
    expect(anyChannelConfigured(withEmail, {}, { SMTP_URL: 'smtp://localhost:25' })).toBe(true);
    // A signed webhook needs its secret too.
    expect(anyChannelConfigured(catalog, { TEST_LEVEL1_URL: 'https://hooks.test/x' }, {})).toBe(false);
  });
});

// A page kept in the development inbox reaches nobody: a production process must not start with it.
describe('development inbox with NODE_ENV=production', () => {
  const entryPoints = ['worker/main.js', 'api/main.js', 'stack/start.js'];

  it.each(entryPoints)('stops %s at start with a message naming both variables', async (entry) => {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', entry)], {
      env: { ...process.env, NODE_ENV: 'production', FIRELINE_DEV_INBOX: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('FIRELINE_DEV_INBOX=true is refused with NODE_ENV=production');
  });
});
