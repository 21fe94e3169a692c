import request from 'supertest';
import { createIncidentActivities } from '../../activities/incident';
import { slaTargets } from '../../config/sla-targets';
import { type OnCallCatalog, weekdays } from '../../domain/oncall';
import { RuntimeOnCallReader } from '../../infra/runtime-oncall';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { createIncidentTestEnv, explainedByTimeline, openIncident, timelineOf } from '../helpers/incidents';
import { testCatalog, testRules } from '../helpers/test-catalog';
import type { TestEnv } from '../helpers/test-env';
import { signInToWebUi } from '../helpers/web-ui-session';

// Schedules made and changed through the API are stored in MongoDB and read
// by the worker before every page: a person added to one is paged at the next
// level of an incident that is already open, and the timeline says which
// revision paged.
/** A schedule and a policy made at run time, which a triage rule of the worker names. */
const rtSchedule = {
  id: 'rt-sched',
  name: 'Run-time schedule',
  timeZone: 'UTC',
  layers: [
    {
      participants: ['erin'],
      rotation: { every: 1, unit: 'week' },
      start: '2026-01-05',
      handoffTime: '09:00',
    },
  ],
};
const policy = {
  id: 'made-at-run-time',
  name: 'Made at run time',
  levels: [{ delaySeconds: 120, targets: [{ type: 'schedule', id: 'rt-sched' }] }],
  fallback: [{ type: 'channel', id: 'fallback-hook' }],
};

