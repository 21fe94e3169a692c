import { defaultPayloadConverter } from '@temporalio/common';
import request from 'supertest';
import { signWebhook } from '../../activities/channels/signed-post';
import type { NotifyInput, NotifyResult } from '../../activities/notify';
import type { Incident } from '../../domain/incident';
import { readWholeTimeline } from '../../infra/timeline-store';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { recordHistory } from '../helpers/histories';
import { eventually, type HttpReceiver } from '../helpers/http-receiver';
import { testCatalog, WEBHOOK_SECRET } from '../helpers/test-catalog';
import type { TestEnv } from '../helpers/test-env';
import { settledRuns } from '../helpers/visibility';
import {
  alertsOnTimeline,
  createIncidentTestEnv,
  openIncident as openIncidentOf,
  timelineOf,
  waitForCompletion,
} from '../helpers/incidents';

// Alert → level 1 notified → no ack → level 2 notified → acknowledge → resolve,
// against the real Temporal dev server and MongoDB-wire server, with the
// notifications captured by a local HTTP receiver.
describe('incident lifecycle end to end', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    // Level 2 comes 2 s after level 1 (the first test waits for it); the tests act after
    // level 2, so its own wait for an acknowledgement is long enough to come first.
    ({ env, receiver, teardown } = await createIncidentTestEnv(2, { catalog: testCatalog(2, 600) }));
  });
  afterAll(async () => teardown());

  it('escalates level by level until acknowledged, then resolves', async () => {
    const posted = await request(env.app)
      .post('/v1/alerts')
      .send({
        service: 'payments',
        summary: 'Card authorisations failing',
        severity: 'critical',
        dedupKey: 'auth-failures',
        labels: { env: 'prod' },
        links: [{ href: 'https://grafana.example.com/d/payments', text: 'Dashboard' }],
      })
      .expect(202);
    expect(posted.body).toEqual({
      status: 'accepted',
      action: 'trigger',
      dedupKey: 'auth-failures',
      workflowId: 'incident:payments:auth-failures',
    });

    const opened = await openIncidentOf(env, 'payments', 'auth-failures');
    expect(opened).toMatchObject({
      status: 'triggered',
      severity: 'SEV1',
      priority: 'P1',
      major: true,
      team: 'payments',
      triage: { ruleId: 'payments-critical', runbooks: [] },
    });

    // Level 1: the signed webhook and the Slack channel.
    const level1 = await eventually(() => {
      const [hit] = receiver.to('/level1');
      if (!hit) throw new Error('level 1 not notified yet');
      return hit;
    });
    const timestamp = level1.headers['x-fireline-timestamp'] as string;
    expect(level1.headers['x-fireline-signature']).toBe(
      signWebhook(WEBHOOK_SECRET, timestamp, level1.rawBody),
    );
    expect(level1.headers['idempotency-key']).toMatch(new RegExp(`^${opened.incidentId}:`));
    expect(level1.body).toMatchObject({
      type: 'incident.notification',
      incident: { incidentId: opened.incidentId, reason: 'level 1' },
    });
    const slack = await eventually(() => {
      const [hit] = receiver.to('/slack');
      if (!hit) throw new Error('slack not notified yet');
      return hit;
    });
    expect(JSON.stringify(slack.body)).toContain('Card authorisations failing');
    expect((slack.body as { blocks: unknown[] }).blocks.length).toBeGreaterThanOrEqual(2);

    // Nobody acknowledges: after the 2 s level delay, level 2 (the on-call schedule) is notified.
    const level2 = await eventually(() => {
      const [hit] = receiver.to('/level2');
      if (!hit) throw new Error('level 2 not notified yet');
      return hit;
    });
    expect(level2.body).toMatchObject({ incident: { reason: 'level 2' } });

    // The delivery is recorded once the activity completes, a moment after the receiver saw it.
    const recorded = await eventually(async () => {
      const list = await timelineOf(env, opened.incidentId);
      expect(list.filter((e) => e.type === 'notification.sent')).toHaveLength(3);
      return list;
    });
    // The level delay counts from level 1's escalation, not from its delivery (which takes a moment).
    const level1EscalatedAt = Date.parse(recorded.find((e) => e.type === 'escalation.level')!.at);
    expect(level2.at - level1EscalatedAt).toBeGreaterThanOrEqual(2_000);
    const acked = await request(env.app)
      .post(`/v1/incidents/${opened.incidentId}/acknowledge`)
      .send({ actor: 'alice' })
      .expect(200);
    expect(acked.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'user:alice' });

    // Acknowledged twice is a conflict with the reason.
    const again = await request(env.app)
      .post(`/v1/incidents/${opened.incidentId}/acknowledge`)
      .send({})
      .expect(409);
    expect(again.body.error).toMatchObject({
      code: 'conflict',
      message: 'The incident is already acknowledged',
    });

    await request(env.app)
      .post(`/v1/incidents/${opened.incidentId}/notes`)
      .send({ actor: 'alice', text: 'Rolling back the deploy' })
      .expect(201);
    const patched = await request(env.app)
      .patch(`/v1/incidents/${opened.incidentId}`)
      .send({ actor: 'alice', severity: 'SEV2', commander: 'alice' })
      .expect(200);
    expect(patched.body).toMatchObject({ severity: 'SEV2', commander: 'alice' });

    const resolved = await request(env.app)
      .post(`/v1/incidents/${opened.incidentId}/resolve`)
      .send({ actor: 'alice', note: 'Rolled back' })
      .expect(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      resolvedBy: 'user:alice',
      resolutionNote: 'Rolled back',
    });

    // The workflow completes and the stored incident says resolved.
    await waitForCompletion(env, opened.workflowId, opened.runId);
    const stored = await request(env.app).get(`/v1/incidents/${opened.incidentId}`).expect(200);
    expect(stored.body).toMatchObject({ status: 'resolved', severity: 'SEV2' });
    await request(env.app).post(`/v1/incidents/${opened.incidentId}/resolve`).send({}).expect(409);

    // No more notifications after the acknowledgement.
    expect(receiver.to('/fallback')).toHaveLength(0);
    expect(receiver.to('/level2')).toHaveLength(1);

    const entries = await timelineOf(env, opened.incidentId);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(entries.map((e) => e.type)).toEqual([
      'incident.opened',
      'triage',
      // A SEV1 is a major incident: its response opens at triage.
      'response.opened',
      'alert',
      'escalation.level',
      'notification.sent',
      'notification.sent',
      'escalation.level',
      'notification.sent',
      'acknowledged',
      'note',
      'updated',
      'resolved',
      'postmortem.started',
    ]);
    expect(entries.find((e) => e.type === 'triage')?.message).toContain('Rule "payments-critical" matched');
    expect(entries.find((e) => e.type === 'note')).toMatchObject({
      actor: 'user:alice',
      message: 'Rolling back the deploy',
    });
    // No secret reaches the timeline.
    expect(JSON.stringify(entries)).not.toContain(WEBHOOK_SECRET);
    expect(JSON.stringify(entries)).not.toContain(receiver.url('/'));
    await recordHistory(env.client, 'escalate-ack-resolve', opened.workflowId, opened.runId);
  });

  it('folds 50 concurrent duplicates into one incident with 50 alerts', async () => {
    const alert = { service: 'search', summary: 'Index lag', severity: 'warning', dedupKey: 'index-lag' };
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => request(env.app).post('/v1/alerts').send(alert)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));

    const workflowId = incidentWorkflowId('search', 'index-lag');
    const incident = await eventually(async () => {
      const found = await openIncidentOf(env, 'search', 'index-lag');
      expect(found.alertCount).toBe(50);
      return found;
    });
    expect(await env.models.Incident.countDocuments({ workflowId })).toBe(1);
    expect(await settledRuns(env.client, workflowId)).toHaveLength(1);
    await request(env.app).post(`/v1/incidents/${incident.incidentId}/resolve`).send({}).expect(200);

    // The timeline has the first alert and its repeats folded into one entry before the resolution.
    const entries = await eventually(async () => {
      const list = await timelineOf(env, incident.incidentId);
      expect(list.at(-1)?.type).toBe('postmortem.started');
      return list;
    });
    expect(entries.filter((e) => e.type === 'alert')).toHaveLength(1);
    const folds = entries.filter((e) => e.type === 'alert.repeated');
    expect(alertsOnTimeline(entries)).toBe(50);
    expect(folds.length).toBeGreaterThanOrEqual(1);
    expect(folds.at(-1)?.message).toMatch(/^Alert index-lag fired (once more|\d+ more times) (at|between) /);
    const resolvedAt = entries.findIndex((e) => e.type === 'resolved');
    expect(entries.findIndex((e) => e === folds.at(-1))).toBeLessThan(resolvedAt);
  });

  it('notifies the fallback and marks the incident exhausted when nobody acknowledges', async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'exhaust-test', summary: 'Nobody home', severity: 'error', dedupKey: 'nobody' })
      .expect(202);
    const incident = await openIncidentOf(env, 'exhaust-test', 'nobody');
    await eventually(() => {
      expect(
        receiver.to('/fallback').filter((r) => JSON.stringify(r.body).includes(incident.incidentId)),
      ).toHaveLength(1);
    });
    const current = await openIncidentOf(env, 'exhaust-test', 'nobody');
    expect(current.escalation).toMatchObject({ exhausted: true, fallbackNotified: true, round: 2 });
    const types = (
      await eventually(async () => {
        const entries = await timelineOf(env, incident.incidentId);
        if (!entries.some((e) => e.type === 'escalation.exhausted')) throw new Error('not saved yet');
        return entries;
      })
    ).map((e) => e.type);
    // One level, repeated once: notified twice, then the fallback.
    expect(types.filter((t) => t === 'escalation.level')).toHaveLength(2);
    await request(env.app).post(`/v1/incidents/${incident.incidentId}/resolve`).send({}).expect(200);
    await waitForCompletion(env, incident.workflowId, incident.runId);
    await recordHistory(env.client, 'exhausted', incident.workflowId, incident.runId);
  });

  it('escalates on demand, and re-triggers after a snooze expires', async () => {
    await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'billing', summary: 'Invoices stuck', severity: 'error', dedupKey: 'stuck' })
      .expect(202);
    const incident = await openIncidentOf(env, 'billing', 'stuck');
    const mine = (path: string) =>
      receiver.to(path).filter((r) => JSON.stringify(r.body).includes(incident.incidentId));
    await eventually(() => expect(mine('/level1')).toHaveLength(1));

    const escalated = await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/escalate`)
      .send({ actor: 'bob', reason: 'need the on-call now' })
      .expect(200);
    expect(escalated.body.escalation).toMatchObject({ level: 1 });
    await eventually(() => expect(mine('/level2')).toHaveLength(1));

    const snoozed = await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/snooze`)
      .send({ actor: 'bob', durationSeconds: 1 })
      .expect(200);
    expect(snoozed.body.status).toBe('snoozed');
    // After the snooze the incident is triggered again and escalation restarts at level 1.
    await eventually(() => expect(mine('/level1')).toHaveLength(2));
    const after = await openIncidentOf(env, 'billing', 'stuck');
    expect(after.status).toBe('triggered');
    await request(env.app)
      .post(`/v1/incidents/${incident.incidentId}/resolve`)
      .send({ actor: 'bob' })
      .expect(200);
    await waitForCompletion(env, incident.workflowId, incident.runId);
    await recordHistory(env.client, 'escalate-snooze-resolve', incident.workflowId, incident.runId);
  });

  it('rejects bad input with 400 naming the field', async () => {
    const res = await request(env.app)
      .post('/v1/alerts')
      .send({ service: 'pay ments', summary: '', severity: 'urgent' })
      .expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'body.service',
      'body.severity',
      'body.summary',
    ]);
    await request(env.app).post('/v1/incidents/INC-NOTANINCIDNT/acknowledge').send({}).expect(404);
    const bad = await request(env.app).post('/v1/incidents/not-an-id/acknowledge').send({}).expect(400);
    expect(bad.body.error.details[0].field).toBe('params.id');
    const snooze = await request(env.app)
      .post('/v1/incidents/INC-NOTANINCIDNT/snooze')
      .send({ durationSeconds: -5 })
      .expect(400);
    expect(snooze.body.error.details[0].field).toBe('body.durationSeconds');
  });

  it('lists incidents with filters and pagination', async () => {
    for (const key of ['list-a', 'list-b', 'list-c']) {
      await request(env.app)
        .post('/v1/alerts')
        .send({ service: 'listing', summary: `Alert ${key}`, severity: 'info', dedupKey: key })
        .expect(202);
      await openIncidentOf(env, 'listing', key);
    }
    const first = await request(env.app).get('/v1/incidents?service=listing&limit=2').expect(200);
    expect(first.body.incidents).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await request(env.app)
      .get(`/v1/incidents?service=listing&limit=2&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(second.body.incidents).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.incidents, ...second.body.incidents].map((i: Incident) => i.dedupKey).sort();
    expect(ids).toEqual(['list-a', 'list-b', 'list-c']);
    const sev = await request(env.app).get('/v1/incidents?service=listing&severity=SEV1').expect(200);
    expect(sev.body.incidents).toHaveLength(0);
    const bad = await request(env.app).get('/v1/incidents?status=open').expect(400);
    expect(bad.body.error.details[0].field).toBe('query.status');
  });
  it('pages in one activity a step, saves the level-1 outcome with the opening, and saves repeats now and then', async () => {
    const alert = {
      service: 'payments',
      summary: 'Checkout latency',
      severity: 'critical',
      dedupKey: 'paging-cost',
    };
    await request(env.app).post('/v1/alerts').send(alert).expect(202);
    const opened = await openIncidentOf(env, 'payments', 'paging-cost');
    // Repeats one after another, each while the last one's save could still be under way.
    for (let i = 0; i < 30; i++) await request(env.app).post('/v1/alerts').send(alert).expect(202);
    await eventually(async () => {
      const doc = await env.models.Incident.findById(opened.incidentId, { alertCount: 1 }).lean();
      if (doc?.alertCount !== 31) throw new Error(`alert count ${doc?.alertCount} in MongoDB`);
    });
    const history = await env.client.workflow
      .getHandle(incidentWorkflowId('payments', 'paging-cost'))
      .fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) => {
      const attrs = e.activityTaskScheduledEventAttributes;
      return attrs ? [{ type: attrs.activityType?.name, input: attrs.input?.payloads ?? [] }] : [];
    });
    const types = scheduled.map((a) => a.type);
    expect(types).toContain('notifyTargets');
    expect(types).not.toContain('planNotifications');
    expect(types).not.toContain('deliverNotification');
    // The level-1 step's activity saved the opening together with its page's outcome.
    const [step] = scheduled.filter((a) => a.type === 'notifyTargets');
    const stepInput = defaultPayloadConverter.fromPayload<NotifyInput>(step!.input[0]!);
    expect(stepInput.save?.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['incident.opened', 'triage', 'escalation.level']),
    );
    const stepEvent = (history.events ?? []).find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notifyTargets',
    );
    const [stepDone] = (history.events ?? []).flatMap((e) => {
      const completed = e.activityTaskCompletedEventAttributes;
      const result = completed?.result?.payloads?.[0];
      if (!result || String(completed.scheduledEventId) !== String(stepEvent?.eventId)) return [];
      return [defaultPayloadConverter.fromPayload<NotifyResult>(result)];
    });
    expect(stepDone?.savedVersion).toEqual(expect.any(Number));
    const firstSaveAt = types.indexOf('saveIncident');
    expect(firstSaveAt === -1 || firstSaveAt > types.indexOf('notifyTargets')).toBe(true);
    const stored = await readWholeTimeline(env.models.TimelinePage, opened.incidentId, 1);
    expect(stored.map((e) => e.type)).toContain('notification.sent');
    // Saved back to back, 30 repeats would take about as many saves.
    expect(types.filter((type) => type === 'saveIncident').length).toBeLessThanOrEqual(8);
  });
});
