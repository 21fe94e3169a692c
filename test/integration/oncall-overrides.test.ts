import ICAL from 'ical.js';
import request from 'supertest';
import type { RuntimeOverride } from '../../domain/oncall-overrides';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { createIncidentTestEnv, openIncident, timelineOf } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';

// On-call changes without a deploy: an override made through the API is
// stored in MongoDB and applied by the worker's notification planning, so the
// next escalation level of an incident that is already open pages the person
// covering, not the one the schedule-as-code names.
describe('on-call overrides', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    // Level 2 (the always-dave schedule) pages 6 seconds after level 1.
    ({ env, receiver, teardown } = await createIncidentTestEnv(6));
  });
  afterAll(async () => teardown());

  const hour = 3_600_000;
  const post = (body: Record<string, unknown>, schedule = 'always-dave') =>
    request(env.app).post(`/v1/schedules/${schedule}/overrides`).send(body);

  it('pages the person covering at the next level of an already-open incident', async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'ledger', summary: 'Ledger lagging', severity: 'error', dedupKey: 'oncall-override' })
      .expect(202);
    const incident = await openIncident(env, 'ledger', 'oncall-override');
    expect(incident.escalation.level).toBe(0);

    const now = Date.now();
    const created = await post({
      personId: 'erin',
      start: new Date(now - 60_000).toISOString(),
      end: new Date(now + hour).toISOString(),
      note: 'covering for dave',
    }).expect(201);
    const override = created.body as RuntimeOverride;
    expect(override).toMatchObject({
      id: expect.stringMatching(/^OVR-[0-9A-F]{12}$/),
      scheduleId: 'always-dave',
      personId: 'erin',
      // The admin key's person.
      createdBy: 'user:alice',
      note: 'covering for dave',
    });

    const onCall = await request(env.app).get('/v1/oncall').expect(200);
    expect(onCall.body.schedules).toContainEqual(
      expect.objectContaining({
        id: 'always-dave',
        onCall: { id: 'erin', name: 'Erin Test' },
        overrideId: override.id,
      }),
    );
    const policy = (onCall.body.policies as Array<{ id: string; levels: unknown[] }>).find(
      (p) => p.id === 'two-levels',
    );
    expect(policy?.levels[1]).toMatchObject({
      level: 2,
      targets: [{ type: 'schedule', id: 'always-dave', people: [{ id: 'erin', name: 'Erin Test' }] }],
    });

    await eventually(() => expect(receiver.to('/erin')).toHaveLength(1), 30_000);
    expect(receiver.to('/level2')).toHaveLength(0);
    const entries = await eventually(async () => {
      const all = await timelineOf(env, incident.incidentId);
      expect(all.some((e) => e.type === 'notification.sent' && e.message.includes('erin'))).toBe(true);
      return all;
    });
    expect(
      entries.find((e) => e.type === 'notification.sent' && e.message.includes('erin'))?.message,
    ).toMatch(/schedule always-dave → erin via erin-pager/);

    // Deleted: the schedule-as-code is back.
    await request(env.app).delete(`/v1/schedules/always-dave/overrides/${override.id}`).expect(204);
    await request(env.app).delete(`/v1/schedules/always-dave/overrides/${override.id}`).expect(404);
    const after = await request(env.app).get('/v1/oncall').expect(200);
    expect(after.body.schedules).toContainEqual(
      expect.objectContaining({ id: 'always-dave', onCall: { id: 'dave', name: 'Dave Test' } }),
    );
  }, 60_000);

  it('refuses an unknown person, an end before its start, an unknown schedule and an overlap', async () => {
    const start = new Date(Date.now() + 24 * hour).toISOString();
    const end = new Date(Date.now() + 30 * hour).toISOString();
    const unknown = await post({ personId: 'mallory', start, end }).expect(400);
    expect(unknown.body.error.details).toEqual([
      {
        field: 'body.personId',
        message: expect.stringContaining('mallory is not a person in the on-call catalog'),
      },
    ]);
    const backwards = await post({ personId: 'erin', start: end, end: start }).expect(400);
    expect(backwards.body.error.details).toEqual([{ field: 'body.end', message: 'must be after start' }]);
    const badTime = await post({ personId: 'erin', start: 'tomorrow', end }).expect(400);
    expect(badTime.body.error.details[0].field).toBe('body.start');
    await post({ personId: 'erin', start, end }, 'no-such-schedule').expect(404);

    const first = (await post({ personId: 'erin', start, end }).expect(201)).body as RuntimeOverride;
    const overlap = await post({
      personId: 'dave',
      start: new Date(Date.parse(start) + hour).toISOString(),
      end: new Date(Date.parse(end) + hour).toISOString(),
    }).expect(409);
    expect(overlap.body.error.message).toContain(`overlaps override ${first.id}`);
    // Touching is not overlapping.
    await post({ personId: 'dave', start: end, end: new Date(Date.parse(end) + hour).toISOString() }).expect(
      201,
    );

    const listed = await request(env.app).get('/v1/schedules/always-dave/overrides').expect(200);
    expect((listed.body.overrides as RuntimeOverride[]).map((o) => o.start)).toEqual([start, end]);

    // The shifts show the rotation with both overrides applied.
    const from = new Date(Date.parse(start) - hour).toISOString();
    const to = new Date(Date.parse(end) + 2 * hour).toISOString();
    const shifts = await request(env.app)
      .get(`/v1/schedules/always-dave/shifts?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)
      .expect(200);
    expect(
      (
        shifts.body.shifts as Array<{ personId: string; start: string; end: string; overrideId?: string }>
      ).map(({ personId, start: s, end: e, overrideId }) => ({
        personId,
        s,
        e,
        fromOverride: overrideId !== undefined,
      })),
    ).toEqual([
      { personId: 'dave', s: from, e: start, fromOverride: false },
      { personId: 'erin', s: start, e: end, fromOverride: true },
      { personId: 'dave', s: end, e: to, fromOverride: true },
    ]);
    const tooLong = await request(env.app)
      .get(`/v1/schedules/always-dave/shifts?from=${encodeURIComponent(from)}&to=2099-01-01T00:00:00Z`)
      .expect(400);
    expect(tooLong.body.error.details[0].field).toBe('query.to');
  });

  it('lets only one of several overlapping overrides made at once through', async () => {
    const start = new Date(Date.now() + 100 * hour).toISOString();
    const end = new Date(Date.now() + 110 * hour).toISOString();
    const statuses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        post({ personId: i % 2 ? 'dave' : 'erin', start, end }).then((res) => res.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(5);
  });

  it('keeps every one of several separate overrides made at once (no change overwrites another)', async () => {
    // FerretDB checks an update's filter and writes in two steps: without a claim on the
    // revision, writers of the same revision all "win" and all but the last are lost.
    for (let round = 0; round < 5; round++) {
      const made = await Promise.all(
        Array.from({ length: 6 }, (_, i) => {
          const from = Date.now() + (300 + round * 20 + i * 2) * hour;
          return post({
            personId: 'erin',
            start: new Date(from).toISOString(),
            end: new Date(from + hour).toISOString(),
          }).expect(201);
        }),
      );
      const listed = await request(env.app).get('/v1/schedules/always-dave/overrides').expect(200);
      const ids = (listed.body.overrides as Array<{ id: string }>).map((o) => o.id);
      for (const res of made) expect(ids).toContain((res.body as { id: string }).id);
    }
  });

  it('needs the oncall:write scope to change overrides, incidents:read to read them', async () => {
    const reader = await env.createKey('oncall-reader', ['incidents:read']);
    const start = new Date(Date.now() + 200 * hour).toISOString();
    const end = new Date(Date.now() + 201 * hour).toISOString();
    await request(env.rawApp)
      .post('/v1/schedules/always-dave/overrides')
      .set('Authorization', `Bearer ${reader}`)
      .send({ personId: 'erin', start, end })
      .expect(403);
    await request(env.rawApp).get('/v1/oncall').set('Authorization', `Bearer ${reader}`).expect(200);
    const writer = await env.createKey('oncall-writer', ['oncall:write']);
    const made = await request(env.rawApp)
      .post('/v1/schedules/always-dave/overrides')
      .set('Authorization', `Bearer ${writer}`)
      .send({ personId: 'erin', start, end })
      .expect(201);
    expect(made.body.createdBy).toBe('user:oncall-writer');
  });

  describe('calendar feeds', () => {
    /** The VEVENTs of an iCalendar text, parsed by ical.js. */
    const events = (text: string) =>
      new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((v) => {
        const event = new ICAL.Event(v);
        return {
          uid: event.uid,
          summary: event.summary,
          start: event.startDate.toJSDate().toISOString(),
          end: event.endDate.toJSDate().toISOString(),
        };
      });
    // New York starts DST on 2027-03-14: the 10:00 hand-off moves from 15:00 to 14:00 UTC.
    const from = '2027-03-10T00:00:00.000Z';
    const to = '2027-03-18T00:00:00.000Z';

    it('serves a schedule’s shifts across a DST change exactly as GET /v1/schedules/:id/shifts has them', async () => {
      const made = await request(env.app)
        .post('/v1/calendar-feeds')
        .send({ scheduleId: 'nyc-daily' })
        .expect(201);
      expect(made.body).toMatchObject({
        kind: 'schedule',
        targetId: 'nyc-daily',
        feedId: expect.stringMatching(/^CAL-/),
      });
      const feed = await request(env.rawApp).get(`${made.body.path}&from=${from}&to=${to}`).expect(200);
      expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
      const shifts = (
        await request(env.app).get(`/v1/schedules/nyc-daily/shifts?from=${from}&to=${to}`).expect(200)
      ).body.shifts as Array<{ start: string; end: string; person: { name: string } }>;
      const parsed = events(feed.text);
      expect(parsed.map(({ start, end, summary }) => ({ start, end, summary }))).toEqual(
        shifts.map((s) => ({ start: s.start, end: s.end, summary: `On call: ${s.person.name}` })),
      );
      expect(parsed.map((e) => e.start)).toContain('2027-03-13T15:00:00.000Z');
      expect(parsed.map((e) => e.start)).toContain('2027-03-14T14:00:00.000Z');
      expect(new Set(parsed.map((e) => e.uid)).size).toBe(parsed.length);

      // A person's feed has only their shifts, on every schedule.
      const erin = await request(env.app).post('/v1/calendar-feeds').send({ personId: 'erin' }).expect(201);
      const erinFeed = await request(env.rawApp).get(`${erin.body.path}&from=${from}&to=${to}`).expect(200);
      const erinShifts = events(erinFeed.text);
      expect(erinShifts.length).toBe(shifts.filter((s) => s.person.name === 'Erin Test').length);
      expect(erinShifts.every((e) => e.summary === 'On call: New York daily')).toBe(true);

      // Revoked: the token opens nothing, as an unknown one does.
      await request(env.app).delete(`/v1/calendar-feeds/${made.body.feedId}`).expect(204);
      await request(env.rawApp).get(made.body.path).expect(404);
      await request(env.rawApp)
        .get('/v1/calendar.ics?token=fc_' + 'x'.repeat(43))
        .expect(404);
      await request(env.app).post('/v1/calendar-feeds').send({ personId: 'mallory' }).expect(400);
      await request(env.app).post('/v1/calendar-feeds').send({ scheduleId: 'nope' }).expect(404);
    });
  });
});
