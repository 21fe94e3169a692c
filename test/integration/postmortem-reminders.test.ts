import request from 'supertest';
import { createPostmortemActivities } from '../../activities/postmortems';
import type { DeliverInput } from '../../activities/notifications';
import type { Postmortem } from '../../domain/postmortem';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { createIncidentTestEnv, openIncident } from '../helpers/incidents';
import { testCatalog } from '../helpers/test-catalog';
import type { TestEnv } from '../helpers/test-env';
import { postmortemIdOf } from '../../workflows/postmortem/ids';

// A review reminder whose activity is retried (say, its worker died after it
// sent and recorded the reminder) neither records it twice nor sends it twice.
describe('post-mortem review reminders', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;
  const review = { reminderIntervalSeconds: 3600, remindersBeforeEscalation: 1 };

  beforeAll(async () => {
    // Reminders an hour apart: the workflow sends none while the test runs.
    ({ env, receiver, teardown } = await createIncidentTestEnv(600, { postmortemReview: review }));
  });
  afterAll(async () => teardown());

  it('records and sends a retried reminder once', async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'reminders', summary: 'Queue stuck', severity: 'critical', dedupKey: 'pm-remind' })
      .expect(202);
    const incident = await openIncident(env, 'reminders', 'pm-remind');
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/resolve`)
      .send({ actor: 'carol' })
      .expect(200);
    const postmortemId = postmortemIdOf(incident.incidentId);
    await eventually(async () => {
      expect(await env.models.Postmortem.findById(postmortemId).lean()).not.toBeNull();
    });

    const delivered: DeliverInput[] = [];
    const activities = createPostmortemActivities({
      models: env.models,
      catalog: testCatalog(600),
      postmortemReview: review,
      deliver: async (input) => {
        delivered.push(input);
        return { detail: 'sent' };
      },
    });
    const reminder = { postmortemId, reminder: 1, escalate: false };
    const first = await activities.sendPostmortemReminder(reminder);
    expect(first.sent).toBeGreaterThan(0);
    const sentOnce = delivered.length;
    expect(sentOnce).toBe(first.sent);

    // The retry.
    expect(await activities.sendPostmortemReminder(reminder)).toEqual({ sent: 0 });
    expect(delivered).toHaveLength(sentOnce);
    const pm = (await request(env.app).get(`/v1/postmortems/${postmortemId}`).expect(200)).body as Postmortem;
    expect(pm.reminders).toHaveLength(1);
    expect(pm.reminders[0]).toMatchObject({ key: `${postmortemId}:reminder-1`, escalated: false });

    // The next reminder is a new one.
    await activities.sendPostmortemReminder({ ...reminder, reminder: 2, escalate: true });
    const after = (await request(env.app).get(`/v1/postmortems/${postmortemId}`).expect(200))
      .body as Postmortem;
    expect(after.reminders.map((r) => r.key)).toEqual([
      `${postmortemId}:reminder-1`,
      `${postmortemId}:reminder-2`,
    ]);
    expect(receiver).toBeDefined();
  });
});
