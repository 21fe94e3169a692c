import request from 'supertest';
import type { OnCallCatalog } from '../../domain/oncall';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { createIncidentTestEnv, explainedByTimeline, openIncident, timelineOf } from '../helpers/incidents';
import { testCatalog, testRules } from '../helpers/test-catalog';
import type { TestEnv } from '../helpers/test-env';

// People and teams made through the API are stored in MongoDB: a person made
// a moment ago is paged (here through a team), acts with a key of their own,
// and cannot be deleted while anything names them.
describe('people and teams at run time', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    const base = testCatalog(6);
    const catalog: OnCallCatalog = {
      ...base,
      policies: [
        ...base.policies,
        {
          id: 'team-page',
          name: 'Page the night team',
          levels: [{ delaySeconds: 120, targets: [{ type: 'team', id: 'night-team' }] }],
          repeat: 0,
        },
      ],
    };
    const rules = testRules();
    const triageRules = {
      ...rules,
      rules: [
        {
          id: 'night-team',
          match: { service: 'team-ops' },
          impact: 'medium' as const,
          team: 'night-team',
          escalationPolicy: 'team-page',
        },
        ...rules.rules,
      ],
    };
    // The team the rule routes to exists before the worker starts (it checks its rules); its
    // members come at run time.
    ({ env, receiver, teardown } = await createIncidentTestEnv(
      6,
      { catalog, triageRules },
      {
        catalog,
        triageRules,
        beforeWorker: async (made) => {
          await request(made.app)
            .post('/v1/teams')
            .send({ id: 'night-team', name: 'Night team', members: [] })
            .expect(201);
        },
      },
    ));
  });
  afterAll(async () => teardown());

  it('pages a person made a moment ago through a team, and lets them act with a key of their own', async () => {
    const made = await request(env.app)
      .post('/v1/people')
      .send({
        id: 'frank',
        name: 'Frank New',
        timeZone: 'Europe/Berlin',
        channels: ['erin-pager'],
        rights: [{ role: 'responder' }],
      })
      .expect(201);
    expect(made.body).toMatchObject({ id: 'frank', managedBy: 'api', revision: 1, createdBy: 'user:alice' });
    const team = await request(env.app)
      .put('/v1/teams/night-team')
      .send({ revision: 1, name: 'Night team', members: [{ personId: 'frank' }] })
      .expect(200);
    expect(team.body.members).toEqual([{ personId: 'frank', role: 'member' }]);
    // Pages share one read of the model a second: a change is paged from at most a second later.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'team-ops', summary: 'Queue stuck', severity: 'error', dedupKey: 'team-1' })
      .expect(202);
    const incident = await openIncident(env, 'team-ops', 'team-1');
    await explainedByTimeline(
      env,
      incident.incidentId,
      eventually(() => expect(receiver.to('/erin')).toHaveLength(1), 30_000),
    );
    await eventually(async () => {
      const entries = await timelineOf(env, incident.incidentId);
      expect(entries.find((e) => e.type === 'notification.sent')?.message).toMatch(
        /team night-team → frank via erin-pager/,
      );
    });

    // Frank acts as himself, with the rights the API gave him.
    const franksKey = await env.createKey('frank-key', ['incidents:write'], { person: 'frank' });
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/acknowledge`)
      .set('Authorization', `Bearer ${franksKey}`)
      .send({})
      .expect(200);
    await eventually(async () => {
      const entries = await timelineOf(env, incident.incidentId);
      expect(entries.find((e) => e.type === 'acknowledged')?.actor).toBe('user:frank');
    });

    // Named by the team, and the team by a policy and a triage rule: neither is deleted.
    const person = await request(env.app).delete('/v1/people/frank?revision=1').expect(409);
    expect(person.body.error.details).toEqual({ referencedBy: ['team night-team'] });
    const named = await request(env.app).delete('/v1/teams/night-team?revision=2').expect(409);
    expect(named.body.error.details).toEqual({
      referencedBy: ['policy team-page level 1', 'rule night-team'],
    });
  }, 60_000);

  it('refuses bad fields by name, stale revisions, the file’s people, and rights given by someone not an admin', async () => {
    const bad = await request(env.app)
      .post('/v1/people')
      .send({ id: 'gina', name: 'Gina', timeZone: 'Mars/Olympus', channels: ['nope'], email: 'not-an-email' })
      .expect(400);
    const fields = (bad.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['body.email', 'body.timeZone']);
    const channel = await request(env.app)
      .post('/v1/people')
      .send({ id: 'gina', name: 'Gina', channels: ['nope'] })
      .expect(400);
    expect(channel.body.error.details).toEqual([
      { field: 'body.channels.0', message: 'nope is not a channel' },
    ]);
    const member = await request(env.app)
      .post('/v1/teams')
      .send({ id: 'ghosts', name: 'Ghosts', members: [{ personId: 'nobody' }] })
      .expect(400);
    expect(member.body.error.details).toEqual([
      { field: 'body.members.0.personId', message: 'nobody is not a person' },
    ]);
    const file = await request(env.app)
      .put('/v1/people/dave')
      .send({ revision: 1, name: 'Dave' })
      .expect(409);
    expect(file.body.error.details).toEqual({ managedBy: 'file' });

    // A key that may edit the on-call model, but is no admin: it adds people, never rights.
    const editor = await env.createKey('model-editor', ['oncall:write', 'incidents:read']);
    const asEditor = (req: request.Test) => req.set('Authorization', `Bearer ${editor}`);
    const refused = await asEditor(request(env.app).post('/v1/people'))
      .send({ id: 'gina', name: 'Gina', rights: [{ role: 'admin' }] })
      .expect(403);
    expect(refused.body.error.message).toMatch(/Only an admin may give or change a person’s rights/);
    await asEditor(request(env.app).post('/v1/people')).send({ id: 'gina', name: 'Gina' }).expect(201);
    await asEditor(request(env.app).put('/v1/people/gina'))
      .send({ revision: 1, name: 'Gina', rights: [{ role: 'responder' }] })
      .expect(403);
    await asEditor(request(env.app).put('/v1/people/gina'))
      .send({ revision: 1, name: 'Gina Example', timeZone: 'Asia/Tokyo' })
      .expect(200);
    const stale = await request(env.app)
      .put('/v1/people/gina')
      .send({ revision: 1, name: 'Gina' })
      .expect(409);
    expect(stale.body.error.details).toEqual({ revision: 2 });

    // An override not yet over names her too.
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const end = new Date(Date.now() + 7_200_000).toISOString();
    const override = await request(env.app)
      .post('/v1/schedules/always-dave/overrides')
      .send({ personId: 'gina', start, end })
      .expect(201);
    const named = await request(env.app).delete('/v1/people/gina?revision=2').expect(409);
    expect(named.body.error.details).toEqual({
      referencedBy: [`override ${override.body.id} of schedule always-dave`],
    });
    await request(env.app).delete(`/v1/schedules/always-dave/overrides/${override.body.id}`).expect(204);
    await request(env.app).delete('/v1/people/gina?revision=2').expect(204);
    await request(env.app).get('/v1/people/gina').expect(404);

    const history = await request(env.app).get('/v1/people/gina/history').expect(200);
    expect(history.body.changes.map((c: { action: string; actor: string }) => [c.action, c.actor])).toEqual([
      ['created', 'user:model-editor'],
      ['updated', 'user:model-editor'],
      ['deleted', 'user:alice'],
    ]);
  }, 60_000);
});
