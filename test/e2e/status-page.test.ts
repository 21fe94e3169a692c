import { existsSync } from 'node:fs';
import http from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import Parser from 'rss-parser';
import request from 'supertest';
import { freePort } from '../../stack/ports';
import { eventually } from '../helpers/http-receiver';
import { createIncidentTestEnv, openIncident } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';

// The public status page in a real Chromium, on a phone's screen with JavaScript off: the
// banner, the components with 90 uptime bars each, the public incident; and its Atom feed read
// by Chromium's XML parser. CI installs Chromium; without it this file fails (it never skips).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = process.env.STATUS_PAGE_SCREENSHOT ?? '/tmp/status.png';
const DAY_MS = 86_400_000;

interface ParsedFeed {
  errors: number;
  root: string;
  self?: string;
  entries: Array<Record<'id' | 'title' | 'content' | 'updated' | 'link' | 'category', string | undefined>>;
}

describe('status page in a browser', () => {
  let env: TestEnv;
  let teardown: (() => Promise<void>) | undefined;
  let server: http.Server | undefined;
  let browser: Browser | undefined;
  let baseUrl: string;
  let liveIncidentId: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium was not found at ${CHROMIUM}: install it or set CHROMIUM_PATH to its binary.`,
      );
    }
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    ({ env, teardown } = await createIncidentTestEnv(
      600,
      {},
      { config: { PUBLIC_URL: baseUrl, STATUS_PAGE_CACHE_SECONDS: 1 } },
    ));
    server = http.createServer(env.rawApp);
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
    }
    await teardown?.();
  });

  it('renders the banner, 90 uptime bars per component and the public incident on a phone without JavaScript', async () => {
    for (const component of [
      { id: 'checkout', name: 'Checkout', services: ['payments'] },
      { id: 'search', name: 'Search', services: ['search'], description: 'Finding products' },
    ])
      await request(env.app).post('/v1/status/components').send(component).expect(201);
    await request(env.app)
      .post('/v1/alerts')
      .send({
        service: 'payments',
        summary: 'Card authorisations failing',
        severity: 'critical',
        dedupKey: 'e2e',
      })
      .expect(202);
    const live = await openIncident(env, 'payments', 'e2e');
    liveIncidentId = live.incidentId;
    // History: the same incident as if it had also happened three days ago, for two hours, as a SEV2.
    const stored = await env.models.Incident.findById(live.incidentId).lean();
    const threeDaysAgo = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 3 * DAY_MS + 8 * 3_600_000);
    await env.models.Incident.create({
      ...stored!,
      _id: `${live.incidentId}-past`,
      severity: 'SEV2',
      status: 'resolved',
      openedAt: threeDaysAgo,
      resolvedAt: new Date(threeDaysAgo.getTime() + 2 * 3_600_000),
    });
    const opened = await request(env.app)
      .post('/v1/status/incidents')
      .send({
        title: 'Card payments failing',
        components: ['checkout'],
        body: 'Some card payments fail; we are investigating. <b>not markup</b>',
      })
      .expect(201);
    await request(env.app)
      .post(`/v1/status/incidents/${opened.body.id}/updates`)
      .send({ status: 'identified', body: 'A faulty card-network route.' })
      .expect(201);

    const context = await browser!.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
    const response = await page.goto(`${baseUrl}/status`);
    expect(response?.status()).toBe(200);

    expect(await page.locator('.banner').innerText()).toBe('Major outage');
    const components = page.locator('.component');
    expect(await components.locator('h3').allInnerTexts()).toEqual(['Checkout', 'Search']);
    expect(await components.locator('.state').allInnerTexts()).toEqual(['Major outage', 'Operational']);
    for (const id of ['checkout', 'search'])
      expect(await page.locator(`#component-${id} svg.bars rect`).count()).toBe(90);

    const today = new Date().toISOString().slice(0, 10);
    const bars = page.locator('#component-checkout svg.bars rect');
    const todayBar = bars.nth(89);
    expect(await todayBar.getAttribute('data-date')).toBe(today);
    expect(await todayBar.getAttribute('fill')).toBe('#c92a2a');
    expect(await todayBar.locator('title').textContent()).toMatch(
      new RegExp(`^\\s*${today}: \\d+\\.\\d\\d% uptime, down `),
    );
    const pastBar = bars.nth(86);
    expect(await pastBar.getAttribute('fill')).toBe('#e8590c');
    expect((await pastBar.locator('title').textContent())?.trim()).toBe(
      `${threeDaysAgo.toISOString().slice(0, 10)}: 91.66% uptime, down 2 h`,
    );
    expect(await page.locator('#component-search svg.bars rect[fill="#2f9e44"]').count()).toBe(90);

    // The bars are drawn: each has a width on screen, and together they fit the phone's width.
    const svgBox = await page.locator('#component-checkout svg.bars').boundingBox();
    const barBox = await todayBar.boundingBox();
    expect(svgBox!.width).toBeLessThanOrEqual(390);
    expect(barBox!.width).toBeGreaterThan(1);
    expect(barBox!.x + barBox!.width).toBeLessThanOrEqual(svgBox!.x + svgBox!.width + 0.5);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    const incident = page.locator('article.incident');
    expect(await incident.locator('h3').innerText()).toBe('Card payments failing');
    expect(await incident.locator('.updates li strong').allInnerTexts()).toEqual([
      'Identified',
      'Investigating',
    ]);
    expect(await incident.locator('.body').last().innerText()).toBe(
      'Some card payments fail; we are investigating. <b>not markup</b>',
    );
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('serves an Atom feed that an XML parser reads: one entry per public update, newest first', async () => {
    const feed = await request(env.rawApp).get('/status/feed.atom').expect(200);
    const context = await browser!.newContext();
    const page = await context.newPage();
    // Chromium's own XML parser, as a feed reader would use: the feed's text goes in as a JSON literal.
    const parsed = await page.evaluate<ParsedFeed>(`(() => {
      const doc = new DOMParser().parseFromString(${JSON.stringify(feed.text)}, 'application/xml');
      const atom = 'http://www.w3.org/2005/Atom';
      const child = (el, name) => el.getElementsByTagNameNS(atom, name)[0];
      return {
        errors: doc.getElementsByTagName('parsererror').length,
        root: doc.documentElement.namespaceURI + ' ' + doc.documentElement.localName,
        self: doc.querySelector('link[rel="self"]')?.getAttribute('href'),
        entries: [...doc.getElementsByTagNameNS(atom, 'entry')].map((entry) => ({
          id: child(entry, 'id')?.textContent,
          title: child(entry, 'title')?.textContent,
          content: child(entry, 'content')?.textContent,
          updated: child(entry, 'updated')?.textContent,
          link: child(entry, 'link')?.getAttribute('href'),
          category: child(entry, 'category')?.getAttribute('label'),
        })),
      };
    })()`);
    await context.close();
    expect(parsed.errors).toBe(0);
    expect(parsed.root).toBe('http://www.w3.org/2005/Atom feed');
    expect(parsed.self).toBe(`${baseUrl}/status/feed.atom`);
    const [id] = /pi_[A-Za-z0-9_-]+/.exec(parsed.entries[0]!.id!) ?? [];
    expect(parsed.entries).toEqual([
      {
        id: `urn:fireline:status:${id}:2`,
        title: 'Identified: Card payments failing',
        content: 'A faulty card-network route.',
        updated: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        link: `${baseUrl}/status#${id}`,
        category: 'Checkout',
      },
      {
        id: `urn:fireline:status:${id}:1`,
        title: 'Investigating: Card payments failing',
        content: 'Some card payments fail; we are investigating. <b>not markup</b>',
        updated: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        link: `${baseUrl}/status#${id}`,
        category: 'Checkout',
      },
    ]);

    // And as a feed reader's library reads it: rss-parser, which takes RSS and Atom.
    const read = await new Parser().parseString(feed.text);
    expect(read.title).toBe('Service status');
    expect(read.items.map((item) => [item.title, item.link, item.id])).toEqual(
      parsed.entries.map((entry) => [entry.title, entry.link, entry.id]),
    );
    expect(read.items[0]!.content).toBe('A faulty card-network route.');
  });

  it("posts a public update from the incident's page, without JavaScript, that the status page then shows", async () => {
    const bob = await env.createKey('status-web', ['incidents:read', 'incidents:write'], { person: 'bob' });
    const context = await browser!.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/ui/login`);
    await page.getByLabel('API key').fill(bob);
    await Promise.all([
      page.waitForURL(`${baseUrl}/ui/incidents`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    await page.goto(`${baseUrl}/ui/incidents/${liveIncidentId}`);
    await page.getByLabel('Public status').selectOption('monitoring');
    await page.getByLabel('Public update', { exact: true }).fill('Payments recover; we keep watching.');
    await Promise.all([
      page.waitForURL(`${baseUrl}/ui/incidents/${liveIncidentId}?done=status-posted`),
      page.getByRole('button', { name: 'Post public update' }).click(),
    ]);
    expect(await page.getByText('Your public update is on the status page.').count()).toBe(1);
    await page.locator('form[action$="/status-updates"]').screenshot({ path: '/tmp/status-form.png' });

    await eventually(async () => {
      await page.goto(`${baseUrl}/status`);
      expect(await page.locator('article.incident .body').first().innerText()).toBe(
        'Payments recover; we keep watching.',
      );
    });
    await context.close();
  });

  it('lets a responder override a component and post an update from /ui/status, without JavaScript', async () => {
    const bob = await env.createKey('status-admin', ['incidents:read', 'incidents:write'], { person: 'bob' });
    const context = await browser!.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/ui/login`);
    await page.getByLabel('API key').fill(bob);
    await Promise.all([
      page.waitForURL(`${baseUrl}/ui/incidents`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    await page.getByRole('link', { name: 'Status page' }).click();
    await page.getByLabel('State of Search').selectOption('degraded');
    await Promise.all([
      page.waitForURL(`${baseUrl}/ui/status?done=overridden`),
      page.getByRole('button', { name: 'Set state of Search' }).click(),
    ]);
    expect(await page.getByRole('status').innerText()).toBe(
      'The component’s state is set: it stands until you clear it.',
    );
    expect(await page.getByRole('row', { name: /Search/ }).innerText()).toContain('set by user:bob');

    const card = page.getByRole('region', { name: 'Card payments failing' });
    await card.getByLabel('Status').selectOption('resolved');
    await card.getByLabel('Public update').fill('Card payments work again.');
    await Promise.all([
      page.waitForURL(`${baseUrl}/ui/status?done=updated`),
      card.getByRole('button', { name: 'Post update on Card payments failing' }).click(),
    ]);
    await page.screenshot({ path: '/tmp/status-admin.png', fullPage: true });
    await context.close();

    await eventually(async () => {
      const json = (await request(env.rawApp).get('/status.json').expect(200)).body as {
        components: Array<{ id: string; state: string }>;
        incidents: Array<{ title: string; status: string }>;
      };
      expect(json.components.find((c) => c.id === 'search')?.state).toBe('degraded');
      expect(json.incidents.find((i) => i.title === 'Card payments failing')?.status).toBe('resolved');
    });
  });
});
