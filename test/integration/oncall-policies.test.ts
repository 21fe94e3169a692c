import request from 'supertest';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { createIncidentTestEnv, explainedByTimeline, openIncident } from '../helpers/incidents';
import { testRules } from '../helpers/test-catalog';
import type { TestEnv } from '../helpers/test-env';

// Escalation policies made at run time page as they are at each step: a
// change reaches an incident already open at its next level, and a
// round-robin level pages one person per incident, in turn.
describe('escalation policies at run time', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    const rules = testRules();
    const rule = (service: string, policy: string) => ({
      id: service,
      match: { service },
      impact: 'medium' as const,
      team: 'sre',
      escalationPolicy: policy,
    });
    const triageRules = {
      ...rules,
      rules: [rule('evolving-svc', 'evolving'), rule('rr-svc', 'taking-turns'), ...rules.rules],
    };
    // The policies the rules name are made at run time, before the worker (which checks its rules) starts.
    const policies = [
      {
        id: 'evolving',
        name: 'Evolving',
        levels: [
          { delaySeconds: 6, targets: [{ type: 'channel', id: 'level1-hook' }] },
          { delaySeconds: 120, targets: [{ type: 'channel', id: 'fallback-hook' }] },
        ],
      },
      {
        id: 'taking-turns',
        name: 'Taking turns',
        levels: [
          {
            delaySeconds: 600,
            roundRobin: true,
            targets: [
              { type: 'person', id: 'dave' },
              { type: 'person', id: 'erin' },
            ],
          },
        ],
      },
    ];
    ({ env, receiver, teardown } = await createIncidentTestEnv(
      6,
      { triageRules },
      {
        triageRules,
        beforeWorker: async (made) => {
          for (const policy of policies)
            await request(made.app).post('/v1/escalation-policies').send(policy).expect(201);
        },
      },
    ));
  });
  afterAll(async () => teardown());

  it('pages an open incident’s next level as the policy says now', async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'evolving-svc', summary: 'Disk filling', severity: 'error', dedupKey: 'evolve-1' })
      .expect(202);
    const incident = await openIncident(env, 'evolving-svc', 'evolve-1');
    await eventually(() => expect(receiver.to('/level1')).toHaveLength(1), 20_000);

    // Level 2 now pages Erin instead of the fallback hook.
    await request(env.app)
      .put('/v1/escalation-policies/evolving')
      .send({
        revision: 1,
        name: 'Evolving',
        levels: [
          { delaySeconds: 6, targets: [{ type: 'channel', id: 'level1-hook' }] },
          { delaySeconds: 120, targets: [{ type: 'person', id: 'erin' }] },
        ],
      })
      .expect(200);
    await explainedByTimeline(
      env,
      incident.incidentId,
      eventually(() => expect(receiver.to('/erin')).toHaveLength(1), 30_000),
    );
    expect(receiver.to('/fallback')).toHaveLength(0);
  }, 60_000);

  it('pages one person of a round-robin level per incident, in turn', async () => {
    const davesBefore = receiver.to('/level2').length;
    const erinsBefore = receiver.to('/erin').length;
    for (const n of [1, 2, 3]) {
      await request(env.app)
        .post('/v1/alerts')
        .send({ service: 'rr-svc', summary: `Job ${n} stuck`, severity: 'error', dedupKey: `rr-${n}` })
        .expect(202);
      await openIncident(env, 'rr-svc', `rr-${n}`);
    }
    await eventually(() => {
      expect(receiver.to('/level2').length - davesBefore).toBe(2);
      expect(receiver.to('/erin').length - erinsBefore).toBe(1);
    }, 30_000);
  }, 60_000);
});
