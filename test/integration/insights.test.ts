import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../api/app';
import { onCallCatalog } from '../../config/oncall-catalog';
import {
  insightIncidents,
  insightsCatalog,
  insightsPeriod,
  seedInsightIncidents,
  storeInsightIncidents,
} from '../fixtures/insights';
import { bashBlocks, listenLocally, repoDir, runBash } from '../helpers/readme-examples';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { signInToWebUi } from '../helpers/web-ui-session';

// Insights over seeded incidents in the real MongoDB-wire server: the API's figures, the web
// UI's tables and the docs' examples, each worked out by hand from test/fixtures/insights.ts.
describe('insights', () => {
  let env: TestEnv;
  const range = `from=${insightsPeriod.from}&to=${insightsPeriod.to}`;

  beforeAll(async () => {
    env = await createTestEnv({ catalog: insightsCatalog(onCallCatalog) });
    await seedInsightIncidents(env.models);
  });
  afterAll(async () => env.teardown());

  it('answers every figure of the incidents opened in the period, and none of those outside it', async () => {
    const res = await request(env.app).get(`/v1/insights?${range}`).expect(200);
    expect(res.body.from).toBe('2026-01-05T00:00:00.000Z');
    expect(res.body.to).toBe('2026-01-19T00:00:00.000Z');
    expect(res.body.incidentsPerWeek).toEqual([
      { week: '2026-W02', start: '2026-01-05', SEV1: 2, SEV2: 1, SEV3: 0, SEV4: 0, total: 3 },
      { week: '2026-W03', start: '2026-01-12', SEV1: 0, SEV2: 0, SEV3: 1, SEV4: 0, total: 1 },
    ]);
    const [sev1, sev2, sev3] = res.body.responseTimes;
    expect(sev1.target).toEqual({ acknowledgeWithinSeconds: 300, resolveWithinSeconds: 14400 });
    expect(sev1.weeks[0]).toEqual({
      week: '2026-W02',
      start: '2026-01-05',
      incidents: 2,
      acknowledged: { count: 2, meanSeconds: 360, withinTarget: 1 },
      resolved: { count: 2, meanSeconds: 900, withinTarget: 2 },
    });
    expect(sev2.weeks[0]).toMatchObject({ resolved: { count: 1, meanSeconds: 300, withinTarget: 1 } });
    // The incident's own target, read from triage.sla through the projection: 30 min, missed.
    expect(sev3.weeks[1]).toMatchObject({ acknowledged: { count: 1, meanSeconds: 3600, withinTarget: 0 } });
    expect(res.body.pagesPerPerson).toEqual([
      {
        personId: 'alice',
        name: 'Alice Example',
        timeZone: 'Europe/London',
        pages: 3,
        nightPages: 1,
        nightShare: 0.333,
        incidents: 3,
      },
      {
        personId: 'bob',
        name: 'Bob Example',
        timeZone: 'America/New_York',
        pages: 2,
        nightPages: 1,
        nightShare: 0.5,
        incidents: 2,
      },
      {
        personId: 'carol',
        name: 'Carol Example',
        timeZone: 'UTC',
        pages: 1,
        nightPages: 0,
        nightShare: 0,
        incidents: 1,
      },
    ]);
    expect(res.body.noisiestServices).toEqual([
      { service: 'api', incidents: 3, alerts: 4 },
      { service: 'db', incidents: 1, alerts: 5 },
    ]);
    expect(res.body.noisiestAlerts).toEqual([
      { service: 'api', dedupKey: 'cpu-high', title: 'CPU above 95%', incidents: 3, alerts: 4 },
      { service: 'db', dedupKey: 'disk-full', title: 'Disk full on db1', incidents: 1, alerts: 5 },
    ]);
    expect(res.body.flapping).toMatchObject({
      minIncidents: 3,
      windowSeconds: 86400,
      alerts: [
        {
          service: 'api',
          dedupKey: 'cpu-high',
          incidents: 3,
          mostInWindow: 3,
          windowFrom: '2026-01-05T10:00:00.000Z',
          windowTo: '2026-01-05T23:30:00.000Z',
          medianOpenSeconds: 600,
          medianReturnSeconds: 600,
          suggestions: [{ kind: 'longer-for' }, { kind: 'grouping-rule' }],
        },
      ],
    });

    // A tighter rule: two incidents within an hour is flapping too.
    const tight = await request(env.app)
      .get(`/v1/insights?${range}&flapCount=2&flapWindowHours=1`)
      .expect(200);
    expect(tight.body.flapping.alerts.map((a: { mostInWindow: number }) => a.mostInWindow)).toEqual([2]);
  });

  it('refuses a period it cannot chart, naming the field', async () => {
    const fields = async (query: string) => {
      const res = await request(env.app).get(`/v1/insights?${query}`).expect(400);
      return (res.body.error.details as Array<{ field: string }>).map((d) => d.field);
    };
    expect(await fields(`from=${insightsPeriod.from}`)).toEqual(['query.to']);
    expect(await fields(`${range}&weeks=2`)).toEqual(['query.weeks']);
    expect(await fields('weeks=54')).toEqual(['query.weeks']);
    expect(await fields('from=2025-01-01T00:00:00Z&to=2026-01-19T00:00:00Z')).toEqual(['query.to']);
    expect(await fields(`${range}&flapCount=1`)).toEqual(['query.flapCount']);

    // More incidents than ANALYTICS_MAX_INCIDENTS: 400, not a part of the figures.
    const bounded = createApp({
      ...env.apiDeps,
      config: { ...env.apiDeps.config, ANALYTICS_MAX_INCIDENTS: 3 },
    });
    const key = await env.createKey('insights-reader', ['incidents:read']);
    const tooMany = await request(bounded)
      .get(`/v1/insights?${range}`)
      .set('Authorization', `Bearer ${key}`)
      .expect(400);
    expect(tooMany.body.error.code).toBe('range_too_large');
  });

  it('needs incidents:read', async () => {
    const key = await env.createKey('insights-alerts-only', ['alerts:write']);
    await request(env.rawApp).get(`/v1/insights?${range}`).set('Authorization', `Bearer ${key}`).expect(403);
  });

  it('reads the time zone of a person made at run time', async () => {
    await request(env.app)
      .post('/v1/people')
      .send({ id: 'dora', name: 'Dora Runtime', timeZone: 'Asia/Tokyo' })
      .expect(201);
    // 14:30 UTC is 23:30 in Tokyo (night) and 02:00 UTC is 11:00 there (day): a period of its own.
    const paged = (id: string, at: string) => ({
      ...insightIncidents[3]!,
      id,
      dedupKey: id,
      openedAt: at,
      pages: [{ at, people: ['dora'] }],
    });
    await storeInsightIncidents(env.models, [
      paged('INC-INSIGHTSDOR1', '2026-03-02T14:30:00.000Z'),
      paged('INC-INSIGHTSDOR2', '2026-03-03T02:00:00.000Z'),
    ]);
    const res = await request(env.app)
      .get('/v1/insights?from=2026-03-02T00:00:00Z&to=2026-03-09T00:00:00Z')
      .expect(200);
    expect(res.body.pagesPerPerson).toEqual([
      {
        personId: 'dora',
        name: 'Dora Runtime',
        timeZone: 'Asia/Tokyo',
        pages: 2,
        nightPages: 1,
        nightShare: 0.5,
        incidents: 2,
      },
    ]);
  });

  /** Each row of the page's table captioned `caption`, its cells' text. */
  function tableRows(page: string, caption: string): string[][] {
    const tables = page.split('<table>').slice(1);
    const found = tables.find((t) => /<caption>\s*([\s\S]*?)\s*<\/caption>/.exec(t)?.[1] === caption);
    if (!found) throw new Error(`no table "${caption}" on the page`);
    const body = found.slice(found.indexOf('<tbody>'), found.indexOf('</tbody>'));
    return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
      [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
        cell[1]!
          .replace(/<br \/>/g, ' ')
          .replace(/<[^>]+>/g, '')
          .replace(/&#39;/g, "'")
          .replace(/&quot;/g, '"')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&')
          .replace(/\s+/g, ' ')
          .trim(),
      ),
    );
  }

  it('shows the same figures in the web UI, in the table beside each chart', async () => {
    const key = await env.createKey('insights-web', ['incidents:read']);
    const session = await signInToWebUi(env.rawApp, key);
    const res = await request(env.rawApp)
      .get('/ui/insights?from=2026-01-05&to=2026-01-19')
      .set('Cookie', session.cookie)
      .expect(200);
    const page = res.text;
    expect(page).toContain('4 incidents opened from');
    expect(tableRows(page, 'Incidents per week by severity')).toEqual([
      ['2026-W02 2026-01-05', '2', '1', '0', '0', '3'],
      ['2026-W03 2026-01-12', '0', '0', '1', '0', '1'],
    ]);
    // SEV1 had incidents: its MTTA and MTTR are shown unless another severity is asked for.
    expect(page).toContain('MTTA per week, SEV1 (target 5 min)');
    expect(tableRows(page, 'MTTA per week, SEV1')).toEqual([
      ['2026-W02', '2', '2', '6 min', '1'],
      ['2026-W03', '0', '0', '–', '0'],
    ]);
    expect(tableRows(page, 'MTTR per week, SEV1')).toEqual([
      ['2026-W02', '2', '2', '15 min', '2'],
      ['2026-W03', '0', '0', '–', '0'],
    ]);
    expect(tableRows(page, 'Pages per person')).toEqual([
      ['Alice Example Europe/London', '3', '1', '33%', '3'],
      ['Bob Example America/New_York', '2', '1', '50%', '2'],
      ['Carol Example UTC', '1', '0', '0%', '1'],
    ]);
    expect(tableRows(page, 'Noisiest services')).toEqual([
      ['api', '3', '4'],
      ['db', '1', '5'],
    ]);
    expect(tableRows(page, 'Noisiest alerts')).toEqual([
      ['cpu-high api: CPU above 95%', '3', '4'],
      ['disk-full db: Disk full on db1', '1', '5'],
    ]);
    const [flapping] = tableRows(page, 'Flapping alerts, with what could stop them');
    expect(flapping!.slice(0, 6)).toEqual([
      'cpu-high api: CPU above 95%',
      '3',
      '3',
      '2026-01-05 10:00:00 UTC – 2026-01-05 23:30:00 UTC',
      '10 min',
      '10 min',
    ]);
    expect(flapping![6]).toMatch(/^longer-for: .*grouping-rule: .*resolve: 'manual'/);
    // Every chart is an image with a title and a description.
    expect(page.match(/<svg\s+viewBox[^>]*role="img"/g)).toHaveLength(6);
    expect(page.match(/<desc id="/g)).toHaveLength(6);

    const sev3 = await request(env.rawApp)
      .get('/ui/insights?from=2026-01-05&to=2026-01-19&severity=SEV3')
      .set('Cookie', session.cookie)
      .expect(200);
    expect(tableRows(sev3.text, 'MTTA per week, SEV3')).toEqual([
      ['2026-W02', '0', '0', '–', '0'],
      ['2026-W03', '1', '1', '1 h', '0'],
    ]);

    const refused = await request(env.rawApp)
      .get('/ui/insights?from=2026-01-19&to=2026-01-05')
      .set('Cookie', session.cookie)
      .expect(400);
    expect(refused.text).toContain('to: from must be before to');
  });

  it("runs docs/insights.md's curl example as written", async () => {
    const blocks = bashBlocks('docs/insights.md', '## From the API');
    expect(blocks).toHaveLength(1);
    const api = await listenLocally(env.rawApp);
    try {
      const script = `cd "$(mktemp -d)"\n${blocks[0]!.replaceAll('localhost:3000', api.url.replace('http://', ''))}`;
      const stdout = await runBash(script, { FIRELINE_API_KEY: env.adminToken });
      expect(stdout).toContain('api/cpu-high: 3 incidents within 24 h');
      expect(stdout).toContain('alice: 3 pages, 1 at night');
      expect(stdout).toMatch(/"flapping":\{"minIncidents":5,"windowSeconds":172800,"alerts":\[\]\}/);
    } finally {
      await api.close();
    }
  });

  it("runs docs/insights.md's command-line example as written", async () => {
    const blocks = bashBlocks('docs/insights.md', '## From the command line');
    expect(blocks).toHaveLength(1);
    const cli = `node ${path.join(repoDir, 'dist', 'cli', 'main.js')}`;
    const api = await listenLocally(env.rawApp);
    try {
      const stdout = await runBash(`cd "$(mktemp -d)"\n${blocks[0]!.replaceAll('npx fireline', cli)}`, {
        FIRELINE_API_KEY: env.adminToken,
        FIRELINE_URL: api.url,
      });
      expect(stdout).toMatch(/2026-W02\s+2026-01-05\s+2\s+1\s+0\s+0\s+3\n/);
      expect(stdout).toMatch(/SEV1\s+2026-W02\s+2\s+6 min\s+5 min\s+1\/2\s+15 min\s+4 h\s+2\/2\n/);
      expect(stdout).toMatch(/SEV3\s+2026-W03\s+1\s+1 h\s+1 h\s+0\/1\s+-\s+3 d\s+-\n/);
      expect(stdout).toMatch(/alice\s+Europe\/London\s+3\s+1\s+33%\s+3\n/);
      expect(stdout).toMatch(/bob\s+America\/New_York\s+2\s+1\s+50%\s+2\n/);
      expect(stdout).toMatch(
        /api\s+cpu-high\s+3\s+3\s+2026-01-05T10:00:00.000Z\s+2026-01-05T23:30:00.000Z\n/,
      );
      expect(stdout).toContain('  - longer-for: Its incidents typically resolve within 10 min');
    } finally {
      await api.close();
    }
  });

  it('refuses --from without --to, and a flag that is no number, before asking the API', async () => {
    const cli = `node ${path.join(repoDir, 'dist', 'cli', 'main.js')}`;
    const cliEnv = { FIRELINE_API_KEY: env.adminToken, FIRELINE_URL: 'http://127.0.0.1:9' };
    await expect(runBash(`${cli} insights --from 2026-01-05T00:00:00Z`, cliEnv)).rejects.toThrow(
      /^exit 2\n[\s\S]*--from and --to together/,
    );
    await expect(runBash(`${cli} insights --weeks four`, cliEnv)).rejects.toThrow(
      /^exit 2\n[\s\S]*--weeks takes a number/,
    );
  });
});
