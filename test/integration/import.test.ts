import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { bashBlocks, listenLocally, repoDir, runBash } from '../helpers/readme-examples';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { incidentWorkflowId } from '../../workflows/incident/ids';

// docs/migrating.md's PagerDuty and Opsgenie examples, run as written against a
// real API with the repository's own catalog (Alice, Bob and Carol, matched by
// email), and the same imports read from stand-ins through the tools' REST APIs.
const fixtures = path.join(repoDir, 'test/fixtures/pagerduty');
const KEY = 'pd-test-key';

describe('fireline import', () => {
  let env: TestEnv;
  let api: Awaited<ReturnType<typeof listenLocally>>;
  let pagerDuty: http.Server;
  let pagerDutyUrl: string;
  let opsgenie: http.Server;
  let opsgenieUrl: string;
  const seen: string[] = [];
  const seenByOpsgenie: string[] = [];
  const hour = 3_600_000;
  // An override to come, which the import makes (the fixture's own is in March 2026, past).
  const comingOverride = {
    alias: 'alice-covers-soon',
    user: { type: 'user', id: 'f6a1c9e9-af6d-4cb8-ae52-1eda0f1e26f8', username: 'alice@example.com' },
    startDate: new Date(Math.ceil(Date.now() / hour) * hour + 48 * hour).toISOString(),
    endDate: new Date(Math.ceil(Date.now() / hour) * hour + 56 * hour).toISOString(),
    rotations: [],
  };
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
      // List overrides (https://developer.pagerduty.com/api-reference/): one to come, Alice covering.
      if (url.pathname === '/schedules/PI7DH85/overrides')
        return send(200, {
          overrides: [
            {
              id: 'PQ47DCP',
              start: comingOverride.startDate,
              end: comingOverride.endDate,
              user: {
                id: 'PALICE1',
                type: 'user_reference',
                summary: 'Alice Example',
                self: 'https://api.pagerduty.com/users/PALICE1',
                html_url: 'https://example.pagerduty.com/users/PALICE1',
              },
            },
          ],
        });
      if (url.pathname === '/escalation_policies')
        return send(200, readFileSync(path.join(fixtures, 'escalation-policies.json'), 'utf8'));
      if (url.pathname === '/teams')
        return send(200, readFileSync(path.join(fixtures, 'teams.json'), 'utf8'));
      if (url.pathname === '/teams/PTEAM01/members')
        return send(200, readFileSync(path.join(fixtures, 'team-PTEAM01-members.json'), 'utf8'));
      // With its integrations, and only then (include[]=integrations).
      if (url.pathname === '/services' && url.searchParams.get('include[]') === 'integrations')
        return send(200, readFileSync(path.join(fixtures, 'services.json'), 'utf8'));
      return send(404, { error: { message: 'Not Found' } });
    });
    await new Promise<void>((resolve) => pagerDuty.listen(0, '127.0.0.1', resolve));
    pagerDutyUrl = `http://127.0.0.1:${(pagerDuty.address() as AddressInfo).port}`;

    // Opsgenie's stand-in: users one to a page (with `paging.next` while there are more), its key as GenieKey.
    const og = (file: string) =>
      JSON.parse(readFileSync(path.join(repoDir, 'test/fixtures/opsgenie', file), 'utf8'));
    const ogUsers = og('users.json') as { data: unknown[] };
    opsgenie = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://og');
      seenByOpsgenie.push(`${url.pathname}?${url.searchParams.toString()}`);
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.headers.authorization !== `GenieKey ${KEY}`)
        return send(401, { message: 'Could not authenticate', took: 0 });
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const id = 'd875e654-9b4e-4219-a803-0c26936d18de';
      if (url.pathname === '/v2/users')
        return send(200, {
          data: ogUsers.data.slice(offset, offset + 1),
          ...(offset + 1 < ogUsers.data.length
            ? { paging: { next: `https://api.opsgenie.com/v2/users?offset=${offset + 1}` } }
            : {}),
          took: 0.01,
        });
      if (url.pathname === '/v2/schedules')
        return send(200, { data: [og('schedule-business-hours.json').data], took: 0.01 });
      if (url.pathname === `/v2/schedules/${id}/overrides`)
        return send(200, { data: [comingOverride], took: 0.01 });
      if (url.pathname === '/v2/escalations') return send(200, og('escalations.json'));
      if (url.pathname === '/v2/integrations') return send(200, og('integrations.json'));
      if (url.pathname === '/v2/heartbeats') return send(200, og('heartbeats.json'));
      if (url.pathname === '/v2/teams') return send(200, og('teams.json'));
      const teamId = '90098a19-f0e3-41d3-a060-0ea895f4a4c6';
      if (url.pathname === `/v2/teams/${teamId}`) return send(200, og(`team-${teamId}.json`));
      if (url.pathname === `/v2/schedules/${id}/timeline`)
        return send(200, og('schedule-business-hours-timeline.json'));
      // Each user's contacts and notification rules, and a rule's steps: the fixture's, else none.
      const perUser = /^\/v2\/users\/([^/]+)\/(contacts|notification-rules)(?:\/([^/]+)\/steps)?$/.exec(
        url.pathname,
      );
      if (perUser) {
        const [, userId, what, ruleId] = perUser;
        const file = ruleId ? `notification-rule-steps-${ruleId}.json` : `${what}-${userId}.json`;
        return send(
          200,
          existsSync(path.join(repoDir, 'test/fixtures/opsgenie', file)) ? og(file) : { data: [], took: 0 },
        );
      }
      return send(404, { message: 'Not found', took: 0 });
    });
    await new Promise<void>((resolve) => opsgenie.listen(0, '127.0.0.1', resolve));
    opsgenieUrl = `http://127.0.0.1:${(opsgenie.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => pagerDuty.close(resolve));
    await new Promise((resolve) => opsgenie.close(resolve));
    await api.close();
    await env.teardown();
  });

  const cliEnv = () => ({ FIRELINE_API_KEY: env.adminToken, FIRELINE_URL: api.url });

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
    expect(planned).toContain("= who is on call matches PagerDuty's own rendering");
    expect(planned).toContain('plan only: nothing changed');
    expect(applied).toContain('created      schedule checkout-primary');
    expect(again).toContain('unchanged    schedule checkout-primary');
    expect(planned).toContain('would create escalation policy checkout  ← PagerDuty PT20YPA "Checkout"');
    // Eve matches nobody by email: she is made a person, and her level keeps her.
    expect(planned).toContain('would create person eve  ← PagerDuty PEVE789 "Eve Example"');
    expect(applied).toContain('created      person eve  ← PagerDuty PEVE789 "Eve Example"');
    expect(again).not.toContain('person eve');
    expect(applied).toContain('created      escalation policy checkout');
    expect(again).toContain('unchanged    escalation policy checkout');

    // The team, with its manager; Eve (made a person above) keeps her place.
    expect(planned).toContain('would create team checkout-team  ← PagerDuty PTEAM01 "Checkout team"');
    expect(again).toContain('unchanged    team checkout-team');
    const team = await request(env.app).get('/v1/teams/checkout-team').expect(200);
    expect(team.body.members).toEqual([
      { personId: 'bob', role: 'manager' },
      { personId: 'carol', role: 'member' },
      { personId: 'eve', role: 'member' },
    ]);
    // The service, with the imported policy and team; its Events API integration a new routing
    // key (shown once), its email integration named as not carried over.
    expect(planned).toContain('would create service checkout-api  ← PagerDuty PSVC001 "Checkout API"');
    expect(planned).toContain(
      '! integration Email (generic_email_inbound_integration) is not an Events API one',
    );
    expect(planned).toContain(
      'would make  PagerDuty integration "Datadog" (routing key …9d8e) → service checkout-api: a new routing key',
    );
    const repointed =
      /re-point {4}PagerDuty integration "Datadog" \(routing key …9d8e\) → service checkout-api: routing key ([0-9a-f]{32}) \((INT-[0-9A-F]{12})\), events to (\S+)/.exec(
        applied!,
      );
    expect(repointed).not.toBeNull();
    const [, routingKey, integrationId, eventsUrl] = repointed!;
    expect(eventsUrl).toBe(`${api.url}/v2/enqueue`);
    expect(again).toContain(
      `Fireline integration ${integrationId} (routing key …${routingKey!.slice(-4)}), made by an earlier import`,
    );
    expect(again).toContain('unchanged    service checkout-api');
    const service = await request(env.app).get('/v1/services/checkout-api').expect(200);
    expect(service.body).toMatchObject({
      team: 'checkout-team',
      escalationPolicy: 'checkout',
      source: { system: 'pagerduty', id: 'PSVC001' },
      integrations: [{ id: integrationId, type: 'pagerduty', name: 'Datadog', origin: 'pagerduty:PINT0DD' }],
    });
    // The new key takes the sender's events for that service.
    const sent = await request(env.app)
      .post('/v2/enqueue')
      .send({
        routing_key: routingKey,
        event_action: 'trigger',
        dedup_key: 'imported-key',
        payload: { summary: 'Checkout failing', source: 'dd', severity: 'error' },
      })
      .expect(202);
    expect(sent.body.dedup_key).toBe('imported-key');
    const described = await env.client.workflow
      .getHandle(incidentWorkflowId('checkout-api', 'imported-key'))
      .describe();
    expect(described.type).toBe('incidentWorkflow');
    const policy = await request(env.app).get('/v1/escalation-policies/checkout').expect(200);
    expect(policy.body).toMatchObject({
      source: { system: 'pagerduty', id: 'PT20YPA' },
      repeat: 2,
      levels: [
        { delaySeconds: 900, targets: [{ type: 'schedule', id: 'checkout-primary' }] },
        {
          delaySeconds: 1800,
          targets: [
            { type: 'person', id: 'carol' },
            { type: 'person', id: 'eve' },
          ],
        },
      ],
    });
    expect(stdout).toContain('"source": {\n    "system": "pagerduty",\n    "id": "PI7DH85"');

    // Bob's email, SMS and phone come over unconfirmed, with no code sent; his rules with them.
    expect(planned).toContain(
      'contacts     person bob: 3 methods to make unconfirmed, 0 already there; rules high to set, low to set',
    );
    expect(applied).toContain(
      'contacts     person bob: 3 methods made unconfirmed, 0 already there; rules high set, low set',
    );
    expect(applied).toContain(
      "! contact method PBOBPU1 (push_notification_contact_method): PagerDuty's own app; in Fireline, enable push on the person's device",
    );
    expect(applied).toContain(
      '! notification rule PBOBNR1: its contact method PBOBPU1 did not come over: left out',
    );
    expect(applied).toContain(
      "! notification rule PBOBNR5: after 90 minutes is later than Fireline's hour: left out",
    );
    expect(again).toContain(
      'contacts     person bob: 0 methods made unconfirmed, 3 already there; rules high as in the tool already, low as in the tool already',
    );
    const methods = (await request(env.app).get('/v1/people/bob/contact-methods').expect(200)).body as {
      methods: Array<{ id: string; type: string; origin: string; verified: boolean; pending?: unknown }>;
    };
    expect(
      methods.methods.map(({ type, origin, verified, pending }) => ({ type, origin, verified, pending })),
    ).toEqual([
      { type: 'email', origin: 'pagerduty:PBOBEM1', verified: false, pending: undefined },
      { type: 'sms', origin: 'pagerduty:PBOBSM1', verified: false, pending: undefined },
      { type: 'voice', origin: 'pagerduty:PBOBPH1', verified: false, pending: undefined },
    ]);
    const idOf = (origin: string) => methods.methods.find((m) => m.origin === origin)!.id;
    const rules = await request(env.app).get('/v1/people/bob/notification-rules').expect(200);
    expect(rules.body).toMatchObject({
      isDefault: { high: false, low: false },
      rules: {
        high: [
          { methodId: idOf('pagerduty:PBOBSM1'), afterSeconds: 60 },
          { methodId: idOf('pagerduty:PBOBPH1'), afterSeconds: 300 },
        ],
        low: [{ methodId: idOf('pagerduty:PBOBEM1'), afterSeconds: 0 }],
      },
    });

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
      expect.objectContaining({
        action: 'unchanged',
        id: 'checkout-primary',
        problems: [],
        // PagerDuty's override to come, which applying would make.
        overrides: { added: 1, present: 0 },
      }),
    ]);
    const overridesAsked = new URL(
      `http://pd${seen.find((s) => s.startsWith('/schedules/PI7DH85/overrides'))!}`,
    ).searchParams;
    expect(Date.parse(overridesAsked.get('since')!)).toBeLessThanOrEqual(Date.now());
    // With each user's contact methods and notification rules whole.
    expect(seen.filter((s) => s.startsWith('/users'))).toEqual([
      '/users?include%5B%5D=contact_methods&include%5B%5D=notification_rules&limit=100&offset=0',
      '/users?include%5B%5D=contact_methods&include%5B%5D=notification_rules&limit=100&offset=2',
    ]);
    const asked = new URL(`http://pd${seen.find((s) => s.startsWith('/schedules/PI7DH85'))!}`).searchParams;
    expect(Date.parse(asked.get('until')!) - Date.parse(asked.get('since')!)).toBe(28 * 86_400_000);

    const refused = await runBash(
      `${cli} import pagerduty --api-key wrong --source-url ${pagerDutyUrl} --plan || echo "exit $?"`,
      { FIRELINE_API_KEY: env.adminToken, FIRELINE_URL: api.url },
    );
    expect(refused).toContain('exit 1');
  });

  it('imports Opsgenie’s schedule as written, restrictions included, and finds its timeline matched', async () => {
    const blocks = bashBlocks('docs/migrating.md', '## Opsgenie');
    expect(blocks).toHaveLength(1);
    const stdout = await runBash(`cd ${repoDir}\n${blocks[0]!.replaceAll('npx fireline', cli)}`, cliEnv());
    const [planned, applied] = stdout.split(/^Opsgenie: /m).slice(1);
    expect(planned).toMatch(/^1 schedules, 3 users \(3 matched by email to Fireline people\)/);
    expect(planned).toContain(
      'would create schedule payments-business-hours  ← Opsgenie d875e654-9b4e-4219-a803-0c26936d18de',
    );
    expect(planned).toContain("= who is on call matches Opsgenie's own rendering");
    expect(applied).toContain('created      schedule payments-business-hours');
    expect(applied).toContain('created      escalation policy payments-escalation');
    expect(applied).toContain('created      team payments-oncall');
    const policy = await request(env.app).get('/v1/escalation-policies/payments-escalation').expect(200);
    expect(policy.body.levels[0].targets).toEqual([{ type: 'schedule', id: 'payments-business-hours' }]);
    // Its integrations become services of the team, paging with its escalation: Prometheus an
    // Alertmanager token, Datadog a routing key, email named.
    expect(planned).toContain(
      'would create service payments-prometheus  ← Opsgenie 4c9e7a2b-6d1f-4e3a-9b8c-5f2d1a0e7c61 "Payments Prometheus"',
    );
    expect(planned).toContain(
      '! a Email integration has no Fireline equivalent: the service is made without one (senders can post to /v1/alerts)',
    );
    expect(applied).toMatch(
      /re-point {4}Opsgenie integration "Payments Prometheus" \(integration 4c9e7a2b-6d1f-4e3a-9b8c-5f2d1a0e7c61\) → service payments-prometheus: token \S+ \(INT-[0-9A-F]{12}\), webhook URL \S+\/v1\/integrations\/alertmanager\?token=/,
    );
    expect(applied).toMatch(
      /re-point {4}Opsgenie integration "Payments Datadog" .* → service payments-datadog: routing key [0-9a-f]{32} /,
    );
    const prometheus = await request(env.app).get('/v1/services/payments-prometheus').expect(200);
    expect(prometheus.body).toMatchObject({
      team: 'payments-oncall',
      escalationPolicy: 'payments-escalation',
      source: { system: 'opsgenie', id: '4c9e7a2b-6d1f-4e3a-9b8c-5f2d1a0e7c61' },
      integrations: [{ type: 'alertmanager', origin: 'opsgenie:4c9e7a2b-6d1f-4e3a-9b8c-5f2d1a0e7c61' }],
    });
    // Its heartbeats, each with a new ping URL to re-point the job to; a disabled one paused.
    expect(planned).toContain(
      'would create heartbeat payments-nightly-settlement  ← Opsgenie "Payments Nightly Settlement"',
    );
    expect(applied).toMatch(
      /re-point its pings \(shown this once\) to http:\/\/\S+\/v1\/heartbeats\/payments-nightly-settlement\/ping\?token=\S+/,
    );
    expect(applied).toContain('! disabled in Opsgenie: imported paused');
    const settlement = await request(env.app).get('/v1/heartbeats/payments-nightly-settlement').expect(200);
    expect(settlement.body).toMatchObject({
      service: 'payments-oncall',
      intervalSeconds: 25 * 3600,
      graceSeconds: 0,
      severity: 'error',
      paused: false,
    });
    const ftp = await request(env.app).get('/v1/heartbeats/legacy-ftp-sync').expect(200);
    expect(ftp.body).toMatchObject({ service: 'heartbeats', intervalSeconds: 600, paused: true });
    // Carol's contacts come over unconfirmed; her rule for new alerts becomes both urgencies' rules.
    expect(applied).toContain(
      'contacts     person carol: 3 methods made unconfirmed, 0 already there; rules high set, low set',
    );
    expect(applied).toContain(
      "! contact c1e7d3b9-2a5f-4e8c-b6d1-9f3a7c2e8b55 (mobile): Opsgenie's own app; in Fireline, enable push on the person's device",
    );
    const carol = (await request(env.app).get('/v1/people/carol/contact-methods').expect(200)).body as {
      methods: Array<{ id: string; type: string; number?: string; origin: string }>;
    };
    const sms = carol.methods.find((m) => m.origin === 'opsgenie:5d9e1a7b-3c2f-4b6a-8e10-7a4c2d9f1e33')!;
    expect(sms.type).toBe('sms');
    expect(sms.number).toBe('+44 •••• 0456');
    const carolRules = await request(env.app).get('/v1/people/carol/notification-rules').expect(200);
    expect(carolRules.body.rules.high.map((r: { afterSeconds: number }) => r.afterSeconds)).toEqual([
      0, 120, 600,
    ]);
    expect(carolRules.body.rules.low).toEqual(carolRules.body.rules.high);
    // The team recipient pages the imported team's members.
    expect(policy.body.levels[2].targets).toEqual([{ type: 'team', id: 'payments-oncall' }]);
    const team = await request(env.app).get('/v1/teams/payments-oncall').expect(200);
    expect(team.body.members).toEqual([
      { personId: 'bob', role: 'manager' },
      { personId: 'carol', role: 'member' },
    ]);
    const stored = await request(env.app).get('/v1/schedules/payments-business-hours').expect(200);
    expect(stored.body.source).toEqual({ system: 'opsgenie', id: 'd875e654-9b4e-4219-a803-0c26936d18de' });
    expect(stored.body.layers[0].restrictions).toHaveLength(5);
    expect(stored.body.layers[1].restrictions).toEqual([
      { type: 'time-of-day', start: '22:30', end: '06:00' },
    ]);
  });

  it('reads Opsgenie’s API page by page with its key, and makes its overrides to come once', async () => {
    const run = () =>
      runBash(`${cli} import opsgenie --api-key ${KEY} --source-url ${opsgenieUrl}`, cliEnv());
    const first = await run();
    expect(first).toContain('unchanged    schedule payments-business-hours');
    expect(first).toContain('+ 1 override made, 0 already there');
    const again = await run();
    expect(again).toContain('+ 0 overrides made, 1 already there');
    const listed = await request(env.app).get('/v1/schedules/payments-business-hours/overrides').expect(200);
    expect(listed.body.overrides).toEqual([
      expect.objectContaining({
        personId: 'alice',
        start: comingOverride.startDate,
        end: comingOverride.endDate,
        note: 'Opsgenie override alice-covers-soon',
      }),
    ]);
    expect(seenByOpsgenie.filter((s) => s.startsWith('/v2/users?'))).toEqual([
      '/v2/users?limit=100&offset=0',
      '/v2/users?limit=100&offset=1',
      '/v2/users?limit=100&offset=2',
      '/v2/users?limit=100&offset=0',
      '/v2/users?limit=100&offset=1',
      '/v2/users?limit=100&offset=2',
    ]);
    // Each user's contacts and rules, and the steps of a rule for new alerts; Carol's came over once.
    const carol = '/v2/users/c4a1c9c7-8d4b-4a96-8c30-9cb8d4fc04d6';
    expect(seenByOpsgenie).toContain(`${carol}/contacts?`);
    expect(seenByOpsgenie).toContain(
      `${carol}/notification-rules/e0d1c2b3-a4f5-4e6d-8c7b-9a0f1e2d3c4b/steps?`,
    );
    expect(seenByOpsgenie).not.toContain(
      `${carol}/notification-rules/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/steps?`,
    );
    expect(again).toContain(
      'contacts     person carol: 0 methods made unconfirmed, 3 already there; rules high as in the tool already, low as in the tool already',
    );
    expect(again).toContain('unchanged    heartbeat payments-nightly-settlement');
    expect(again).not.toContain('re-point its pings');
    expect(seenByOpsgenie).toContain('/v2/schedules?expand=rotation');
    const refused = await runBash(
      `${cli} import opsgenie --api-key wrong --source-url ${opsgenieUrl} --plan || echo "exit $?"`,
      cliEnv(),
    );
    expect(refused).toContain('exit 1');
  });

  it('imports Grafana OnCall’s rolling-users shifts as written, and finds its final shifts matched', async () => {
    const blocks = bashBlocks('docs/migrating.md', '## Grafana OnCall');
    expect(blocks).toHaveLength(1);
    const stdout = await runBash(`cd ${repoDir}\n${blocks[0]!.replaceAll('npx fireline', cli)}`, cliEnv());
    const [planned, applied] = stdout.split(/^Grafana OnCall: /m).slice(1);
    expect(planned).toMatch(/^1 schedules, 3 users \(3 matched by email to Fireline people\)/);
    expect(planned).toContain('would create schedule support-follow-the-sun  ← Grafana OnCall S3Z477AHDXTMF');
    expect(planned).toContain("= who is on call matches Grafana OnCall's own rendering");
    expect(applied).toContain('created      schedule support-follow-the-sun');
    const stored = await request(env.app).get('/v1/schedules/support-follow-the-sun').expect(200);
    expect(stored.body.source).toEqual({ system: 'grafana-oncall', id: 'S3Z477AHDXTMF' });
    expect(stored.body.layers.map((l: { name: string }) => l.name)).toEqual(['Nights', 'Weekday days']);

    // The escalation chain: the schedule, then Alice or Bob in turn, then Carol; its webhook named.
    expect(applied).toContain(
      'created      escalation policy support-escalation  ← Grafana OnCall FWDL7M6N6I9HE',
    );
    expect(applied).toContain('! step 6 (trigger_webhook): has no Fireline equivalent: left out');
    // Each integration a service paging with its default route's chain; Alertmanager's sender gets
    // a Fireline token (its Grafana OnCall URL masked), the webhook none.
    const repointed =
      /re-point {4}Grafana OnCall integration "Support Alertmanager" \(https:\/\/oncall\.example\.com\/integrations\/v1\/alertmanager\/…TwYo\) → service support-alertmanager: token (\S+) \((INT-[0-9A-F]{12})\), webhook URL (\S+)/.exec(
        applied!,
      );
    expect(applied).not.toContain('mReAoNwDm0eMwKo1mTeTwYo');
    expect(applied).toContain(
      '! a webhook integration has no Fireline equivalent: the service is made without one',
    );
    // The team, its members the users naming it; it owns the integration's service.
    expect(applied).toContain('created      team support  ← Grafana OnCall TSUPP0RT4Q1XZ "Support"');
    const team = await request(env.app).get('/v1/teams/support').expect(200);
    expect(team.body.members).toEqual([
      { personId: 'alice', role: 'member' },
      { personId: 'bob', role: 'member' },
    ]);
    const service = await request(env.app).get('/v1/services/support-alertmanager').expect(200);
    expect(service.body).toMatchObject({
      team: 'support',
      escalationPolicy: 'support-escalation',
      integrations: [{ type: 'alertmanager', origin: 'grafana-oncall:CFRPV98RPR1U8' }],
    });
    expect(repointed).not.toBeNull();
    const [, token, , webhookUrl] = repointed!;
    expect(webhookUrl).toBe(`${api.url}/v1/integrations/alertmanager?token=${token}`);
    const policy = await request(env.app).get('/v1/escalation-policies/support-escalation').expect(200);
    expect(policy.body).toMatchObject({
      source: { system: 'grafana-oncall', id: 'FWDL7M6N6I9HE' },
      repeat: 0,
      levels: [
        { delaySeconds: 300, targets: [{ type: 'schedule', id: 'support-follow-the-sun' }] },
        {
          delaySeconds: 900,
          roundRobin: true,
          targets: [
            { type: 'person', id: 'alice' },
            { type: 'person', id: 'bob' },
          ],
        },
        { delaySeconds: 600, targets: [{ type: 'person', id: 'carol' }] },
      ],
    });
  });

  it('reads Grafana OnCall’s API page by page with its token, asking for four weeks of final shifts', async () => {
    const gf = (file: string) =>
      JSON.parse(readFileSync(path.join(repoDir, 'test/fixtures/grafana-oncall', file), 'utf8'));
    const asked: string[] = [];
    const grafana = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://gf');
      asked.push(`${url.pathname}?${url.searchParams.toString()}`);
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.headers.authorization !== KEY) return send(401, { detail: 'Invalid token.' });
      const page = Number(url.searchParams.get('page') ?? 1);
      const list = (results: unknown[], more = false) => ({
        count: results.length,
        next: more ? 'more' : null,
        previous: null,
        results,
      });
      if (url.pathname === '/api/v1/users/') {
        const all = gf('users.json').results as unknown[];
        return send(200, page === 1 ? list(all.slice(0, 2), true) : list(all.slice(2)));
      }
      if (url.pathname === '/api/v1/schedules/') return send(200, list([gf('schedule.json')]));
      if (url.pathname === '/api/v1/on_call_shifts/') return send(200, gf('schedule-shifts.json'));
      if (url.pathname === '/api/v1/schedules/S3Z477AHDXTMF/final_shifts')
        return send(200, gf('schedule-final-shifts.json'));
      if (url.pathname === '/api/v1/escalation_chains/') return send(200, gf('escalation-chains.json'));
      if (url.pathname === '/api/v1/escalation_policies/') return send(200, gf('escalation-policies.json'));
      if (url.pathname === '/api/v1/integrations/') return send(200, gf('integrations.json'));
      if (url.pathname === '/api/v1/teams/') return send(200, gf('teams.json'));
      return send(404, { detail: 'Not found.' });
    });
    await new Promise<void>((resolve) => grafana.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(grafana.address() as AddressInfo).port}`;
      const stdout = await runBash(
        `${cli} import grafana-oncall --api-key ${KEY} --source-url ${url} --plan`,
        cliEnv(),
      );
      expect(stdout).toContain('unchanged    schedule support-follow-the-sun');
      expect(stdout).toContain('unchanged    escalation policy support-escalation');
      expect(stdout).toContain('unchanged    service support-alertmanager');
      expect(stdout).toContain('unchanged    team support');
      expect(asked.filter((a) => a.startsWith('/api/v1/users/'))).toEqual([
        '/api/v1/users/?page=1',
        '/api/v1/users/?page=2',
      ]);
      expect(asked).toContain('/api/v1/on_call_shifts/?schedule_id=S3Z477AHDXTMF&page=1');
      const finals = new URL(`http://gf${asked.find((a) => a.includes('final_shifts'))!}`).searchParams;
      expect(Date.parse(finals.get('end_date')!) - Date.parse(finals.get('start_date')!)).toBe(
        28 * 86_400_000,
      );
      const missing = await runBash(
        `${cli} import grafana-oncall --api-key ${KEY} --plan || echo "exit $?"`,
        cliEnv(),
      );
      expect(missing).toContain('exit 2');
    } finally {
      await new Promise((resolve) => grafana.close(resolve));
    }
  });
});
