import { liveOnCallModel } from '../../api/deps';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../../api/app';
import type { ApiDeps } from '../../api/deps';
import { createApiKey, revokeApiKey } from '../../infra/api-keys';
import { createLogger } from '../../infra/logger';
import type { ApiScope } from '../../infra/models';
import { repoRoot } from '../../stack/paths';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { onCallCatalog } from '../../config/oncall-catalog';

// Every endpoint but /healthz, /readyz and the PagerDuty one takes an API key
// with the right scope; tested with and without it.
describe('API keys and scopes', () => {
  let env: TestEnv;

  // The repo's catalog, and two people to test rights with: a responder of the payments team's
  // incidents only, and a person the catalog gives no rights (an observer).
  const catalog = {
    ...onCallCatalog,
    people: [
      ...onCallCatalog.people,
      { id: 'pat', name: 'Pat Payments', rights: [{ role: 'responder' as const, teams: ['payments'] }] },
      { id: 'olive', name: 'Olive Observer' },
    ],
  };

  beforeAll(async () => {
    env = await createTestEnv({ catalog });
  });
  afterAll(async () => env.teardown());

  // With the scope, each answers as it would any client: an empty body is invalid, an unknown id not found.
  const routes: Array<
    [method: 'get' | 'post' | 'patch' | 'delete', path: string, scope: ApiScope, status: number]
  > = [
    ['post', '/v1/alerts', 'alerts:write', 400],
    ['post', '/v1/integrations/alertmanager', 'alerts:write', 400],
    ['post', '/v1/integrations/grafana', 'alerts:write', 400],
    ['get', '/v1/incidents', 'incidents:read', 200],
    ['get', '/v1/incidents/INC-0123456789AB', 'incidents:read', 404],
    ['get', '/v1/incidents/INC-0123456789AB/timeline', 'incidents:read', 404],
    ['get', '/v1/incidents/INC-0123456789AB/approvals', 'incidents:read', 404],
    ['post', '/v1/incidents/INC-0123456789AB/acknowledge', 'incidents:write', 404],
    ['post', '/v1/incidents/INC-0123456789AB/resolve', 'incidents:write', 404],
    ['post', '/v1/incidents/INC-0123456789AB/snooze', 'incidents:write', 400],
    ['post', '/v1/incidents/INC-0123456789AB/escalate', 'incidents:write', 404],
    ['post', '/v1/incidents/INC-0123456789AB/notes', 'incidents:write', 400],
    ['patch', '/v1/incidents/INC-0123456789AB', 'incidents:write', 400],
    ['post', '/v1/incidents/INC-0123456789AB/runbooks', 'runbooks:run', 400],
    ['post', '/v1/incidents/INC-0123456789AB/runbooks/INC-0123456789AB.rb1/cancel', 'runbooks:run', 404],
    [
      'post',
      '/v1/incidents/INC-0123456789AB/approvals/INC-0123456789AB.rb1.a1/approve',
      'approvals:decide',
      404,
    ],
    [
      'post',
      '/v1/incidents/INC-0123456789AB/approvals/INC-0123456789AB.rb1.a1/reject',
      'approvals:decide',
      404,
    ],
    ['get', '/v1/runbooks', 'incidents:read', 200],
    ['get', '/v1/runbooks/restart-service', 'incidents:read', 200],
    ['post', '/v1/runbooks/restart-service/dry-run', 'runbooks:run', 400],
    ['get', '/v1/drills/DRILL-0000AAAA', 'incidents:read', 404],
    ['get', '/v1/postmortems', 'incidents:read', 200],
    ['get', '/v1/postmortems/PM-0123456789AB', 'incidents:read', 404],
    ['patch', '/v1/postmortems/PM-0123456789AB', 'postmortems:write', 404],
    [
      'get',
      '/v1/analytics/incidents?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z',
      'incidents:read',
      200,
    ],
    ['get', '/v1/oncall', 'incidents:read', 200],
    ['get', '/v1/schedules', 'incidents:read', 200],
    ['get', '/v1/schedules/sre-primary/shifts', 'incidents:read', 200],
    ['get', '/v1/schedules/sre-primary/overrides', 'incidents:read', 200],
    ['post', '/v1/schedules/sre-primary/overrides', 'oncall:write', 400],
    ['delete', '/v1/schedules/sre-primary/overrides/OVR-0123456789AB', 'oncall:write', 404],
    ['post', '/v1/calendar-feeds', 'incidents:read', 400],
    ['get', '/v1/calendar-feeds', 'incidents:read', 200],
    ['delete', '/v1/calendar-feeds/CAL-0123456789AB', 'oncall:write', 404],
    ['get', '/v1/diagnostics/round-trips/none', 'admin', 404],
    ['get', '/metrics', 'admin', 200],
  ];

  it.each(routes)(
    '%s %s: 401 without a key, 403 without %s, %d with it',
    async (method, path, scope, status) => {
      const none = await request(env.rawApp)[method](path).send({});
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('unauthorized');
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);

      const bad = await request(env.rawApp)
        [method](path)
        .set('Authorization', 'Bearer fl_000000000000_' + 'x'.repeat(43))
        .send({});
      expect(bad.status).toBe(401);

      const other: ApiScope = scope === 'incidents:read' ? 'alerts:write' : 'incidents:read';
      const wrong = await env.createKey(`without-${scope.replace(':', '-')}`, [other]);
      const forbidden = await request(env.rawApp)
        [method](path)
        .set('Authorization', `Bearer ${wrong}`)
        .send({});
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.message).toBe(`This key lacks the ${scope} scope`);

      // Linked to a responder: on an incident the key's person acts, within their rights.
      const right = await env.createKey(`with-${scope.replace(':', '-')}`, [scope], { person: 'bob' });
      const allowed = await request(env.rawApp)
        [method](path)
        .set('Authorization', `Bearer ${right}`)
        .send({});
      expect(allowed.status).toBe(status);
    },
  );

  /** The deps of a fresh app on this env's servers (no cache of verified keys, limits of its own). */
  const deps = (
    config: Partial<ApiDeps['config']> = {},
    extra: Partial<Pick<ApiDeps, 'routingKeys'>> = {},
  ): ApiDeps => ({
    ...env.apiDeps,
    config: { ...env.config, ...config },
    onCall: liveOnCallModel(onCallCatalog, env.models, {}),
    routingKeys: undefined,
    ...extra,
  });

  it('leaves health checks open and authenticates PagerDuty events by routing key', async () => {
    await request(env.rawApp).get('/healthz').expect(200);
    await request(env.rawApp).get('/readyz').expect(200);
    const pd = await request(env.rawApp)
      .post('/v2/enqueue')
      .send({
        routing_key: 'test-routing-key-0123456789abcdef',
        event_action: 'trigger',
        payload: { summary: 's', source: 'x', severity: 'info' },
      })
      .expect(202);
    expect(pd.body.status).toBe('success');
    await request(env.rawApp)
      .post('/v2/enqueue')
      .send({
        routing_key: 'unknown',
        event_action: 'trigger',
        payload: { summary: 's', source: 'x', severity: 'info' },
      })
      .expect(400);
  });

  it('takes an integration token in the URL for Alertmanager and Grafana', async () => {
    const token = await env.createKey('alertmanager-prod', ['alerts:write']);
    const body = {
      status: 'firing',
      receiver: 'fireline',
      alerts: [{ status: 'firing', labels: { service: 'url-token' }, fingerprint: 'u1' }],
    };
    await request(env.rawApp).post(`/v1/integrations/alertmanager?token=${token}`).send(body).expect(200);
    await request(env.rawApp)
      .post('/v1/alerts?token=' + token)
      .send({ service: 'x', summary: 's', severity: 'info' })
      .expect(401);
  });

  it('takes a key in the URL only when alerts:write is its sole scope', async () => {
    const body = {
      status: 'firing',
      receiver: 'fireline',
      alerts: [{ status: 'firing', labels: { service: 'url-token-scope' }, fingerprint: 'u2' }],
    };
    const broad = await env.createKey('alertmanager-broad', ['alerts:write', 'incidents:write']);
    const refused = await request(env.rawApp)
      .post(`/v1/integrations/alertmanager?token=${broad}`)
      .send(body)
      .expect(403);
    expect(refused.body.error.message).toMatch(/only the alerts:write scope/);
    const admin = await env.createKey('alertmanager-admin', ['admin']);
    await request(env.rawApp).post(`/v1/integrations/alertmanager?token=${admin}`).send(body).expect(403);
    // The same keys as a header are fine.
    await request(env.rawApp)
      .post('/v1/integrations/alertmanager')
      .set('Authorization', `Bearer ${broad}`)
      .send(body)
      .expect(200);
  });

  it('lets only admin keys act for someone else', async () => {
    const writer = await env.createKey('dana', ['alerts:write', 'incidents:write', 'incidents:read'], {
      person: 'bob',
    });
    const res = await request(env.rawApp)
      .post('/v1/incidents/INC-0123456789AB/notes')
      .set('Authorization', `Bearer ${writer}`)
      .send({ actor: 'carol', text: 'hi' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/Only an admin key may act on behalf of someone/);
  });

  it('stops accepting a revoked key', async () => {
    const token = await env.createKey('short-lived', ['incidents:read']);
    await request(env.rawApp).get('/v1/incidents').set('Authorization', `Bearer ${token}`).expect(200);
    await revokeApiKey(env.models, 'short-lived');
    // A fresh app (no cache of verified keys) refuses it at once; running apps within 30 s.
    const app = createApp({
      ...env.apiDeps,
      onCall: liveOnCallModel(onCallCatalog, env.models, {}),
    });
    await request(app).get('/v1/incidents').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('limits requests per key with 429 and Retry-After', async () => {
    const app = createApp({
      ...env.apiDeps,
      onCall: liveOnCallModel(onCallCatalog, env.models, {}),
      config: { ...env.config, RATE_LIMIT_PER_MINUTE: 3 },
    });
    const token = await env.createKey('chatty', ['incidents:read']);
    for (let i = 0; i < 3; i++)
      await request(app).get('/v1/incidents').set('Authorization', `Bearer ${token}`).expect(200);
    const limited = await request(app)
      .get('/v1/incidents')
      .set('Authorization', `Bearer ${token}`)
      .expect(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another key is not held back by this one.
    const other = await env.createKey('quiet', ['incidents:read']);
    await request(app).get('/v1/incidents').set('Authorization', `Bearer ${other}`).expect(200);
  });

  it('stores keys as the SHA-256 of their secret, never the secret', async () => {
    const token = await env.createKey('hashed', ['incidents:read']);
    const [, keyId, secret] = /^fl_([a-f0-9]{12})_(.+)$/.exec(token)!;
    const stored = await env.models.ApiKey.findById(keyId).lean();
    expect(stored?.hash).toBe(createHash('sha256').update(secret!).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('keeps a token given in the URL out of the logs', async () => {
    let written = '';
    const app = createApp({
      ...env.apiDeps,
      onCall: liveOnCallModel(onCallCatalog, env.models, {}),
      logger: createLogger({
        level: 'info',
        destination: { write: (line: string) => void (written += line) },
      }),
    });
    const token = await env.createKey('url-token', ['alerts:write']);
    await request(app).post(`/v1/integrations/grafana?token=${token}`).send({});
    // Spelled so that Express still reads it as `token`.
    await request(app).post(`/v1/integrations/grafana?%74oken=${token}&x=1`).send({});
    await request(app).post(`/v1/integrations/grafana?tok%65n[]=${token}`).send({});
    expect(written).toContain('token=[redacted]');
    expect(written).toContain('%74oken=[redacted]&x=1');
    expect(written).not.toContain(token);
  });

  describe('keys bound to services', () => {
    const base = {
      runId: 'r1',
      dedupKey: 'd',
      integration: 'native',
      title: 'Bound',
      status: 'triggered',
      severity: 'SEV2',
      priority: 'P2',
      major: false,
      team: 'sre',
      triage: {},
      escalation: { exhausted: false },
      alertCount: 1,
      firstAlertAt: new Date(),
      lastAlertAt: new Date(),
      openedAt: new Date(),
      version: 1,
      timelineLength: 0,
      updatedAt: new Date(),
      labels: {},
      links: [],
      runbookRuns: [],
      slaBreaches: [],
      approvals: [],
    };
    // Stored incidents with no workflow behind them: a change that passes the service check
    // reaches Temporal and answers 409 or 404, one that does not is refused with 403.
    const ours = 'INC-B0UND0000001';
    const theirs = 'INC-B0UND0000002';
    let bound: string;

    beforeAll(async () => {
      await env.models.Incident.collection.insertMany([
        { _id: ours, ...base, service: 'payments', workflowId: 'incident:payments:d' },
        { _id: theirs, ...base, service: 'search', workflowId: 'incident:search:d' },
      ] as never[]);
      bound = await env.createKey(
        'payments-team',
        ['alerts:write', 'incidents:read', 'incidents:write', 'runbooks:run', 'approvals:decide'],
        { services: ['payments', 'web'], person: 'bob' },
      );
    });

    const as = (token: string) => ({
      post: (url: string) => request(env.rawApp).post(url).set('Authorization', `Bearer ${token}`),
      get: (url: string) => request(env.rawApp).get(url).set('Authorization', `Bearer ${token}`),
      patch: (url: string) => request(env.rawApp).patch(url).set('Authorization', `Bearer ${token}`),
    });
    /** `fireline keys …` through the built CLI, on this env's database. */
    const cli = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [path.join(repoRoot(), 'dist', 'cli', 'main.js'), 'keys', ...args],
          { env: { ...process.env, MONGODB_URI: env.config.MONGODB_URI } },
          (err, stdout, stderr) =>
            resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
      });
    const notStarted = async (service: string, dedupKey: string) => {
      await expect(
        env.client.workflow.getHandle(incidentWorkflowId(service, dedupKey)).describe(),
      ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    };

    it('carries the services in the principal, and refuses to bind admin keys or bad service names', async () => {
      const [, keyId] = /^fl_([a-f0-9]{12})_/.exec(bound)!;
      expect((await env.models.ApiKey.findById(keyId).lean())?.services).toEqual(['payments', 'web']);
      await expect(createApiKey(env.models, 'root', ['admin'], { services: ['payments'] })).rejects.toThrow(
        /admin key cannot be restricted/,
      );
      await expect(createApiKey(env.models, 'odd', ['alerts:write'], { services: ['a b'] })).rejects.toThrow(
        /not a service name/,
      );
      await expect(createApiKey(env.models, 'none', ['alerts:write'], { services: [] })).rejects.toThrow(
        /at least one service/,
      );
    });

    it('refuses an alert for another service with 403 naming body.service, and takes its own', async () => {
      const refused = await as(bound)
        .post('/v1/alerts')
        .send({ service: 'search', summary: 'not ours', severity: 'critical', dedupKey: 'bound-1' })
        .expect(403);
      expect(refused.body.error.code).toBe('forbidden');
      expect(refused.body.error.message).toMatch(
        /only for the services payments, web; body.service is "search"/,
      );
      expect(refused.body.error.details).toEqual([{ field: 'body.service', message: expect.any(String) }]);
      await notStarted('search', 'bound-1');
      await as(bound)
        .post('/v1/alerts')
        .send({ service: 'web', summary: 'ours', severity: 'info', dedupKey: 'bound-2' })
        .expect(202);
    });

    it('refuses a whole Alertmanager batch with 403 naming the alert and the label that set its service', async () => {
      const batch = (alerts: unknown[], extra: Record<string, unknown> = {}) => ({
        status: 'firing',
        receiver: 'fireline',
        alerts,
        ...extra,
      });
      const mixed = await as(bound)
        .post('/v1/integrations/alertmanager')
        .send(
          batch([
            { status: 'firing', labels: { service: 'payments' }, fingerprint: 'bound-am-1' },
            { status: 'firing', labels: { app: 'search' }, fingerprint: 'bound-am-2' },
          ]),
        )
        .expect(403);
      expect(mixed.body.error.message).toMatch(/alert 1 of the batch is for another service; no alert/);
      expect(mixed.body.error.details[0].field).toBe('body.alerts.1.labels.app');
      // Nothing of the batch was delivered, not even the allowed alert before it.
      await notStarted('payments', 'bound-am-1');

      const common = await as(bound)
        .post('/v1/integrations/grafana')
        .send(
          batch([{ status: 'firing', labels: { alertname: 'X' }, fingerprint: 'bound-am-3' }], {
            commonLabels: { service: 'search' },
          }),
        )
        .expect(403);
      expect(common.body.error.details[0].field).toBe('body.commonLabels.service');
      const receiver = await as(bound)
        .post('/v1/integrations/alertmanager')
        .send(batch([{ status: 'firing', labels: { alertname: 'X' }, fingerprint: 'bound-am-4' }]))
        .expect(403);
      expect(receiver.body.error.details[0].field).toBe('body.receiver');

      await as(bound)
        .post('/v1/integrations/alertmanager')
        .send(
          batch([
            { status: 'firing', labels: { service: 'payments' }, fingerprint: 'bound-am-5' },
            { status: 'firing', labels: { job: 'web' }, fingerprint: 'bound-am-6' },
          ]),
        )
        .expect(200);
    });

    // `own`: the status on the key's own incident, which has no workflow or run behind it.
    const changes: Array<[method: 'post' | 'patch', path: string, body: object, own: number]> = [
      ['post', '/acknowledge', {}, 409],
      ['post', '/resolve', { note: 'done' }, 409],
      ['post', '/snooze', { durationSeconds: 60 }, 409],
      ['post', '/escalate', {}, 409],
      ['post', '/notes', { text: 'hi' }, 409],
      ['patch', '', { severity: 'SEV1' }, 409],
      [
        'post',
        '/runbooks',
        {
          runbookId: 'restart-service',
          params: { healthUrl: 'http://x.internal/h', restartUrlEnv: 'RESTART_WEBHOOK_URL' },
        },
        409,
      ],
      ['post', '/runbooks/RUN/cancel', {}, 404],
      ['post', '/approvals/RUN.a1/approve', {}, 404],
      ['post', '/approvals/RUN.a1/reject', {}, 404],
    ];

    it.each(changes)(
      "refuses %s …%s on another service's incident with 403, not on its own",
      async (method, suffix, body, ownStatus) => {
        const url = (id: string) => `/v1/incidents/${id}${suffix.replace('RUN', `${id}.rb1`)}`;
        const refused = await as(bound)[method](url(theirs)).send(body);
        expect(refused.status).toBe(403);
        expect(refused.body.error.message).toMatch(
          /only for the services payments, web; the service of INC-B0UND0000002 is "search"/,
        );
        const own = await as(bound)[method](url(ours)).send(body);
        expect(own.status).toBe(ownStatus);
        // An unrestricted key is not held back by the service: it meets what the bound key meets on its own.
        const admin = await request(env.rawApp)
          [method](url(theirs))
          .set('Authorization', `Bearer ${env.adminToken}`)
          .send(body);
        expect(admin.status).toBe(ownStatus);
      },
    );

    it("refuses to edit another service's post-mortem with 403", async () => {
      const postmortem = (incidentId: string, service: string) => ({
        _id: `PM-${incidentId.slice(4)}`,
        incidentId,
        title: 'Bound',
        summary: 's',
        service,
        severity: 'SEV2',
        priority: 'P2',
        team: 'sre',
        major: false,
        status: 'draft',
        owner: 'sre',
        times: { detectedAt: new Date().toISOString() },
        durationSeconds: 1,
        metrics: {},
        timeline: '[]',
        generatedAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      });
      await env.models.Postmortem.collection.insertMany([
        postmortem(ours, 'payments'),
        postmortem(theirs, 'search'),
      ] as never[]);
      const writer = await env.createKey('payments-writer', ['postmortems:write'], {
        services: ['payments'],
        person: 'bob',
      });
      const refused = await as(writer)
        .patch(`/v1/postmortems/PM-${theirs.slice(4)}`)
        .send({ rootCause: 'not ours' })
        .expect(403);
      expect(refused.body.error.message).toMatch(/the service of INC-B0UND0000002 is "search"/);
      expect((await env.models.Postmortem.findById(`PM-${theirs.slice(4)}`).lean())?.rootCause).toBeFalsy();
      await as(writer)
        .patch(`/v1/postmortems/PM-${ours.slice(4)}`)
        .send({ rootCause: 'ours' })
        .expect(200);
    });

    it("reads every service's incidents: reads are not restricted", async () => {
      await as(bound).get(`/v1/incidents/${theirs}`).expect(200);
      const list = await as(bound).get('/v1/incidents?service=search').expect(200);
      expect(list.body.incidents.map((i: { incidentId: string }) => i.incidentId)).toContain(theirs);
    });

    describe("who acts: the key's person, within their rights", () => {
      // Stored as `ours` and `theirs` are (no workflow: a change the rights let through answers 409).
      const paymentsTeam = 'INC-B0UND0000003';
      const statusOf = async (id: string) => (await env.models.Incident.findById(id).lean())?.status;

      beforeAll(async () => {
        await env.models.Incident.collection.insertOne({
          _id: paymentsTeam,
          ...base,
          team: 'payments',
          service: 'checkout',
          workflowId: 'incident:checkout:d',
        } as never);
      });

      it('refuses a key linked to no person from acting, saying how to fix it; it still reads and sends alerts', async () => {
        const personless = await env.createKey('ci-bot', [
          'alerts:write',
          'incidents:read',
          'incidents:write',
        ]);
        const refused = await as(personless).post(`/v1/incidents/${ours}/acknowledge`).send({}).expect(403);
        expect(refused.body.error).toMatchObject({ code: 'forbidden' });
        expect(refused.body.error.message).toMatch(
          /^The key "ci-bot" is linked to no person, so it may not act on incidents: .*fireline keys create --name <name> --person <person id>/,
        );
        expect(await statusOf(ours)).toBe('triggered');
        await as(personless).get(`/v1/incidents/${ours}`).expect(200);
        await as(personless)
          .post('/v1/alerts')
          .send({ service: 'personless', summary: 's', severity: 'info', dedupKey: 'personless-1' })
          .expect(202);
      });

      it("acts on the person's team's incidents and refuses another team's with 403 naming the person and the team", async () => {
        const pats = await env.createKey('pats-laptop', ['incidents:read', 'incidents:write'], {
          person: 'pat',
        });
        const refused = await as(pats).post(`/v1/incidents/${ours}/acknowledge`).send({}).expect(403);
        expect(refused.body.error.message).toBe(
          `Pat Payments (pat) may not use incidents:write on ${ours} (team sre, service payments) ` +
            '(their rights: responder of team payments)',
        );
        expect(await statusOf(ours)).toBe('triggered');
        // Past the rights check: the stored incident has no workflow to acknowledge.
        await as(pats).post(`/v1/incidents/${paymentsTeam}/acknowledge`).send({}).expect(409);
      });

      it("narrows the person's rights by the key's scopes, never widens them", async () => {
        // alice is an admin; her key for reading only may not act.
        const reader = await env.createKey('alice-reader', ['incidents:read'], { person: 'alice' });
        await as(reader).post(`/v1/incidents/${paymentsTeam}/acknowledge`).send({}).expect(403);
        // olive has no rights: a key with every incident scope does not give her any.
        const olives = await env.createKey(
          'olive-key',
          ['incidents:read', 'incidents:write', 'runbooks:run'],
          {
            person: 'olive',
          },
        );
        const refused = await as(olives)
          .post(`/v1/incidents/${paymentsTeam}/notes`)
          .send({ text: 'hi' })
          .expect(403);
        expect(refused.body.error.message).toBe(
          'Olive Observer (olive) may not use incidents:write (the on-call catalog gives them no rights, so they only read)',
        );
      });

      it('lets an admin key act for a catalog person only, whose rights apply (400 naming actor otherwise)', async () => {
        const unknown = await request(env.rawApp)
          .post(`/v1/incidents/${paymentsTeam}/notes`)
          .set('Authorization', `Bearer ${env.adminToken}`)
          .send({ actor: 'nobody', text: 'hi' })
          .expect(400);
        expect(unknown.body.error.details).toEqual([
          { field: 'body.actor', message: '"nobody" is not a person in the on-call catalog' },
        ]);
        const forOlive = await request(env.rawApp)
          .post(`/v1/incidents/${paymentsTeam}/notes`)
          .set('Authorization', `Bearer ${env.adminToken}`)
          .send({ actor: 'olive', text: 'hi' })
          .expect(403);
        expect(forOlive.body.error.message).toMatch(/^Olive Observer \(olive\) may not use incidents:write/);
        await request(env.rawApp)
          .post(`/v1/incidents/${paymentsTeam}/notes`)
          .set('Authorization', `Bearer ${env.adminToken}`)
          .send({ actor: 'pat', text: 'hi' })
          .expect(409);
      });

      it('is made by `fireline keys create --person`, which the catalog must know; `keys ls` shows it', async () => {
        const created = await cli([
          'create',
          '--name',
          'alice-cli',
          '--person',
          'alice',
          '--scopes',
          'incidents:read',
        ]);
        expect(created).toMatchObject({ code: 0 });
        expect(created.stderr).toContain('"alice-cli" acting as alice');
        const [, keyId] = /^fl_([a-f0-9]{12})_/.exec(created.stdout.trim())!;
        expect((await env.models.ApiKey.findById(keyId).lean())?.person).toBe('alice');
        expect((await cli(['ls'])).stdout).toMatch(/alice-cli\s+alice\s+incidents:read\s+\*\s+active/);
        const unknown = await cli([
          'create',
          '--name',
          'x',
          '--person',
          'nobody',
          '--scopes',
          'incidents:read',
        ]);
        expect(unknown.code).toBe(2);
        expect(unknown.stderr).toMatch(
          /--person "nobody" is not a person of the catalog file \(config\/oncall-catalog.ts\) or made at run time/,
        );
        // A person made at run time may have a key as soon as they exist.
        await request(env.rawApp)
          .post('/v1/people')
          .set('Authorization', `Bearer ${env.adminToken}`)
          .send({ id: 'hana', name: 'Hana New' })
          .expect(201);
        const forNewHire = await cli([
          'create',
          '--name',
          'hana-cli',
          '--person',
          'hana',
          '--scopes',
          'incidents:read',
        ]);
        expect(forNewHire).toMatchObject({ code: 0 });
        expect(forNewHire.stderr).toContain('"hana-cli" acting as hana');
      });
    });

    it('is made by `fireline keys create --service … --service …`', async () => {
      const created = await cli([
        'create',
        '--name',
        'cli-bound',
        '--scopes',
        'alerts:write',
        '--service',
        'payments',
        '--service',
        'web',
      ]);
      expect(created).toMatchObject({ code: 0 });
      expect(created.stderr).toContain('for payments, web');
      const token = created.stdout.trim();
      const refused = await as(token)
        .post('/v1/alerts')
        .send({ service: 'search', summary: 's', severity: 'info' })
        .expect(403);
      expect(refused.body.error.details[0].field).toBe('body.service');
      expect((await cli(['ls'])).stdout).toMatch(/cli-bound\s+-\s+alerts:write\s+payments,web\s+active/);
      expect(
        await cli(['create', '--name', 'x', '--scopes', 'alerts:write', '--service', 'no spaces']),
      ).toMatchObject({ code: 2 });
      expect(
        await cli(['create', '--name', 'x', '--scopes', 'admin', '--service', 'payments']),
      ).toMatchObject({ code: 2 });
    });
  });

  describe('unauthenticated load', () => {
    const badToken = 'Bearer fl_000000000000_' + 'x'.repeat(43);

    it('limits requests per client address before checking any key: 429 with Retry-After', async () => {
      const app = createApp(deps({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 5 }));
      for (let i = 0; i < 5; i++)
        await request(app).get('/v1/incidents').set('Authorization', badToken).expect(401);
      const limited = await request(app).get('/v1/incidents').set('Authorization', badToken).expect(429);
      expect(limited.body.error).toEqual({
        code: 'rate_limited',
        message: 'More than 5 requests a minute from this address; retry later',
        details: null,
      });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Before authentication: a good key from the same address waits too, and the PagerDuty endpoint.
      await request(app).get('/v1/incidents').set('Authorization', `Bearer ${env.adminToken}`).expect(429);
      await request(app).post('/v2/enqueue').send({}).expect(429);
      // Load balancers' health checks are not counted.
      await request(app).get('/healthz').expect(200);
    });

    it('counts the address X-Forwarded-For gives only when TRUST_PROXY says so', async () => {
      const behindProxy = createApp(deps({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 2, TRUST_PROXY: 1 }));
      const from = (app: typeof behindProxy, address: string) =>
        request(app).get('/v1/incidents').set('X-Forwarded-For', address).set('Authorization', badToken);
      await from(behindProxy, '203.0.113.1').expect(401);
      await from(behindProxy, '203.0.113.1').expect(401);
      await from(behindProxy, '203.0.113.1').expect(429);
      await from(behindProxy, '203.0.113.2').expect(401);

      // By default the header is not believed: made-up addresses share the connection's limit.
      const direct = createApp(deps({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 2 }));
      await from(direct, '203.0.113.1').expect(401);
      await from(direct, '203.0.113.2').expect(401);
      await from(direct, '203.0.113.3').expect(429);
    });

    it("limits /v2/enqueue per routing key with PagerDuty's 429 answer", async () => {
      const keyA = 'routing-key-a-0123456789abcdef0123';
      const keyB = 'routing-key-b-0123456789abcdef0123';
      const app = createApp(
        deps(
          { ROUTING_KEY_RATE_LIMIT_PER_MINUTE: 2 },
          {
            routingKeys: new Map([
              [keyA, 'payments'],
              [keyB, 'search'],
            ]),
          },
        ),
      );
      const event = (routingKey: string, n: number) => ({
        routing_key: routingKey,
        event_action: 'trigger',
        dedup_key: `throttle-${routingKey.slice(12, 13)}-${n}`,
        payload: { summary: 's', source: 'x', severity: 'info' },
      });
      await request(app).post('/v2/enqueue').send(event(keyA, 1)).expect(202);
      await request(app).post('/v2/enqueue').send(event(keyA, 2)).expect(202);
      const throttled = await request(app).post('/v2/enqueue').send(event(keyA, 3)).expect(429);
      expect(throttled.body).toEqual({
        status: 'throttle exceeded',
        message: 'Requests for this service are arriving too quickly. Please retry later.',
      });
      await notStartedPd('payments', 'throttle-a-3');
      // Another key has its own budget; unknown keys are refused as before, not counted.
      await request(app).post('/v2/enqueue').send(event(keyB, 1)).expect(202);
      for (let i = 0; i < 3; i++)
        await request(app)
          .post('/v2/enqueue')
          .send(event('unknown-key-0123456789abcdef0123456', i))
          .expect(400);
    });

    const notStartedPd = async (service: string, dedupKey: string) => {
      await expect(
        env.client.workflow.getHandle(incidentWorkflowId(service, dedupKey)).describe(),
      ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    };
  });
});
