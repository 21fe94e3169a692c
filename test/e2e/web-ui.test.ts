import { liveOnCallModel } from '../../api/deps';
import { existsSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { createApp } from '../../api/app';
import type { ApprovalRequest } from '../../domain/runbook';
import { signActionToken } from '../../infra/action-links';
import { freePort } from '../../stack/ports';
import { createLogger } from '../../infra/logger';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { createIncidentTestEnv, openIncident, timelineOf } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';
import { postmortemIdOf } from '../../workflows/postmortem/ids';
import { onCallCatalog } from '../../config/oncall-catalog';

// The server-rendered web UI in a real Chromium against the real servers:
// sign-in, the incident list and page with its live timeline, approving a
// runbook step, scopes, CSRF, post-mortems. CI installs Chromium; without it
// this file fails (it never skips).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TEMPORAL_UI = 'http://temporal-ui.test:8233';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const LINK_SECRET = 'web-ui-test-action-link-secret-0123456789';

describe('web UI in a browser', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: (() => Promise<void>) | undefined;
  let server: http.Server | undefined;
  let browser: Browser | undefined;
  let baseUrl: string;
  const screenshots = mkdtempSync(path.join(os.tmpdir(), 'fireline-web-ui-'));
  const previousUiUrl = process.env.TEMPORAL_UI_URL;
  /** Console errors, uncaught page errors and CSP violations of every page. */
  let problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium was not found at ${CHROMIUM}. The web UI test needs it: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH to its binary.`,
      );
    }
    // Picked up by createTestEnv's loadConfig(), so the pages link workflows to this Temporal Web UI.
    process.env.TEMPORAL_UI_URL = TEMPORAL_UI;
    // The API's public address is the browser's: links it signs (calendar feeds, action links) open here.
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    ({ env, receiver, teardown } = await createIncidentTestEnv(
      600,
      {},
      { config: { ACTION_LINK_SECRET: LINK_SECRET, PUBLIC_URL: baseUrl } },
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
    if (previousUiUrl === undefined) delete process.env.TEMPORAL_UI_URL;
    else process.env.TEMPORAL_UI_URL = previousUiUrl;
  });

  beforeEach(() => {
    problems = [];
  });

  /** A page whose console errors, page errors and CSP reports land in `problems` (but for expected HTTP statuses). */
  async function watchedPage(context: BrowserContext, allowedStatuses: number[] = []): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (msg) => {
      const text = msg.text();
      // Chromium reports every 4xx as "Failed to load resource: … status of 4xx", without the URL:
      // the response handler below reports those with theirs.
      if (text.startsWith('Failed to load resource: the server responded with a status of')) return;
      if (msg.type() === 'error' || /Content Security Policy|Refused to/i.test(text)) {
        problems.push(`console ${msg.type()}: ${text}`);
      }
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && !allowedStatuses.includes(response.status()))
        problems.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    return page;
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${baseUrl}/ui/login`);
    await page.getByLabel('API key').fill(token);
    await Promise.all([
      page.waitForURL(`${baseUrl}/ui/incidents`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
  }

  async function pendingApproval(incidentId: string): Promise<ApprovalRequest> {
    return eventually(async () => {
      const res = await request(env.app).get(`/v1/incidents/${incidentId}/approvals`).expect(200);
      const pending = (res.body.approvals as ApprovalRequest[]).find((a) => a.status === 'pending');
      expect(pending).toBeDefined();
      return pending!;
    }, 30_000);
  }

  function startRollback(incidentId: string) {
    return request(env.app)
      .post(`/v1/incidents/${incidentId}/runbooks`)
      .send({
        runbookId: 'rollback-deploy',
        params: {
          deployUrlEnv: 'DEPLOY_WEBHOOK_URL',
          badRelease: 'v42',
          goodRelease: 'v41',
          errorRateCheckUrl: receiver.url('/api/errors'),
          verifySeconds: 10,
        },
      })
      .expect(202);
  }

  it('sends a browser without a session to the sign-in page, and refuses a bad key', async () => {
    const context = await browser!.newContext();
    const page = await watchedPage(context, [401, 403]);
    await page.goto(`${baseUrl}/`);
    expect(page.url()).toBe(`${baseUrl}/ui/login?next=%2Fui%2Fincidents`);
    await page.goto(`${baseUrl}/ui/incidents/INC-0123456789AB`);
    expect(new URL(page.url()).pathname).toBe('/ui/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/ui/incidents/INC-0123456789AB');
    expect(await page.getAttribute('html', 'lang')).toBe('en');

    await page.getByLabel('API key').fill('fl_000000000000_' + 'x'.repeat(43));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('not valid or was revoked');
    expect((await context.cookies()).map((c) => c.name)).not.toContain('fireline_session');

    // A key without incidents:read cannot sign in.
    const writer = await env.createKey('web-alerts-only', ['alerts:write']);
    await page.getByLabel('API key').fill(writer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('lacks the incidents:read scope').waitFor();
    await context.close();
    expect(problems).toEqual([]);
  });

  it('lists open incidents, shows one with its live timeline, and approves a runbook step', async () => {
    // Acting as dave, whom the escalation policy reaches: he may approve.
    const token = await env.createKey('web-responder', ['incidents:read', 'approvals:decide'], {
      person: 'dave',
    });
    const context = await browser!.newContext();
    const page = await watchedPage(context);
    await signIn(page, token);
    const cookies = await context.cookies();
    // The cookie holds a session id, never the key.
    expect(cookies.map((c) => c.value).join(' ')).not.toContain(token.slice(-43));
    expect(cookies.find((c) => c.name === 'fireline_session')).toMatchObject({
      value: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      httpOnly: true,
      sameSite: 'Strict',
      secure: false,
      path: '/ui',
    });
    expect(cookies.find((c) => c.name === 'fireline_csrf')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });

    // Markup in the title must come out as text.
    const title = 'Checkout errors after deploy <b>v42</b> & "quotes"';
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'checkout', summary: title, severity: 'critical', dedupKey: 'web-ui-deploy' })
      .expect(202);
    const incident = await openIncident(env, 'checkout', 'web-ui-deploy');

    await page.reload();
    const link = page.getByRole('link', { name: title });
    await link.waitFor();
    const row = page.getByRole('row').filter({ has: link });
    const rowText = await row.innerText();
    expect(rowText).toContain(incident.severity);
    expect(rowText).toContain('triggered');
    expect(rowText).toContain('checkout');
    expect(rowText).toContain(incident.team);
    expect(rowText).toMatch(/Level 1 of 2: channel level1-hook/);
    expect(await page.locator('main b').count()).toBe(0);

    await Promise.all([page.waitForURL(`${baseUrl}/ui/incidents/${incident.incidentId}`), link.click()]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(title);
    const timeline = page.getByRole('table', { name: /entr(y|ies), oldest first/ });
    expect(await timeline.innerText()).toContain('incident.opened');
    expect(await timeline.innerText()).toContain('triage');
    const workflowLink = page.getByRole('link', { name: `${incident.workflowId} in the Temporal Web UI` });
    expect(await workflowLink.getAttribute('href')).toBe(
      `${TEMPORAL_UI}/namespaces/${env.config.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(incident.workflowId)}`,
    );

    // A runbook that needs approval; the open page picks it up by itself (live refresh, no reload here).
    await startRollback(incident.incidentId);
    const approval = await pendingApproval(incident.incidentId);
    const approve = page.getByRole('button', { name: `Approve ${approval.approvalId}` });
    await approve.waitFor({ timeout: 30_000 });
    expect(await page.getByText('Roll checkout back from v42 to v41?').count()).toBeGreaterThan(0);
    expect(receiver.to('/deploy')).toHaveLength(0);

    await page.getByLabel('Comment (optional)').fill('ship it');
    await Promise.all([page.waitForURL(/outcome=approved/), approve.click()]);
    expect(await page.getByRole('status').innerText()).toContain(`You approved ${approval.approvalId}.`);

    // The run goes on: rolled back through the deploy webhook, verified.
    await eventually(async () => {
      const current = await openIncident(env, 'checkout', 'web-ui-deploy');
      expect(current.runbookRuns[0]?.status).toBe('succeeded');
    }, 30_000);
    expect(receiver.to('/deploy').map((r) => (r.body as { release: string }).release)).toEqual(['v41']);
    const entries = await timelineOf(env, incident.incidentId);
    expect(entries.find((e) => e.type === 'approval.decided')).toMatchObject({
      actor: 'user:dave',
      message: `Approval ${approval.approvalId} approved: ship it`,
    });

    // …and the page shows it, again without a reload.
    await eventually(async () => {
      const text = await page.locator('#live').innerText();
      expect(text).toContain('Runbook rollback-deploy succeeded');
      expect(text).toMatch(/approval\.decided\s+user:dave\s+Approval \S+ approved: ship it/);
      expect(text).toMatch(/roll back\s+action\s+succeeded/);
    }, 30_000);
    const decided = page.getByRole('table', { name: 'Decided approvals' });
    expect(await decided.innerText()).toContain('user:dave');

    const png = await page.screenshot({ fullPage: true, path: path.join(screenshots, 'incident.png') });
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.length).toBeGreaterThan(10_000);
    expect(await page.evaluate<string>('document.body.innerText')).toContain(title);

    // Signing out ends the session; the pages send the browser back to sign in.
    await Promise.all([
      page.waitForURL(`${baseUrl}/ui/login?signedOut=1`),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    expect((await context.cookies()).map((c) => c.name)).not.toContain('fireline_session');
    await page.goto(`${baseUrl}/ui/incidents`);
    expect(new URL(page.url()).pathname).toBe('/ui/login');
    await context.close();
    expect(problems).toEqual([]);
  }, 120_000);

  it('lets a responder acknowledge, note, run a runbook, approve its gate, edit and resolve from the browser', async () => {
    // The key's name is not who acts: carol, the person it is linked to, is.
    const token = await env.createKey(
      'web-oncall',
      ['incidents:read', 'incidents:write', 'runbooks:run', 'approvals:decide'],
      { person: 'carol' },
    );
    const context = await browser!.newContext();
    const page = await watchedPage(context, [400, 403]);
    await signIn(page, token);
    await request(env.app)
      .post('/v1/alerts')
      .send({
        service: 'payments',
        summary: 'Payment errors after deploy',
        severity: 'critical',
        dedupKey: 'web-respond',
      })
      .expect(202);
    const incident = await openIncident(env, 'payments', 'web-respond');

    // The board, filtered to the service, acknowledges from its row and stays filtered.
    await page.goto(`${baseUrl}/ui/incidents`);
    await page.getByLabel('Service').fill('payments');
    await Promise.all([
      page.waitForURL(/service=payments/),
      page.getByRole('button', { name: 'Filter' }).click(),
    ]);
    expect(await page.getByRole('link', { name: 'Payment errors after deploy' }).count()).toBe(1);
    await Promise.all([
      page.waitForURL(/\/ui\/incidents\?service=payments/),
      page.getByRole('button', { name: `Acknowledge ${incident.incidentId}` }).click(),
    ]);
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: 'Payment errors after deploy' }) });
    expect(await row.innerText()).toContain('acknowledged');

    await page.goto(`${baseUrl}/ui/incidents/${incident.incidentId}`);
    expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    await page.getByLabel('Note', { exact: true }).fill('Looking at the v42 deploy');
    await Promise.all([
      page.waitForURL(/done=noted/),
      page.getByRole('button', { name: 'Add note' }).click(),
    ]);
    expect(await page.getByRole('status').innerText()).toContain('Your note is on the timeline.');

    // The runbook form comes from its JSON Schema; the API's validation errors show next to the fields.
    const rollback = page.locator('details', { hasText: 'Roll back a bad deploy' });
    await rollback.locator('summary').click();
    const badRelease = rollback.getByLabel(/^badRelease/);
    await badRelease.fill('v42 bad!');
    await rollback.getByLabel(/^goodRelease/).fill('v41');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/runbooks') && r.request().method() === 'POST'),
      rollback.getByRole('button', { name: 'Start rollback-deploy' }).click(),
    ]);
    expect(refused.status()).toBe(400);
    expect(await page.locator('#rb-rollback-deploy-badRelease-error').innerText()).toMatch(
      /must match pattern/,
    );
    expect(await page.locator('#rb-rollback-deploy-errorRateCheckUrl-error').innerText()).toBe('is required');
    expect(await rollback.getByLabel(/^badRelease/).inputValue()).toBe('v42 bad!');
    expect(await rollback.getByLabel(/^deployUrlEnv/).inputValue()).toBe('DEPLOY_WEBHOOK_URL');
    await rollback.getByLabel(/^badRelease/).fill('v42');
    await rollback.getByLabel(/^errorRateCheckUrl/).fill(receiver.url('/api/errors'));
    await rollback.getByLabel(/^verifySeconds/).fill('10');
    await Promise.all([
      page.waitForURL(/done=runbook-started/),
      rollback.getByRole('button', { name: 'Start rollback-deploy' }).click(),
    ]);

    // Whoever started the run may not approve it: the refusal's reason is on the page.
    const approval = await pendingApproval(incident.incidentId);
    await page.reload();
    const [selfApproval] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/approve') && r.request().method() === 'POST'),
      page.getByRole('button', { name: `Approve ${approval.approvalId}` }).click(),
    ]);
    expect(selfApproval.status()).toBe(403);
    expect(await page.getByRole('alert').innerText()).toMatch(
      /user:carol started this run and may not approve it too/,
    );
    // The refusal is rendered at the form's action URL: the live region refreshes from the incident's own page.
    const refresh = await page.waitForRequest((r) => r.method() === 'GET' && r.resourceType() === 'fetch', {
      timeout: 20_000,
    });
    expect(new URL(refresh.url()).pathname).toBe(`/ui/incidents/${incident.incidentId}`);

    // A second responder approves it in their own browser.
    const approverContext = await browser!.newContext();
    const approverPage = await watchedPage(approverContext);
    await signIn(
      approverPage,
      await env.createKey('web-approver', ['incidents:read', 'approvals:decide'], { person: 'dave' }),
    );
    await approverPage.goto(`${baseUrl}/ui/incidents/${incident.incidentId}`);
    await Promise.all([
      approverPage.waitForURL(/outcome=approved/),
      approverPage.getByRole('button', { name: `Approve ${approval.approvalId}` }).click(),
    ]);
    await approverContext.close();
    await eventually(async () => {
      const current = await openIncident(env, 'payments', 'web-respond');
      expect(current.runbookRuns[0]?.status).toBe('succeeded');
    }, 30_000);

    await page.goto(`${baseUrl}/ui/incidents/${incident.incidentId}`);
    await page.getByLabel('Severity', { exact: true }).selectOption('SEV2');
    await page.getByLabel('Commander').fill('dana');
    await Promise.all([
      page.waitForURL(/done=edited/),
      page.getByRole('button', { name: 'Save changes' }).click(),
    ]);
    await page.getByLabel('Resolution note (optional)').fill('Rolled back to v41');
    await Promise.all([
      page.waitForURL(/done=resolved/),
      page.getByRole('button', { name: 'Resolve' }).click(),
    ]);
    expect(await page.getByRole('status').innerText()).toContain('You resolved the incident.');

    const entries = await eventually(async () => {
      const all = await timelineOf(env, incident.incidentId);
      expect(all.map((e) => e.type)).toContain('resolved');
      return all;
    });
    const by = (type: string) => entries.filter((e) => e.type === type).map((e) => e.actor);
    expect(by('acknowledged')).toEqual(['user:carol']);
    expect(by('note')).toEqual(['user:carol']);
    expect(entries.find((e) => e.type === 'note')?.message).toBe('Looking at the v42 deploy');
    expect(by('runbook.started')).toEqual(['user:carol']);
    expect(by('approval.decided')).toEqual(['user:dave']);
    expect(by('updated')).toEqual(['user:carol']);
    expect(entries.find((e) => e.type === 'updated')?.data).toEqual({ severity: 'SEV2', commander: 'dana' });
    expect(by('resolved')).toEqual(['user:carol']);
    expect(entries.find((e) => e.type === 'resolved')?.message).toBe(
      'Resolved by user:carol: Rolled back to v41',
    );
    await context.close();
    expect(problems).toEqual([]);
  }, 150_000);

  it('responds without JavaScript, shows a refusal with its reason, and hides what the key may not do', async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'payments', summary: 'Refunds slow', severity: 'error', dedupKey: 'web-nojs' })
      .expect(202);
    const incident = await openIncident(env, 'payments', 'web-nojs');
    const context = await browser!.newContext({ javaScriptEnabled: false });
    const page = await watchedPage(context, [409]);
    await signIn(
      page,
      await env.createKey('web-nojs', ['incidents:read', 'incidents:write'], { person: 'bob' }),
    );
    await page.goto(`${baseUrl}/ui/incidents/${incident.incidentId}`);
    // The forms would be cleared by a reload: no meta refresh here, a link instead.
    expect(await page.locator('noscript meta[http-equiv="refresh"]').count()).toBe(0);
    expect(await page.getByText('lacks runbooks:run').count()).toBe(1);
    expect(await page.getByRole('button', { name: /^Start / }).count()).toBe(0);

    // Someone else acknowledged meanwhile: this stale page's Acknowledge is refused with the reason.
    await request(env.app).post(`/v1/incidents/${incident.incidentId}/acknowledge`).send({}).expect(200);
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/acknowledge') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Acknowledge' }).click(),
    ]);
    expect(refused.status()).toBe(409);
    expect(await page.getByRole('alert').first().innerText()).toBe('The incident is already acknowledged');

    await page.getByLabel('Snooze for').selectOption({ label: '30 minutes' });
    await Promise.all([
      page.waitForURL(/done=snoozed/),
      page.getByRole('button', { name: 'Snooze' }).click(),
    ]);
    await page.getByLabel('Reason (optional)').fill('customers affected');
    await Promise.all([
      page.waitForURL(/done=escalated/),
      page.getByRole('button', { name: 'Escalate now' }).click(),
    ]);
    const live = await openIncident(env, 'payments', 'web-nojs');
    expect(live.status).toBe('triggered');
    const entries = await timelineOf(env, incident.incidentId);
    expect(entries.find((e) => e.type === 'snoozed')).toMatchObject({
      actor: 'user:bob',
      data: { durationSeconds: 1800 },
    });
    expect(entries.find((e) => e.type === 'escalated')?.message).toMatch(/customers affected/);

    // A key that may only read sees no forms at all.
    const reader = await browser!.newContext({ javaScriptEnabled: false });
    const readerPage = await watchedPage(reader);
    await signIn(readerPage, await env.createKey('web-read-only', ['incidents:read']));
    await readerPage.goto(`${baseUrl}/ui/incidents/${incident.incidentId}`);
    expect(await readerPage.getByText('(web-read-only) lacks incidents:write').count()).toBe(1);
    expect(await readerPage.locator('form.action').count()).toBe(0);
    await readerPage.goto(`${baseUrl}/ui/incidents`);
    expect(await readerPage.getByRole('button', { name: /^Acknowledge/ }).count()).toBe(0);
    await reader.close();
    await context.close();
    expect(problems).toEqual([]);
  }, 90_000);

  it('shows who is on call, and adds and deletes an override from the On call page', async () => {
    const context = await browser!.newContext();
    const page = await watchedPage(context, [400]);
    await signIn(page, await env.createKey('web-scheduler', ['incidents:read', 'oncall:write']));
    await page.getByRole('link', { name: 'On call' }).click();
    await page.waitForURL(`${baseUrl}/ui/oncall`);
    const section = page.locator('section', { has: page.getByRole('heading', { name: /^Always Dave/ }) });
    expect(await section.innerText()).toContain('On call now: Dave Test');

    // Times are in the schedule's zone (UTC for this one); the end before the start is refused next to it.
    const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    const now = Date.now();
    await section.getByLabel('Who covers').selectOption({ label: 'Erin Test' });
    await section.getByLabel('From (UTC)').fill(local(now + 2 * 3_600_000));
    await section.getByLabel('Until (UTC)').fill(local(now + 3_600_000));
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/overrides') && r.request().method() === 'POST'),
      section.getByRole('button', { name: 'Add override' }).click(),
    ]);
    expect(refused.status()).toBe(400);
    const again = page.locator('section', { has: page.getByRole('heading', { name: /^Always Dave/ }) });
    expect(await again.locator('#ovr-always-dave-end-error').innerText()).toBe('must be after start');
    expect(await again.getByLabel('Who covers').inputValue()).toBe('erin');

    await again.getByLabel('From (UTC)').fill(local(now - 60_000));
    await again.getByLabel('Until (UTC)').fill(local(now + 2 * 3_600_000));
    await again.getByLabel('Note (optional)').fill('dave at the dentist');
    await Promise.all([
      page.waitForURL(/done=override-added/),
      again.getByRole('button', { name: 'Add override' }).click(),
    ]);
    const covered = page.locator('section', { has: page.getByRole('heading', { name: /^Always Dave/ }) });
    expect(await covered.innerText()).toContain('On call now: Erin Test');
    expect(await covered.getByRole('table', { name: 'Overrides of Always Dave' }).innerText()).toContain(
      'dave at the dentist',
    );
    const onCall = await request(env.app).get('/v1/oncall').expect(200);
    expect(onCall.body.schedules).toContainEqual(
      expect.objectContaining({ id: 'always-dave', onCall: { id: 'erin', name: 'Erin Test' } }),
    );

    // A calendar feed of the schedule: its URL is shown once, and serves iCalendar.
    await covered.getByRole('button', { name: 'Calendar feed of Always Dave' }).click();
    const feedUrl = await page.locator('.notice code').innerText();
    expect(feedUrl).toMatch(/\/v1\/calendar\.ics\?token=fc_/);
    const feed = await fetch(feedUrl);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(await feed.text()).toContain('SUMMARY:On call: Erin Test');

    await page.goto(`${baseUrl}/ui/oncall`);
    const overrideId = (onCall.body.schedules as Array<{ id: string; overrideId?: string }>).find(
      (s) => s.id === 'always-dave',
    )!.overrideId!;
    await Promise.all([
      page.waitForURL(/done=override-deleted/),
      page.getByRole('button', { name: `Delete ${overrideId}` }).click(),
    ]);
    expect(
      await page.locator('section', { has: page.getByRole('heading', { name: /^Always Dave/ }) }).innerText(),
    ).toContain('On call now: Dave Test');
    await context.close();
    expect(problems).toEqual([]);
  }, 90_000);

  it('makes a schedule with two layers and a restriction, and draws who is on call when', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 1100 } });
    const page = await watchedPage(context, [400]);
    await signIn(page, await env.createKey('web-schedule-maker', ['incidents:read', 'oncall:write']));
    await page.goto(`${baseUrl}/ui/oncall`);
    await page.getByRole('link', { name: 'New schedule' }).click();
    await page.waitForURL(`${baseUrl}/ui/schedules/new`);
    await page.getByLabel('Id').fill('web-made');
    await page.getByLabel('Name', { exact: true }).fill('Made in the browser');
    await page.getByLabel('Time zone').fill('UTC');
    const first = page.getByRole('group', { name: 'Layer 1' });
    await first.getByLabel('Who, in rotation order').fill('dave');
    await first.getByLabel('First shift (date)').fill('2026-01-05');
    const second = page.getByRole('group', { name: 'Layer 2' });
    await second.getByLabel('Name (optional)').fill('office hours');
    await second.getByLabel('Who, in rotation order').fill('erin');
    await second.getByLabel('Unit').selectOption('day');
    await second.getByLabel('First shift (date)').fill('2026-01-05');
    await second.getByLabel('On call only in (optional)').fill('weekdays 9 to 5');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/ui/schedules') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Make the schedule' }).click(),
    ]);
    expect(refused.status()).toBe(400);
    expect(await page.locator('#f-layers-1-restrictions-error').innerText()).toMatch(
      /line 1 .* is not a window/,
    );
    // What was typed is still there.
    expect(
      await page.getByRole('group', { name: 'Layer 2' }).getByLabel('Who, in rotation order').inputValue(),
    ).toBe('erin');

    await page
      .getByRole('group', { name: 'Layer 2' })
      .getByLabel('On call only in (optional)')
      .fill('weekdays 09:00-17:00');
    await Promise.all([
      page.waitForURL(/\/ui\/schedules\/web-made\?done=created/),
      page.getByRole('button', { name: 'Make the schedule' }).click(),
    ]);
    const stored = await request(env.app).get('/v1/schedules/web-made').expect(200);
    expect(stored.body).toMatchObject({
      managedBy: 'api',
      revision: 1,
      createdBy: 'user:web-schedule-maker',
    });
    expect(stored.body.layers[1]).toMatchObject({
      name: 'office hours',
      rotation: { every: 1, unit: 'day' },
    });
    expect(stored.body.layers[1].restrictions).toHaveLength(5);

    // The timeline: Erin on weekdays 09:00–17:00, Dave the rest, nobody missing.
    const bars = await page.locator('g.row.final g.shift').evaluateAll((gs) =>
      gs.map((g) => ({
        person: g.getAttribute('data-person'),
        title: (g.querySelector('title')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      })),
    );
    const erin = bars.filter((b) => b.person === 'erin');
    expect(erin.length).toBeGreaterThanOrEqual(8);
    // Each of Erin's stretches lies within 09:00–17:00 of one weekday (the first and last cut by the picture's edges).
    for (const bar of erin) {
      const m = /^Erin Test: (Mon|Tue|Wed|Thu|Fri) (\d+ \w+), (\d\d:\d\d) – \1 \2, (\d\d:\d\d)$/.exec(
        bar.title,
      );
      expect(m).not.toBeNull();
      expect(m![3]! >= '09:00' && m![4]! <= '17:00').toBe(true);
    }
    expect(
      erin.filter((b) => b.title.includes('09:00 –') && b.title.endsWith('17:00')).length,
    ).toBeGreaterThanOrEqual(8);
    expect(bars.filter((b) => b.person === 'dave').length).toBeGreaterThanOrEqual(erin.length - 2);
    expect(await page.locator('g.gap').count()).toBe(0);
    expect(await page.getByRole('img', { name: /^Who is on call from/ }).count()).toBe(1);
    await page.screenshot({ path: path.join(screenshots, 'schedule-editor.png'), fullPage: true });

    // A change: Carol joins the first layer; the page says which revision it is at now.
    await page
      .getByRole('group', { name: 'Layer 1' })
      .getByLabel('Who, in rotation order')
      .fill('dave, carol');
    await Promise.all([page.waitForURL(/done=saved/), page.getByRole('button', { name: 'Save' }).click()]);
    expect(await page.locator('p.lead').innerText()).toContain('revision 2');
    const changed = await request(env.app).get('/v1/schedules/web-made').expect(200);
    expect(changed.body.layers[0].participants).toEqual(['dave', 'carol']);

    await page.goto(`${baseUrl}/ui/schedules/web-made`);
    await Promise.all([
      page.waitForURL(/done=schedule-deleted/),
      page.getByRole('button', { name: 'Delete Made in the browser' }).click(),
    ]);
    await request(env.app).get('/v1/schedules/web-made').expect(404);
    await context.close();
    expect(problems).toEqual([]);
  }, 90_000);

  it('makes an escalation policy with a round-robin level and a fallback, and changes it', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 1100 } });
    const page = await watchedPage(context, [400]);
    await signIn(page, await env.createKey('web-policy-maker', ['incidents:read', 'oncall:write']));
    await page.goto(`${baseUrl}/ui/oncall`);
    await page.getByRole('link', { name: 'New escalation policy' }).click();
    await page.waitForURL(`${baseUrl}/ui/policies/new`);
    await page.getByLabel('Id', { exact: true }).fill('web-policy');
    await page.getByLabel('Name', { exact: true }).fill('Made in the browser');
    const first = page.getByRole('group', { name: 'Level 1' });
    await first.getByLabel('Page').fill('schedule:always-dave, channel:team-slack');
    await first.getByLabel('Then wait for an acknowledgement').fill('90s');
    const second = page.getByRole('group', { name: 'Level 2' });
    await second.getByLabel('Page').fill('person:erin, person:nobody-here');
    await second.getByLabel('Then wait for an acknowledgement').fill('a while');
    await second.getByLabel(/round robin/).check();
    await page.getByLabel('Then tell (optional)').fill('channel:fallback-hook');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/ui/policies') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Make the policy' }).click(),
    ]);
    expect(refused.status()).toBe(400);
    expect(await page.locator('#f-levels-1-wait-error').innerText()).toMatch(/write a wait such as/);
    await page
      .getByRole('group', { name: 'Level 2' })
      .getByLabel('Then wait for an acknowledgement')
      .fill('10m');
    await page.getByRole('button', { name: 'Make the policy' }).click();
    // The API's own check names the unknown person on the row that has it.
    expect(await page.locator('#f-levels-1-targets-error').innerText()).toBe('nobody-here is not a person');
    expect(
      await page
        .getByRole('group', { name: 'Level 2' })
        .getByLabel(/round robin/)
        .isChecked(),
    ).toBe(true);

    await page.getByRole('group', { name: 'Level 2' }).getByLabel('Page').fill('person:erin, person:carol');
    await Promise.all([
      page.waitForURL(/\/ui\/policies\/web-policy\?done=created/),
      page.getByRole('button', { name: 'Make the policy' }).click(),
    ]);
    const stored = await request(env.app).get('/v1/escalation-policies/web-policy').expect(200);
    expect(stored.body).toMatchObject({
      managedBy: 'api',
      revision: 1,
      createdBy: 'user:web-policy-maker',
      levels: [
        {
          delaySeconds: 90,
          targets: [
            { type: 'schedule', id: 'always-dave' },
            { type: 'channel', id: 'team-slack' },
          ],
        },
        {
          delaySeconds: 600,
          roundRobin: true,
          targets: [
            { type: 'person', id: 'erin' },
            { type: 'person', id: 'carol' },
          ],
        },
      ],
      repeat: 0,
      fallback: [{ type: 'channel', id: 'fallback-hook' }],
    });
    const levels = await page.getByRole('table', { name: /^Levels/ }).innerText();
    expect(levels).toContain('2 (round robin)');
    expect(levels).toContain('person:erin, person:carol');
    await page.screenshot({ path: path.join(screenshots, 'policy-editor.png'), fullPage: true });

    // A change: the levels run twice; the On call page links the policy.
    await page.getByLabel('Run the levels again').fill('1');
    await Promise.all([page.waitForURL(/done=saved/), page.getByRole('button', { name: 'Save' }).click()]);
    expect(await page.locator('p.lead').innerText()).toContain('revision 2');
    expect((await request(env.app).get('/v1/escalation-policies/web-policy').expect(200)).body.repeat).toBe(
      1,
    );
    await page.goto(`${baseUrl}/ui/oncall`);
    await page.getByRole('link', { name: 'Made in the browser' }).click();
    await page.waitForURL(`${baseUrl}/ui/policies/web-policy`);
    // The catalog file's policies are read-only here.
    await page.goto(`${baseUrl}/ui/policies/two-levels`);
    expect(await page.locator('p.lead').innerText()).toContain('Managed by the catalog file');
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);

    await page.goto(`${baseUrl}/ui/policies/web-policy`);
    await Promise.all([
      page.waitForURL(/done=policy-deleted/),
      page.getByRole('button', { name: 'Delete Made in the browser' }).click(),
    ]);
    await request(env.app).get('/v1/escalation-policies/web-policy').expect(404);
    await context.close();
    expect(problems).toEqual([]);
  }, 90_000);

  it('shows a 403 page when a key without approvals:decide approves', async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'checkout', summary: 'Second bad deploy', severity: 'error', dedupKey: 'web-ui-403' })
      .expect(202);
    const incident = await openIncident(env, 'checkout', 'web-ui-403');
    await startRollback(incident.incidentId);
    const approval = await pendingApproval(incident.incidentId);

    const token = await env.createKey('web-viewer', ['incidents:read']);
    const context = await browser!.newContext();
    const page = await watchedPage(context, [403]);
    await signIn(page, token);
    await page.goto(`${baseUrl}/ui/incidents/${incident.incidentId}`);
    expect(await page.getByText('your key (web-viewer) lacks approvals:decide').count()).toBe(1);
    // The form is not shown; a POST all the same (a stale page, a crafted request) is refused.
    expect(await page.getByRole('button', { name: `Approve ${approval.approvalId}` }).count()).toBe(0);
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const response = await page.request.post(
      `${baseUrl}/ui/incidents/${incident.incidentId}/approvals/${approval.approvalId}/approve`,
      { form: { _csrf: csrf } },
    );
    expect(response.status()).toBe(403);
    await page.setContent(await response.text());
    expect(await page.getByRole('heading', { name: 'Not allowed' }).count()).toBe(1);
    expect(await page.getByRole('alert').innerText()).toBe('This key lacks the approvals:decide scope');
    expect(await page.locator('main').innerText()).toContain('web-viewer');
    const back = page.getByRole('link', { name: `Back to ${incident.incidentId}` });
    expect(await back.getAttribute('href')).toBe(`/ui/incidents/${incident.incidentId}`);

    const after = await request(env.app).get(`/v1/incidents/${incident.incidentId}/approvals`).expect(200);
    expect((after.body.approvals as ApprovalRequest[])[0]?.status).toBe('pending');
    await context.close();
    expect(problems).toEqual([]);
  }, 90_000);

  it('lists post-mortems and shows one, without JavaScript', async () => {
    const title = 'Search index stale';
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'search', summary: title, severity: 'warning', dedupKey: 'web-ui-pm' })
      .expect(202);
    const incident = await openIncident(env, 'search', 'web-ui-pm');
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/resolve`)
      .send({ note: 'reindexed' })
      .expect(200);
    const postmortemId = postmortemIdOf(incident.incidentId);
    await eventually(() => request(env.app).get(`/v1/postmortems/${postmortemId}`).expect(200), 30_000, 250);

    // Everything here works without JavaScript: plain links and forms.
    const context = await browser!.newContext({ javaScriptEnabled: false });
    const page = await watchedPage(context);
    await signIn(page, await env.createKey('web-reader', ['incidents:read']));
    // Without scripts, open-incident pages refresh through a <noscript> meta refresh.
    expect(await page.locator('noscript meta[http-equiv="refresh"]').getAttribute('content')).toBe('5');
    await page.goto(`${baseUrl}/ui/postmortems`);
    const link = page.getByRole('link', { name: title });
    await Promise.all([page.waitForURL(`${baseUrl}/ui/postmortems/${postmortemId}`), link.click()]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Post-mortem: ${title}`);
    expect(await page.getByRole('heading', { name: 'Timeline' }).count()).toBe(1);
    expect(await page.locator('main').innerText()).toContain('Resolved by user:alice: reindexed');

    // The resolved incident's page links to it and no longer refreshes itself.
    await page.goto(`${baseUrl}/ui/incidents/${incident.incidentId}`);
    expect(await page.locator('#live').getAttribute('data-refresh-seconds')).toBeNull();
    expect(await page.getByRole('link', { name: postmortemId }).getAttribute('href')).toBe(
      `/ui/postmortems/${postmortemId}`,
    );
    await page.goto(`${baseUrl}/ui/incidents?status=resolved`);
    expect(await page.getByRole('link', { name: title }).count()).toBe(1);
    await context.close();
    expect(problems).toEqual([]);
  }, 90_000);

  it('lists services and shows one with its integrations, without JavaScript', async () => {
    await request(env.app)
      .post('/v1/services')
      .send({ id: 'web-shop', name: 'Web shop', description: 'Where customers pay' })
      .expect(201);
    const added = await request(env.app)
      .post('/v1/services/web-shop/integrations')
      .send({ type: 'pagerduty', name: 'Datadog' })
      .expect(201);
    const hint = (added.body.secret as string).slice(-4);

    const context = await browser!.newContext({ javaScriptEnabled: false });
    const page = await watchedPage(context);
    await signIn(page, await env.createKey('web-services', ['incidents:read']));
    await page.getByRole('link', { name: 'Services' }).click();
    await page.waitForURL(`${baseUrl}/ui/services`);
    await Promise.all([
      page.waitForURL(`${baseUrl}/ui/services/web-shop`),
      page.getByRole('link', { name: 'Web shop' }).click(),
    ]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Web shop');
    const main = await page.locator('main').innerText();
    expect(main).toContain('Where customers pay');
    expect(main).toContain(`…${hint}`);
    expect(main).not.toContain(added.body.secret as string);
    expect(await page.getByRole('row', { name: /Datadog/ }).count()).toBe(1);
    await page.screenshot({ path: path.join(screenshots, 'service.png'), fullPage: true });
    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it('makes a heartbeat, shows its ping URL once and its last ping, pauses and deletes it, without JavaScript', async () => {
    const context = await browser!.newContext({ javaScriptEnabled: false });
    const page = await watchedPage(context, [400]);
    await signIn(page, await env.createKey('web-heartbeats', ['incidents:read', 'oncall:write']));
    await page.getByRole('link', { name: 'Heartbeats' }).click();
    await page.waitForURL(`${baseUrl}/ui/heartbeats`);
    // A bad interval is refused on its field, what was typed kept.
    await page.getByLabel('Name').fill('ui-backup');
    await page.getByLabel('Service').fill('backups');
    await page.getByLabel('Interval (seconds)').fill('700000');
    await page.getByRole('button', { name: 'Make heartbeat' }).click();
    await page.getByText(/Too big: expected number to be <=604800/).waitFor();
    expect(await page.getByLabel('Name').inputValue()).toBe('ui-backup');
    await page.getByLabel('Interval (seconds)').fill('600');
    await page.getByRole('button', { name: 'Make heartbeat' }).click();
    const shown = await page.getByRole('status').innerText();
    const pingUrl = /(http:\/\/\S+\/v1\/heartbeats\/ui-backup\/ping\?token=\S+)/.exec(shown)![1]!;
    await page.screenshot({ path: path.join(screenshots, 'heartbeat-made.png'), fullPage: true });
    await request(env.app)
      .get(new URL(pingUrl).pathname + new URL(pingUrl).search)
      .expect(202);
    await page.goto(`${baseUrl}/ui/heartbeats`);
    const row = page.getByRole('row', { name: /ui-backup/ });
    await eventually(async () => {
      await page.reload();
      expect(await row.innerText()).toMatch(/up, next due by/);
    });
    expect(await page.locator('main').innerText()).not.toContain(new URL(pingUrl).searchParams.get('token')!);
    await page.screenshot({ path: path.join(screenshots, 'heartbeats.png'), fullPage: true });
    await row.getByRole('button', { name: /^Pause/ }).click();
    await page.getByText('The heartbeat is paused').waitFor();
    expect(await row.innerText()).toContain('paused');
    await row.getByRole('button', { name: /^Delete/ }).click();
    await page.getByText('The heartbeat is deleted').waitFor();
    expect(await page.getByRole('row', { name: /ui-backup/ }).count()).toBe(0);
    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it('plans a maintenance window without JavaScript: the board says what it holds, and ending it pages', async () => {
    const context = await browser!.newContext({ javaScriptEnabled: false });
    const page = await watchedPage(context, [400]);
    await signIn(
      page,
      await env.createKey('web-maintenance', ['incidents:read', 'incidents:write'], { person: 'bob' }),
    );
    await page.getByRole('link', { name: 'Maintenance' }).click();
    await page.waitForURL(`${baseUrl}/ui/maintenance`);
    // Neither services nor a team: refused on the field, what was typed kept.
    await page.getByLabel('Duration (minutes)').fill('90');
    await page.getByLabel('Reason').fill('Kafka broker upgrade');
    await page.getByRole('button', { name: 'Make window' }).click();
    await page.getByText('give either services or team').waitFor();
    expect(await page.getByLabel('Reason').inputValue()).toBe('Kafka broker upgrade');
    await page.getByLabel('Services').fill('web-mw, web-mw-2');
    await page.getByRole('button', { name: 'Make window' }).click();
    await page.getByText('The maintenance window is made').waitFor();
    const row = page.getByRole('row', { name: /web-mw, web-mw-2/ });
    expect(await row.innerText()).toMatch(/under way, until[\s\S]*Kafka broker upgrade[\s\S]*by user:bob/);
    await page.screenshot({ path: path.join(screenshots, 'maintenance.png'), fullPage: true });

    // An alert of a covered service opens an incident the board shows as not paged.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'web-mw', summary: 'Consumer lag', severity: 'error', dedupKey: 'lag' })
      .expect(202);
    const incident = await openIncident(env, 'web-mw', 'lag');
    await page.goto(`${baseUrl}/ui/incidents`);
    expect(await page.getByRole('status').first().innerText()).toContain(
      'Maintenance under way: web-mw, web-mw-2 until',
    );
    await eventually(async () => {
      await page.reload();
      expect(await page.getByRole('row', { name: new RegExp(incident.incidentId) }).innerText()).toContain(
        'maintenance: not paged',
      );
    });
    await page.screenshot({ path: path.join(screenshots, 'maintenance-board.png'), fullPage: true });

    await page.goto(`${baseUrl}/ui/maintenance`);
    await row.getByRole('button', { name: /^End now/ }).click();
    await page.getByText('The window is ended').waitFor();
    await eventually(async () =>
      expect((await timelineOf(env, incident.incidentId)).map((e) => e.type)).toContain('notification.sent'),
    );
    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it("acknowledges from an emailed link: the page asks, its button acknowledges as the link's person", async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'web-link', summary: 'Checkout latency', severity: 'critical', dedupKey: 'link' })
      .expect(202);
    const incident = await openIncident(env, 'web-link', 'link');
    const linkFor = (personId: string) =>
      `${baseUrl}/v1/act/${signActionToken(LINK_SECRET, {
        incidentId: incident.incidentId,
        personId,
        action: 'acknowledge',
        via: 'email link',
        expiresAt: Math.floor(Date.now() / 1000) + 600,
      })}`;
    const context = await browser!.newContext();
    const page = await watchedPage(context, [403]);

    // Olive only reads: her genuine link is refused, saying why, and nothing is done.
    await page.goto(linkFor('olive'));
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByRole('heading', { name: 'Nothing was done' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(
      /Olive Observer \(olive\) may not use incidents:write/,
    );

    // Opening Bob's link asks (a mail scanner following it acknowledges nothing); the button acknowledges.
    await page.goto(linkFor('bob'));
    await page.getByRole('heading', { name: `Acknowledge ${incident.incidentId}?` }).waitFor();
    expect(await page.locator('main').innerText()).toContain('You are acknowledging as Bob Test');
    const asked = await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200);
    expect(asked.body.status).toBe('triggered');
    await page.screenshot({ path: path.join(screenshots, 'action-link-confirm.png'), fullPage: true });
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `You acknowledged ${incident.incidentId} as Bob Test` })
      .waitFor();
    const done = await request(env.app).get(`/v1/incidents/${incident.incidentId}`).expect(200);
    expect(done.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'user:bob' });
    await eventually(async () => {
      const entry = (await timelineOf(env, incident.incidentId)).find((e) => e.type === 'acknowledged');
      expect(entry).toMatchObject({
        actor: 'user:bob',
        message: expect.stringContaining('(via email link)'),
      });
    });
    await context.close();
    expect(problems).toEqual([]);
  });

  it('refuses state-changing forms without the CSRF token, and keeps the key out of the logs', async () => {
    let logs = '';
    const app = createApp({
      ...env.apiDeps,
      onCall: liveOnCallModel(onCallCatalog, env.models, {}),
      logger: createLogger({ level: 'info', destination: { write: (line: string) => void (logs += line) } }),
    });
    const token = await env.createKey('web-csrf', ['incidents:read', 'approvals:decide'], { person: 'bob' });
    const agent = request.agent(app);
    const login = await agent.get('/ui/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)?.[1];
    expect(csrf).toBeDefined();
    // Without the token (a form posted from another site) the key is not even looked at.
    await agent.post('/ui/login').type('form').send({ key: token }).expect(403);
    const signedIn = await agent
      .post('/ui/login')
      .type('form')
      .send({ key: token, _csrf: csrf! })
      .expect(303);
    expect(signedIn.headers.location).toBe('/ui/incidents');
    const page = await agent.get('/ui/incidents').expect(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['cache-control']).toBe('no-store');
    const fresh = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(csrf); // rotated at sign-in

    const approve = '/ui/incidents/INC-0123456789AB/approvals/INC-0123456789AB.rb1.a1/approve';
    const missing = await agent.post(approve).type('form').send({}).expect(403);
    expect(missing.text).toContain('did not come from Fireline');
    await agent.post(approve).type('form').send({ _csrf: csrf! }).expect(403);
    await agent.post('/ui/logout').type('form').send({}).expect(403);
    // With the token it gets as far as the incident (which does not exist).
    await agent.post(approve).type('form').send({ _csrf: fresh! }).expect(404);
    // Every action form is guarded alike.
    for (const action of ['acknowledge', 'resolve', 'snooze', 'escalate', 'notes', 'edit', 'runbooks']) {
      const refused = await agent
        .post(`/ui/incidents/INC-0123456789AB/${action}`)
        .type('form')
        .send({ text: 'x' })
        .expect(403);
      expect(refused.text).toContain('did not come from Fireline');
    }
    for (const path of ['/ui/oncall/always-dave/overrides', '/ui/oncall/feeds']) {
      await agent.post(path).type('form').send({ personId: 'erin' }).expect(403);
    }

    expect(logs).toContain('/ui/incidents');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(token.slice(-43));
  });
});
