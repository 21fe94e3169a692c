import request from 'supertest';
import type { TimelineEntry } from '../../domain/incident';
import { saveTimelineEntries } from '../../infra/timeline-store';
import { readTimeline } from '../../api/incidents/store';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { signInToWebUi } from '../helpers/web-ui-session';

// A long incident's timeline is read a page at a time, by the API and by the web UI.
describe('timeline pages', () => {
  let env: TestEnv;
  const id = 'INC-T1MEL1NE0001';
  const runId = `${id}.rb1`;
  const total = 1200;
  let key: string;

  beforeAll(async () => {
    env = await createTestEnv();
    const at = new Date('2026-04-01T00:00:00Z');
    await env.models.Incident.collection.insertOne({
      _id: id,
      workflowId: 'incident:timeline:long',
      runId: 'r',
      service: 'timeline',
      dedupKey: 'long',
      integration: 'native',
      title: 'A long one',
      status: 'resolved',
      severity: 'SEV3',
      priority: 'P3',
      major: false,
      team: 'sre',
      triage: {},
      escalation: { exhausted: false },
      alertCount: total,
      firstAlertAt: at,
      lastAlertAt: at,
      openedAt: at,
      resolvedAt: at,
      labels: {},
      links: [],
      runbookRuns: [
        {
          runId,
          runbookId: 'restart-service',
          status: 'succeeded',
          requestedBy: 'triage',
          startedAt: at.toISOString(),
        },
      ],
      slaBreaches: [],
      approvals: [],
      version: 1,
      timelineLength: total,
      updatedAt: at,
    } as never);
    await saveTimelineEntries(
      env.models.TimelinePage,
      id,
      Array.from({ length: total }, (_, seq) => ({
        seq,
        at: new Date(at.getTime() + seq * 1000).toISOString(),
        // Early on, one runbook step: the runbook section shows it whichever page is open.
        ...(seq === 5
          ? {
              type: 'runbook.step',
              actor: 'runbook:restart-service',
              message: 'step',
              data: {
                runId,
                name: 'early-step',
                kind: 'action',
                startedAt: at.toISOString(),
                outcome: 'succeeded',
                summary: 'restarted',
              },
            }
          : { type: 'alert', actor: 'integration:native', message: `alert ${seq}` }),
      })),
    );
    key = await env.createKey('timeline-reader', ['incidents:read']);
  });
  afterAll(async () => env.teardown());

  const seqs = (entries: Array<{ seq: number }>) => entries.map((e) => e.seq);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

  it('answers the latest 500 entries by default, oldest first, and the older ones with ?before', async () => {
    const latest = await request(env.app).get(`/v1/incidents/${id}/timeline`).expect(200);
    expect(seqs(latest.body.entries)).toEqual(range(700, 1200));
    expect(latest.body.nextBefore).toBe(700);

    const older = await request(env.app).get(`/v1/incidents/${id}/timeline?before=700&limit=300`).expect(200);
    expect(seqs(older.body.entries)).toEqual(range(400, 700));
    expect(older.body.nextBefore).toBe(400);

    const rest = await request(env.app).get(`/v1/incidents/${id}/timeline?before=400&limit=1000`).expect(200);
    expect(seqs(rest.body.entries)).toEqual(range(0, 400));
    expect(rest.body.nextBefore).toBeNull();
    expect(rest.body.entries[0]).toEqual({
      seq: 0,
      at: '2026-04-01T00:00:00.000Z',
      type: 'alert',
      actor: 'integration:native',
      message: 'alert 0',
    });
  });

  it('reads entries saved ahead of the incident document, and a cursor past the end, from the pages there are', async () => {
    // No incident document yet: its entries are saved first.
    const ahead = 'INC-T1MEL1NE0002';
    const entries = (from: number, to: number): TimelineEntry[] =>
      range(from, to).map((seq) => ({
        seq,
        at: '2026-04-01T00:00:00.000Z',
        type: 'note',
        actor: 'user:ada',
        message: `note ${seq}`,
      }));
    await saveTimelineEntries(env.models.TimelinePage, ahead, entries(0, 250));
    expect(seqs((await readTimeline(env, ahead, { limit: 10 })).entries)).toEqual(range(240, 250));
    expect(seqs((await readTimeline(env, ahead, { limit: 10, before: 999_999_999 })).entries)).toEqual(
      range(240, 250),
    );
    // A retried save writes the same entries again, next to the new ones: none doubles, none is lost.
    await saveTimelineEntries(env.models.TimelinePage, ahead, entries(200, 251));
    const whole = await readTimeline(env, ahead, { limit: 1000 });
    expect(seqs(whole.entries)).toEqual(range(0, 251));
    expect(whole.entries[250]).toEqual(entries(250, 251)[0]);
  });

  it('refuses a page larger than 1000 or a bad cursor with 400 naming the field', async () => {
    for (const [query, field] of [
      ['limit=1001', 'query.limit'],
      ['limit=0', 'query.limit'],
      ['before=-1', 'query.before'],
      ['before=later', 'query.before'],
    ]) {
      const res = await request(env.app).get(`/v1/incidents/${id}/timeline?${query}`).expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual([field]);
    }
  });

  it('shows a page of the timeline on the incident page, with links to earlier and latest entries', async () => {
    const { cookie } = await signInToWebUi(env.rawApp, key);
    const page = (query = '') => request(env.rawApp).get(`/ui/incidents/${id}${query}`).set('Cookie', cookie);
    const rows = (text: string) => (text.match(/<td>alert<\/td>/g) ?? []).length;

    const latest = await page().expect(200);
    expect(latest.text).toContain('500 entries, oldest first (#700 to #1199)');
    expect(rows(latest.text)).toBe(500);
    expect(latest.text).toContain(`href="/ui/incidents/${id}?before=700#timeline-heading"`);
    expect(latest.text).not.toContain('Latest entries');
    // The runbook's steps come from their own records, not from the page of the timeline.
    expect(latest.text).toContain('early-step');

    const earlier = await page('?before=700').expect(200);
    expect(earlier.text).toContain('500 entries, oldest first (#200 to #699)');
    expect(earlier.text).toContain(`href="/ui/incidents/${id}?before=200#timeline-heading"`);
    expect(earlier.text).toContain(`href="/ui/incidents/${id}#timeline-heading">Latest entries`);

    const first = await page('?before=200').expect(200);
    expect(first.text).toContain('200 entries, oldest first (#0 to #199)');
    expect(first.text).not.toContain('Earlier entries');

    const bad = await page('?before=soon').expect(400);
    expect(bad.text).toContain('query.before');
  });
});
