import request from 'supertest';
import type { TriageRules } from '../../domain/triage-types';
import { createModels } from '../../infra/models';
import { connectMongoInBackground } from '../../infra/mongo';
import { RuntimeOnCallReader } from '../../infra/runtime-oncall';
import { checkTriageRules, TriageRulesRefused } from '../../infra/triage-check';
import { testCatalog, testRules } from '../helpers/test-catalog';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// Triage rules naming a team or escalation policy the on-call model lacks are
// refused when loaded: the worker (and the API) does not start, naming each
// one, until the model has them, whether in the catalog file or made at run time.
describe('triage rules checked against the on-call model', () => {
  let env: TestEnv;
  const catalog = testCatalog();
  const base = testRules();
  const rules: TriageRules = {
    rules: [
      ...base.rules,
      {
        id: 'nightly',
        match: { service: 'batch' },
        impact: 'low',
        team: 'sre',
        escalationPolicy: 'night-policy',
      },
    ],
    defaultRule: { ...base.defaultRule, team: 'night-team' },
  };

  beforeAll(async () => {
    env = await createTestEnv({ catalog, triageRules: rules, devInbox: true });
  });
  afterAll(async () => env.teardown());

  it('refuses to start a worker until the team and policy exist, then starts', async () => {
    const refused = env.startWorker({ catalog, triageRules: rules });
    await expect(refused).rejects.toBeInstanceOf(TriageRulesRefused);
    await expect(refused).rejects.toThrow(
      /rule nightly\.escalationPolicy: night-policy is not an escalation policy\n {2}defaultRule default\.team: night-team is not a team/,
    );

    await request(env.app)
      .post('/v1/teams')
      .send({ id: 'night-team', name: 'Night team', members: [{ personId: 'erin' }] })
      .expect(201);
    await request(env.app)
      .post('/v1/escalation-policies')
      .send({
        id: 'night-policy',
        name: 'Night',
        levels: [{ delaySeconds: 60, targets: [{ type: 'team', id: 'night-team' }] }],
      })
      .expect(201);
    const stop = await env.startWorker({ catalog, triageRules: rules });
    await stop();

    // Now that a rule routes to them, neither can be deleted.
    const team = await request(env.app).delete('/v1/teams/night-team?revision=1').expect(409);
    expect(team.body.error.details.referencedBy).toEqual(expect.arrayContaining(['rule default']));
  }, 60_000);

  it('starts, logging what it could not check, while MongoDB does not answer', async () => {
    const nowhere = connectMongoInBackground('mongodb://127.0.0.1:9/fireline', {
      logger: { info: () => undefined, warn: () => undefined },
      maxRetryMs: 60_000,
    });
    const warnings: unknown[] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as never;
    try {
      const reader = new RuntimeOnCallReader(createModels(nowhere.connection));
      await checkTriageRules(rules, catalog, reader, { logger, waitMs: 300 });
    } finally {
      await nowhere.close();
    }
    expect(JSON.stringify(warnings)).toContain('night-team is not a team');
  });
});
