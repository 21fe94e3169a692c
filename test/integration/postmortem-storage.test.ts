import { mongo } from 'mongoose';
import request from 'supertest';
import { createPostmortemActivities } from '../../activities/postmortems';
import type { TimelineEntry, TimelineType } from '../../domain/incident';
import type { Postmortem } from '../../domain/postmortem';
import { foldTimeline } from '../../domain/postmortem-draft';
import { saveTimelineEntries } from '../../infra/timeline-store';
import { postmortemIdOf } from '../../workflows/postmortem/ids';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// A long incident's post-mortem, drafted from its stored record and stored on the MongoDB-wire server.
describe('a long post-mortem, stored', () => {
  let env: TestEnv;
  const incidentId = 'INC-L0NGP0STM001';
  const postmortemId = postmortemIdOf(incidentId);
  const total = 3_000;
  const at = new Date('2026-04-01T00:00:00Z');
  // Runs of two alerts, which fold into one line each, between other entries.
  const kinds: TimelineType[] = ['alert', 'alert', 'note', 'notification.sent'];
  const entries: TimelineEntry[] = Array.from({ length: total }, (_, i) => ({
    seq: i + 1,
    at: new Date(at.getTime() + i * 1000).toISOString(),
    type: kinds[i % kinds.length]!,
    actor: i % 4 === 2 ? 'user:ada' : 'fireline',
    message: `event ${i + 1}: "quoted" | piped`,
  }));
  const activities = () =>
    createPostmortemActivities({
      models: env.models,
      catalog: { people: [], channels: [], schedules: [], policies: [] },
      postmortemReview: { reminderIntervalSeconds: 86_400, remindersBeforeEscalation: 3 },
      deliver: async () => ({ detail: 'unused' }),
    });
  const served = async (id: string) =>
    (await request(env.app).get(`/v1/postmortems/${id}`).expect(200)).body as Postmortem;

  beforeAll(async () => {
    env = await createTestEnv();
    await env.models.Incident.collection.insertOne({
      _id: incidentId,
      workflowId: 'incident:storage:long',
      runId: 'r',
      service: 'storage',
      dedupKey: 'long',
      integration: 'native',
      title: 'Disk full',
      status: 'resolved',
      severity: 'SEV2',
      priority: 'P2',
      major: false,
      team: 'sre',
      triage: {},
      escalation: { exhausted: false },
      alertCount: total / 2,
      firstAlertAt: at,
      lastAlertAt: at,
      openedAt: at,
      resolvedAt: new Date(at.getTime() + total * 1000),
      resolvedBy: 'user:ada',
      labels: [],
      links: [],
      runbookRuns: [],
      slaBreaches: [],
      approvals: [],
      version: 1,
      timelineLength: total,
      updatedAt: at,
    } as never);
    await saveTimelineEntries(env.models.TimelinePage, incidentId, entries);
  });
  afterAll(async () => env.teardown());

  it('stores the timeline compressed and serves it line for line; drafting again changes nothing else', async () => {
    expect(await activities().generatePostmortem({ incidentId })).toMatchObject({
      postmortemId,
      status: 'draft',
    });
    const stored = await env.models.Postmortem.collection.findOne({ _id: postmortemId } as never);
    expect(stored?.timeline).toBeInstanceOf(mongo.Binary);
    const pm = await served(postmortemId);
    expect(pm.timeline).toEqual(foldTimeline(entries));
    expect(pm.timeline).toHaveLength((total / 4) * 3);

    expect(await activities().generatePostmortem({ incidentId })).toMatchObject({ status: 'draft' });
    expect(await env.models.Postmortem.countDocuments({ incidentId })).toBe(1);
    const again = await served(postmortemId);
    expect({ ...again, generatedAt: pm.generatedAt, updatedAt: pm.updatedAt }).toEqual(pm);
  });

  it('leaves a post-mortem under review as its reviewers have it, and answers its status', async () => {
    await request(env.app)
      .patch(`/v1/postmortems/${postmortemId}`)
      .send({ status: 'in-review', rootCause: 'The disk filled' })
      .expect(200);
    const before = await served(postmortemId);
    expect(await activities().generatePostmortem({ incidentId })).toMatchObject({ status: 'in-review' });
    expect(await served(postmortemId)).toEqual(before);
  });

  it('reads a draft stored before timelines were compressed, its timeline a JSON string', async () => {
    const {
      postmortemId: _id,
      labels: _labels,
      annotations: _annotations,
      ...rest
    } = await served(postmortemId);
    const older = 'PM-0LDF0RMAT001';
    await env.models.Postmortem.collection.insertOne({
      ...rest,
      _id: older,
      status: 'draft',
      labels: [],
      annotations: [],
      timeline: JSON.stringify(rest.timeline),
    } as never);
    expect((await served(older)).timeline).toEqual(rest.timeline);
  });
});
