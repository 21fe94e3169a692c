import request from 'supertest';
import { createPostmortemActivities } from '../../activities/postmortems';
import type { Postmortem } from '../../domain/postmortem';
import { recordHistory } from '../helpers/histories';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import {
  alertsOnTimeline,
  createIncidentTestEnv,
  openIncident,
  timelineOf,
  waitForCompletion,
} from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';
import { postmortemIdOf, postmortemWorkflowId } from '../../workflows/postmortem/ids';

const hour = 3600;
// SEV3 targets of seconds so breaches happen during the test; the others stay out of the way.
const slaTargets = {
  SEV1: { acknowledgeWithinSeconds: hour, resolveWithinSeconds: hour },
  SEV2: { acknowledgeWithinSeconds: hour, resolveWithinSeconds: hour },
  SEV3: { acknowledgeWithinSeconds: 1, resolveWithinSeconds: 2 },
  SEV4: { acknowledgeWithinSeconds: hour, resolveWithinSeconds: hour },
};

describe('post-mortems and SLAs', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    ({ env, receiver, teardown } = await createIncidentTestEnv(600, {
      slaTargets,
      postmortemReview: { reminderIntervalSeconds: 1, remindersBeforeEscalation: 1 },
    }));
  });
  afterAll(async () => teardown());

  async function postmortemOf(incidentId: string): Promise<Postmortem> {
    const id = postmortemIdOf(incidentId);
    return eventually(
      async () => (await request(env.app).get(`/v1/postmortems/${id}`).expect(200)).body as Postmortem,
    );
  }

  it('writes the post-mortem from the incident record, event for event, as JSON, Markdown and HTML', async () => {
    const alert = {
      service: 'payments',
      summary: 'Checkout <script>alert(1)</script> failing',
      severity: 'critical',
      dedupKey: 'pm-1',
    };
    for (let i = 0; i < 3; i++) await request(env.app).post('/v1/alerts').send(alert).expect(202);
    const incident = await eventually(async () => {
      const found = await openIncident(env, 'payments', 'pm-1');
      expect(found.alertCount).toBe(3);
      return found;
    });
    // Level 1 is notified (two channels) before anyone acknowledges.
    await eventually(async () => {
      const list = await timelineOf(env, incident.incidentId);
      expect(list.filter((e) => e.type === 'notification.sent')).toHaveLength(2);
    });
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/acknowledge`)
      .send({ actor: 'alice' })
      .expect(200);
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/notes`)
      .send({ actor: 'bob', text: 'DB failover | started' })
      .expect(201);
    await request(env.app)
      .patch(`/v1/incidents/${incident.incidentId}`)
      .send({ actor: 'alice', commander: 'alice' })
      .expect(200);
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/resolve`)
      .send({ actor: 'alice', note: 'failover done' })
      .expect(200);

    const pm = await postmortemOf(incident.incidentId);
    const entries = await timelineOf(env, incident.incidentId);
    expect(pm).toMatchObject({
      status: 'draft',
      incidentId: incident.incidentId,
      severity: 'SEV1',
      owner: 'user:alice',
    });

    // Every timeline entry is there, in order. Runs of alerts fold into one line each; where the
    // second and third alert land (before or after the first page) is up to timing.
    expect(pm.timeline.reduce((n, line) => n + line.count, 0)).toBe(entries.length);
    expect(pm.timeline.map((l) => [l.seqFrom, l.seqTo])[0]).toEqual([1, 1]);
    expect(alertsOnTimeline(entries)).toBe(3);
    expect(pm.alerts).toEqual([expect.objectContaining({ dedupKey: 'pm-1', count: 3 })]);
    const types = pm.timeline.map((l) => l.type);
    expect(types.some((type, i) => type === 'alert' && types[i + 1] === 'alert')).toBe(false);
    expect(types.filter((type) => type !== 'alert')).toEqual([
      'incident.opened',
      'triage',
      'response.opened',
      'escalation.level',
      'notification.sent',
      'notification.sent',
      'acknowledged',
      'note',
      'updated',
      'resolved',
      'postmortem.started',
    ]);

    // …and that timeline matches the workflow's own history: each alert signal and accepted update is a line.
    const history = await env.client.workflow.getHandle(incident.workflowId, incident.runId).fetchHistory();
    const events = history.events ?? [];
    const alertSignals = events.filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'alerts',
    ).length;
    const updates = events
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name)
      .filter((name): name is string => Boolean(name));
    expect(alertSignals).toBe(3);
    expect(updates).toEqual(['acknowledge', 'addNote', 'patchIncident', 'resolve']);
    // The save of the resolved incident started the post-mortem: no child workflow in the incident's history.
    expect(events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toEqual([]);
    expect(pm.timeline.filter((l) => l.type === 'postmortem.started')).toHaveLength(1);
    await recordHistory(env.client, 'incident-with-postmortem', incident.workflowId, incident.runId);

    // Metrics from the record.
    const tta = Math.round((Date.parse(pm.times.acknowledgedAt!) - Date.parse(pm.times.detectedAt)) / 1000);
    expect(pm.metrics.timeToAcknowledgeSeconds).toBe(tta);
    expect(pm.metrics.timeToResolveSeconds).toBeGreaterThanOrEqual(tta);
    expect(pm.responders).toEqual(
      expect.arrayContaining([
        { actor: 'user:alice', roles: expect.arrayContaining(['commander', 'acknowledged', 'resolved']) },
        { actor: 'user:bob', roles: ['notes'] },
      ]),
    );

    const markdown = await request(env.app)
      .get(`/v1/postmortems/${pm.postmortemId}`)
      .set('Accept', 'text/markdown')
      .expect(200);
    expect(markdown.headers['content-type']).toMatch(/^text\/markdown/);
    // The alert's HTML comes through as text, not markup.
    expect(markdown.text).toContain('# Post-mortem: Checkout \\<script\\>alert(1)\\</script\\> failing');
    expect(markdown.text).not.toContain('<script>');
    // One Markdown row per folded line: `alert` for one alert, `alert ×N` for a run of N.
    for (const line of pm.timeline.filter((l) => l.type === 'alert')) {
      expect(markdown.text).toContain(line.alerts === 1 ? '| alert |' : `| alert ×${line.alerts} |`);
    }
    expect(markdown.text).toContain('DB failover \\| started');
    const html = await request(env.app)
      .get(`/v1/postmortems/${pm.postmortemId}`)
      .set('Accept', 'text/html')
      .expect(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('Checkout &lt;script&gt;alert(1)&lt;/script&gt; failing');
    expect(html.text).not.toContain('<script>alert(1)');

    // Generating again (a retried or replayed resolution) neither duplicates nor overwrites the review.
    await request(env.app)
      .patch(`/v1/postmortems/${pm.postmortemId}`)
      .send({
        rootCause: 'Primary DB ran out of connections',
        actionItems: [{ title: 'Pool limits', owner: 'alice', dueDate: '2026-12-31' }],
      })
      .expect(200);
    const again = createPostmortemActivities({
      models: env.models,
      catalog: { people: [], channels: [], schedules: [], policies: [] },
      postmortemReview: { reminderIntervalSeconds: 1, remindersBeforeEscalation: 1 },
      deliver: async () => ({ detail: 'unused' }),
    });
    await again.generatePostmortem({ incidentId: incident.incidentId });
    expect(await env.models.Postmortem.countDocuments({ incidentId: incident.incidentId })).toBe(1);
    expect((await postmortemOf(incident.incidentId)).rootCause).toBe('Primary DB ran out of connections');
  });

  it('drives the review: transitions, read-only once published, reminders that escalate, done when published', async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'search', summary: 'Index stale', severity: 'critical', dedupKey: 'pm-2' })
      .expect(202);
    const incident = await openIncident(env, 'search', 'pm-2');
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/resolve`)
      .send({ actor: 'carol' })
      .expect(200);
    const pm = await postmortemOf(incident.incidentId);

    // Reminders every second; after the first, the fallback is told too.
    const mine = (path: string) => receiver.to(path).filter((r) => r.rawBody.includes(pm.postmortemId));
    await eventually(() => expect(mine('/level1').length).toBeGreaterThanOrEqual(1));
    await eventually(() => expect(mine('/fallback').length).toBeGreaterThanOrEqual(1));
    expect(mine('/level1')[0]!.rawBody).toContain('Post-mortem review due');

    await request(env.app)
      .patch(`/v1/postmortems/${pm.postmortemId}`)
      .send({ status: 'published' })
      .expect(409);
    await request(env.app)
      .patch(`/v1/postmortems/${pm.postmortemId}`)
      .send({ status: 'in-review', lessonsLearned: 'Alert earlier' })
      .expect(200);
    await request(env.app)
      .patch(`/v1/postmortems/${pm.postmortemId}`)
      .send({ actionItems: [{ title: 'Add index freshness alert', owner: 'carol', status: 'open' }] })
      .expect(200);
    const published = await request(env.app)
      .patch(`/v1/postmortems/${pm.postmortemId}`)
      .send({ status: 'published' })
      .expect(200);
    expect(published.body.status).toBe('published');

    await waitForCompletion(env, postmortemWorkflowId(incident.incidentId));
    await recordHistory(env.client, 'postmortem-review', postmortemWorkflowId(incident.incidentId));
    const conflict = await request(env.app)
      .patch(`/v1/postmortems/${pm.postmortemId}`)
      .send({ rootCause: 'late edit' })
      .expect(409);
    expect(conflict.body.error.message).toMatch(/published: only action item status can change/);
    const done = await request(env.app)
      .patch(`/v1/postmortems/${pm.postmortemId}`)
      .send({ actionItems: [{ title: 'Add index freshness alert', owner: 'carol', status: 'done' }] })
      .expect(200);
    expect(done.body.actionItems[0].status).toBe('done');
    const bad = await request(env.app)
      .patch(`/v1/postmortems/${pm.postmortemId}`)
      .send({ actionItems: [{ title: '', owner: 'x' }] })
      .expect(400);
    expect(bad.body.error.details[0].field).toBe('body.actionItems.0.title');

    const list = await request(env.app).get('/v1/postmortems?service=search&status=published').expect(200);
    expect(list.body.postmortems.map((p: Postmortem) => p.postmortemId)).toEqual([pm.postmortemId]);
  });

  it('records an SLA breach on the timeline the moment it happens, and notifies', async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'sla-test', summary: 'Slow pages', severity: 'warning', dedupKey: 'sla-1' })
      .expect(202);
    const incident = await openIncident(env, 'sla-test', 'sla-1');
    expect(incident.severity).toBe('SEV3');
    const entries = await eventually(async () => {
      const list = await timelineOf(env, incident.incidentId);
      expect(list.filter((e) => e.type === 'sla.breached')).toHaveLength(2);
      return list;
    });
    const breaches = entries.filter((e) => e.type === 'sla.breached');
    expect(breaches.map((e) => e.message)).toEqual([
      'SLA breached: not acknowledged within 1s (SEV3)',
      'SLA breached: not resolved within 2s (SEV3)',
    ]);
    const opened = Date.parse(incident.openedAt);
    expect(Date.parse(breaches[0]!.at) - opened).toBeGreaterThanOrEqual(1_000);
    expect(Date.parse(breaches[1]!.at) - opened).toBeGreaterThanOrEqual(2_000);
    await eventually(() =>
      expect(
        receiver
          .to('/level1')
          .some((r) => r.rawBody.includes(incident.incidentId) && r.rawBody.includes('SLA breached')),
      ).toBe(true),
    );
    const current = await openIncident(env, 'sla-test', 'sla-1');
    expect(current.slaBreaches?.map((b) => b.kind)).toEqual(['acknowledge', 'resolve']);
    await request(env.app).post(`/v1/incidents/${incident.incidentId}/resolve`).send({}).expect(200);
    await waitForCompletion(env, incident.workflowId, incident.runId);
    await recordHistory(env.client, 'incident-sla-breaches', incident.workflowId, incident.runId);
  });
});