describe('schedules at run time', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;
  let catalog: OnCallCatalog;

  beforeAll(async () => {
    const base = testCatalog(6);
    catalog = {
      ...base,
      policies: [
        ...base.policies,
        {
          id: 'night-ops',
          name: 'Night operations',
          levels: [
            { delaySeconds: 6, targets: [{ type: 'channel', id: 'level1-hook' }] },
            { delaySeconds: 120, targets: [{ type: 'schedule', id: 'night-shift' }] },
          ],
          repeat: 0,
        },
      ],
    };
    const rules = testRules();
    const triageRules = {
      ...rules,
      rules: [
        {
          id: 'night',
          match: { service: 'night-ops' },
          impact: 'medium' as const,
          team: 'sre',
          escalationPolicy: 'night-ops',
        },
        // Names a policy made at run time.
        {
          id: 'runtime-policy',
          match: { service: 'runtime-ops' },
          impact: 'medium' as const,
          team: 'sre',
          escalationPolicy: 'made-at-run-time',
        },
        ...rules.rules,
      ],
    };
    // The rule's policy, and the schedule it pages, made at run time before the worker (which checks its rules) starts.
    ({ env, receiver, teardown } = await createIncidentTestEnv(
      6,
      { catalog, triageRules },
      {
        triageRules,
        beforeWorker: async (made) => {
          await request(made.app).post('/v1/schedules').send(rtSchedule).expect(201);
          await request(made.app).post('/v1/escalation-policies').send(policy).expect(201);
        },
      },
    ));
  });
  afterAll(async () => teardown());

  /** A layer as the API takes it (extra fields unchecked here: some tests send bad ones). */
  const layer = (participants: string[], extra: Record<string, unknown> = {}) => ({
    participants,
    rotation: { every: 1, unit: 'week' },
    start: '2026-01-05',
    handoffTime: '09:00',
    ...extra,
  });

  it('pages a person added to a schedule at the next level of an already-open incident', async () => {
    const made = await request(env.app)
      .post('/v1/schedules')
      .send({ id: 'night-shift', name: 'Night shift', timeZone: 'Europe/Paris', layers: [layer(['dave'])] })
      .expect(201);
    expect(made.body).toMatchObject({
      id: 'night-shift',
      managedBy: 'api',
      revision: 1,
      createdBy: 'user:alice',
    });

    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'night-ops', summary: 'Batch late', severity: 'error', dedupKey: 'night-1' })
      .expect(202);
    const incident = await openIncident(env, 'night-ops', 'night-1');
    expect(incident.triage.escalationPolicyId).toBe('night-ops');

    // Erin joins on a layer of her own, which wins over Dave's where she is on call.
    const changed = await request(env.app)
      .put('/v1/schedules/night-shift')
      .send({
        revision: 1,
        name: 'Night shift',
        timeZone: 'Europe/Paris',
        layers: [layer(['dave']), layer(['erin'])],
      })
      .expect(200);
    expect(changed.body).toMatchObject({ revision: 2, updatedBy: 'user:alice' });

    await explainedByTimeline(
      env,
      incident.incidentId,
      eventually(() => expect(receiver.to('/erin')).toHaveLength(1), 30_000),
    );
    expect(receiver.to('/level2')).toHaveLength(0);
    // Paged a moment before the workflow's timeline is saved to MongoDB.
    await eventually(async () => {
      const entries = await timelineOf(env, incident.incidentId);
      expect(
        entries.find((e) => e.type === 'notification.sent' && e.message.includes('erin'))?.message,
      ).toMatch(/schedule night-shift \(revision 2\) → erin via erin-pager/);
    });

    // Still paged by night-ops: not deleted, and the refusal says where it is used.
    const refused = await request(env.app).delete('/v1/schedules/night-shift?revision=2').expect(409);
    expect(refused.body.error.details).toEqual({ referencedBy: ['policy night-ops level 2'] });

    const history = await request(env.app).get('/v1/schedules/night-shift/history').expect(200);
    expect(history.body.changes).toEqual([
      expect.objectContaining({ revision: 1, action: 'created', actor: 'user:alice' }),
      expect.objectContaining({ revision: 2, action: 'updated', actor: 'user:alice' }),
    ]);
  }, 60_000);

  it('refuses bad fields by name, an id taken, a stale revision, and changes to the catalog file’s schedules', async () => {
    const ok = { id: 'refusals', name: 'Refusals', timeZone: 'UTC', layers: [layer(['dave'])] };
    const bad = await request(env.app)
      .post('/v1/schedules')
      .send({
        ...ok,
        timeZone: 'Mars/Olympus',
        layers: [
          layer(['dave'], {
            handoffTime: '25:00',
            restrictions: [
              {
                type: 'weekday-and-time',
                startDay: 'funday',
                start: '09:00',
                endDay: 'friday',
                end: '17:00',
              },
            ],
          }),
        ],
      })
      .expect(400);
    expect((bad.body.error.details as Array<{ field: string }>).map((d) => d.field).sort()).toEqual([
      'body.layers.0.handoffTime',
      'body.layers.0.restrictions.0.startDay',
      'body.timeZone',
    ]);
    const nobody = await request(env.app)
      .post('/v1/schedules')
      .send({ ...ok, layers: [layer(['dave', 'nobody'])] })
      .expect(400);
    expect(nobody.body.error.details).toEqual([
      { field: 'body.layers.0.participants.1', message: 'nobody is not a person' },
    ]);

    await request(env.app).post('/v1/schedules').send(ok).expect(201);
    await request(env.app).post('/v1/schedules').send(ok).expect(409);
    const file = await request(env.app)
      .post('/v1/schedules')
      .send({ ...ok, id: 'always-dave' })
      .expect(409);
    expect(file.body.error.message).toMatch(/managed by the catalog file/);
    const { id: _, ...definition } = ok;
    await request(env.app)
      .put('/v1/schedules/always-dave')
      .send({ revision: 1, ...definition })
      .expect(409);
    await request(env.app)
      .put('/v1/schedules/no-such')
      .send({ revision: 1, ...definition })
      .expect(404);

    await request(env.app)
      .put('/v1/schedules/refusals')
      .send({ revision: 1, ...definition, name: 'Renamed' })
      .expect(200);
    const stale = await request(env.app)
      .put('/v1/schedules/refusals')
      .send({ revision: 1, ...definition })
      .expect(409);
    expect(stale.body.error.details).toEqual({ revision: 2 });
    await request(env.app).delete('/v1/schedules/refusals?revision=1').expect(409);
    await request(env.app).delete('/v1/schedules/refusals').expect(400);

    const listed = await request(env.app).get('/v1/schedules').expect(200);
    expect(listed.body.schedules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'always-dave', managedBy: 'file' }),
        expect.objectContaining({ id: 'refusals', managedBy: 'api', revision: 2, name: 'Renamed' }),
      ]),
    );
    // The On call page shows it beside the catalog file's, marked as made at run time.
    const session = await signInToWebUi(env.rawApp, env.adminToken);
    const page = await request(env.rawApp).get('/ui/oncall').set('Cookie', session.cookie).expect(200);
    const text = page.text.replace(/\s+/g, ' ');
    expect(text).toContain(
      'Renamed <span class="muted" >(refusals, UTC, made at run time, revision 2)</span',
    );
    expect(text).toContain('Always Dave <span class="muted" >(always-dave, UTC)</span');

    await request(env.app).delete('/v1/schedules/refusals?revision=2').expect(204);
    await request(env.app).get('/v1/schedules/refusals').expect(404);
  });

  it('lets exactly one of several changes made at once from the same revision through', async () => {
    const { body } = await request(env.app)
      .post('/v1/schedules')
      .send({ id: 'contended', name: 'Contended', timeZone: 'UTC', layers: [layer(['dave'])] })
      .expect(201);
    const statuses = await Promise.all(
      ['dave', 'erin', 'bob', 'carol', 'alice', 'dave'].map((person, i) =>
        request(env.app)
          .put('/v1/schedules/contended')
          .send({
            revision: body.revision,
            name: `Contended ${i}`,
            timeZone: 'UTC',
            layers: [layer([person])],
          })
          .then((res) => res.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(5);
    const after = await request(env.app).get('/v1/schedules/contended').expect(200);
    expect(after.body.revision).toBe(2);
  });

  it('pages the right person on both sides of a DST change from a layer restricted to weekdays 09:00–17:00 in New York', async () => {
    const businessDays = weekdays.slice(0, 5).map((day) => ({
      type: 'weekday-and-time',
      startDay: day,
      start: '09:00',
      endDay: day,
      end: '17:00',
    }));
    await request(env.app)
      .post('/v1/schedules')
      .send({
        id: 'nyc-business',
        name: 'New York business hours',
        timeZone: 'America/New_York',
        layers: [layer(['dave']), layer(['erin'], { restrictions: businessDays })],
      })
      .expect(201);
    // What the worker's activity plans: read from MongoDB as before a real page.
    const activities = createIncidentActivities({
      models: env.models,
      triageRules: testRules(),
      catalog,
      runtimeOnCall: new RuntimeOnCallReader(env.models),
      runbookMetas: [],
      slaTargets,
    });
    const paged = async (at: string) => {
      const planned = await activities.planNotifications({
        targets: [{ type: 'schedule', id: 'nyc-business' }],
        at,
        key: `dst:${at}`,
      });
      return planned.people;
    };
    // New York moves to daylight time on Sunday 2027-03-14: 09:00 is 14:00 UTC before, 13:00 UTC after.
    expect(await paged('2027-03-12T13:30:00Z')).toEqual(['dave']); // Friday 08:30 EST
    expect(await paged('2027-03-12T14:30:00Z')).toEqual(['erin']); // Friday 09:30 EST
    expect(await paged('2027-03-12T21:30:00Z')).toEqual(['erin']); // Friday 16:30 EST
    expect(await paged('2027-03-13T15:00:00Z')).toEqual(['dave']); // Saturday
    expect(await paged('2027-03-15T12:30:00Z')).toEqual(['dave']); // Monday 08:30 EDT
    expect(await paged('2027-03-15T13:30:00Z')).toEqual(['erin']); // Monday 09:30 EDT
    expect(await paged('2027-03-15T21:30:00Z')).toEqual(['dave']); // Monday 17:30 EDT
    // The API answers the same.
    const onCall = await request(env.app).get('/v1/oncall?at=2027-03-15T13:30:00Z').expect(200);
    expect(onCall.body.schedules).toContainEqual(
      expect.objectContaining({ id: 'nyc-business', onCall: { id: 'erin', name: 'Erin Test' } }),
    );
  });

  it('needs the oncall:write scope to change schedules', async () => {
    const reader = await env.createKey('schedule-reader', ['incidents:read']);
    await request(env.rawApp)
      .post('/v1/schedules')
      .set('Authorization', `Bearer ${reader}`)
      .send({ id: 'by-reader', name: 'By reader', timeZone: 'UTC', layers: [layer(['dave'])] })
      .expect(403);
    await request(env.rawApp).get('/v1/schedules').set('Authorization', `Bearer ${reader}`).expect(200);
  });

  describe('escalation policies made at run time', () => {
    it('pages with a policy made at run time that a rule names', async () => {
      const made = await request(env.app).get('/v1/escalation-policies/made-at-run-time').expect(200);
      expect(made.body).toMatchObject({ id: 'made-at-run-time', managedBy: 'api', revision: 1, repeat: 0 });

      await request(env.app)
        .post('/v1/alerts')
        .send({ service: 'runtime-ops', summary: 'Queue stuck', severity: 'error', dedupKey: 'rt-1' })
        .expect(202);
      const incident = await openIncident(env, 'runtime-ops', 'rt-1');
      expect(incident.triage.escalationPolicyId).toBe('made-at-run-time');
      await explainedByTimeline(
        env,
        incident.incidentId,
        eventually(
          () =>
            expect(
              receiver
                .to('/erin')
                .filter(
                  (r) =>
                    (r.body as { incident?: { incidentId?: string } }).incident?.incidentId ===
                    incident.incidentId,
                ),
            ).toHaveLength(1),
          30_000,
        ),
      );
      const listed = await request(env.app).get('/v1/escalation-policies').expect(200);
      expect(listed.body.policies).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: 'two-levels', managedBy: 'file' }),
          expect.objectContaining({ id: 'made-at-run-time', managedBy: 'api', revision: 1 }),
        ]),
      );
      const onCall = await request(env.app).get('/v1/oncall').expect(200);
      expect(onCall.body.policies).toContainEqual(expect.objectContaining({ id: 'made-at-run-time' }));
    }, 60_000);

    it('refuses targets that name nothing, the file’s ids, stale revisions, and deletes of what is still used', async () => {
      const bad = await request(env.app)
        .post('/v1/escalation-policies')
        .send({
          ...policy,
          id: 'bad-targets',
          levels: [{ delaySeconds: 60, targets: [{ type: 'schedule', id: 'nope' }] }],
          fallback: [{ type: 'person', id: 'zed' }],
        })
        .expect(400);
      expect(bad.body.error.details).toEqual([
        { field: 'body.levels.0.targets.0.id', message: 'nope is not a schedule' },
        { field: 'body.fallback.0.id', message: 'zed is not a person' },
      ]);
      await request(env.app)
        .post('/v1/escalation-policies')
        .send({ ...policy, id: 'two-levels' })
        .expect(409);
      const { id: _, ...definition } = policy;
      await request(env.app)
        .put('/v1/escalation-policies/two-levels')
        .send({ revision: 1, ...definition })
        .expect(409);
      await request(env.app)
        .put('/v1/escalation-policies/made-at-run-time')
        .send({ revision: 1, ...definition, repeat: 1 })
        .expect(200);
      const stale = await request(env.app)
        .put('/v1/escalation-policies/made-at-run-time')
        .send({ revision: 1, ...definition })
        .expect(409);
      expect(stale.body.error.details).toEqual({ revision: 2 });

      // Still named by a rule, and its schedule still paged by it.
      const named = await request(env.app)
        .delete('/v1/escalation-policies/made-at-run-time?revision=2')
        .expect(409);
      expect(named.body.error.details).toEqual({ referencedBy: ['rule runtime-policy'] });
      const sched = await request(env.app).get('/v1/schedules/rt-sched').expect(200);
      const used = await request(env.app)
        .delete(`/v1/schedules/rt-sched?revision=${sched.body.revision}`)
        .expect(409);
      expect(used.body.error.details).toEqual({ referencedBy: ['policy made-at-run-time level 1'] });

      // One no rule names goes.
      await request(env.app)
        .post('/v1/escalation-policies')
        .send({ ...policy, id: 'unused' })
        .expect(201);
      await request(env.app).delete('/v1/escalation-policies/unused?revision=1').expect(204);
      const history = await request(env.app).get('/v1/escalation-policies/unused/history').expect(200);
      expect(history.body.changes.map((c: { action: string }) => c.action)).toEqual(['created', 'deleted']);
    });
  });
});
