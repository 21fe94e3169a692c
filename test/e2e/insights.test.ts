import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onCallCatalog } from '../../config/oncall-catalog';
import { insightsCatalog, seedInsightIncidents } from '../fixtures/insights';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// The Insights page in a real Chromium against the real servers, over the seeded incidents of
// test/fixtures/insights.ts: its charts are images named by their title, its tables hold the
// figures, it raises no CSP or console error, and it fits a phone's width. Screenshots are
// written to /tmp/insights.png and /tmp/insights-phone.png.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOT = process.env.FIRELINE_INSIGHTS_SCREENSHOT ?? '/tmp/insights.png';

describe('Insights in a browser', () => {
  let env: TestEnv;
  let server: http.Server;
  let browser: Browser;
  let baseUrl: string;
  let key: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium was not found at ${CHROMIUM}: set CHROMIUM_PATH`);
    env = await createTestEnv({ catalog: insightsCatalog(onCallCatalog) });
    await seedInsightIncidents(env.models);
    key = await env.createKey('insights-browser', ['incidents:read']);
    server = http.createServer(env.rawApp);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await env?.teardown();
  });

  async function openInsights(
    viewport: { width: number; height: number },
    problems: string[],
  ): Promise<Page> {
    const context = await browser.newContext({ viewport, javaScriptEnabled: false });
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error' || /Content Security Policy|Refused to/i.test(msg.text()))
        problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.goto(`${baseUrl}/ui/login`);
    await page.getByLabel('API key').fill(key);
    await Promise.all([
      page.waitForURL(`${baseUrl}/ui/incidents`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    await Promise.all([
      page.waitForURL(`${baseUrl}/ui/insights`),
      page.getByRole('link', { name: 'Insights' }).click(),
    ]);
    await page.getByLabel('Or from (UTC)').fill('2026-01-05');
    await page.getByLabel('to (UTC, not included)').fill('2026-01-19');
    await Promise.all([
      page.waitForURL(/\/ui\/insights\?/),
      page.getByRole('button', { name: 'Show' }).click(),
    ]);
    return page;
  }

  it('draws every chart, with its numbers beside it, without scripts', async () => {
    const problems: string[] = [];
    const page = await openInsights({ width: 1280, height: 900 }, problems);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Insights');
    for (const name of [
      'Incidents opened per ISO week, stacked by severity',
      'Mean time to acknowledge SEV1 incidents, per ISO week',
      'Mean time to resolve SEV1 incidents, per ISO week',
      'Pages per person, split into night and day',
      'Services by incidents opened',
      'Alerts (service and dedup key) by incidents opened',
    ]) {
      const chart = page.getByRole('img', { name });
      expect(await chart.count()).toBe(1);
      const box = (await chart.boundingBox())!;
      expect(box.width).toBeGreaterThan(200);
      expect(box.height).toBeGreaterThan(80);
    }
    // Three incidents in week 2 make three stacked parts: two SEV1 and one SEV2, as the table says.
    const weekly = page.getByRole('table', { name: 'Incidents per week by severity' });
    expect(await weekly.getByRole('row').nth(1).innerText()).toMatch(
      /2026-W02\s+2026-01-05\s+2\s+1\s+0\s+0\s+3/,
    );
    expect(await page.locator('svg[aria-labelledby^="weekly"] rect').count()).toBe(3);
    const people = page.getByRole('table', { name: 'Pages per person' });
    expect(await people.getByRole('row').nth(1).innerText()).toMatch(
      /Alice Example\s+Europe\/London\s+3\s+1\s+33%\s+3/,
    );
    expect(
      await page.getByRole('table', { name: 'Flapping alerts, with what could stop them' }).innerText(),
    ).toContain('cpu-high');
    await page.screenshot({ path: SHOT, fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('fits a phone: the page never scrolls sideways, each table below its chart', async () => {
    const problems: string[] = [];
    const page = await openInsights({ width: 390, height: 844 }, problems);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    const chart = (await page
      .getByRole('img', { name: 'Pages per person, split into night and day' })
      .boundingBox())!;
    const numbers = (await page.getByRole('table', { name: 'Pages per person' }).boundingBox())!;
    expect(numbers.y).toBeGreaterThan(chart.y + chart.height - 1);
    await page.getByRole('heading', { name: 'Incidents per week by severity' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: SHOT.replace(/\.png$/, '-phone.png') });
    // A year of weeks: the wide chart scrolls sideways inside its figure, the page does not.
    await page.goto(`${baseUrl}/ui/insights?weeks=53`);
    expect(
      await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'),
    ).toBeLessThanOrEqual(0);
    expect(
      await page.getByRole('img', { name: 'Incidents opened per ISO week, stacked by severity' }).count(),
    ).toBe(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
