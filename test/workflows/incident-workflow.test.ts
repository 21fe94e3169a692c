import { randomUUID } from 'node:crypto';
import type { Worker as Thread } from 'node:worker_threads';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { createNotifyActivities } from '../../activities/notify';
import type {
  AlertEvent,
  EscalationPolicySnapshot,
  Incident,
  PlannedDelivery,
  SlaTarget,
  TimelineEntry,
  TriageResult,
} from '../../domain/incident';
import { incidentWorkflow } from '../../workflows/incident';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import {
  acknowledgeUpdate,
  addNoteUpdate,
  alertsSignal,
  incidentQuery,
  snoozeUpdate,
} from '../../workflows/incident/messages';
import { capturingThreads, rootScopeReactions } from '../helpers/heap-snapshot';
import { timersOf } from '../helpers/histories';
import { eventually } from '../helpers/http-receiver';
import { continueAsNewTemporal } from '../helpers/continue-as-new-temporal';

// The incident workflow on its own: the stack's real Temporal dev server, the
// workflow bundle the worker runs, and Fireline's activities replaced by
// mocks typed by `Activities`. No HTTP, no MongoDB: these tests check the
// workflow's timers and transitions.

type MockedActivities = Pick<
  Activities,
  'triageAlert' | 'planNotifications' | 'deliverNotification' | 'notifyTargets' | 'saveIncident'
>;

interface Recorder {
  /** Notification keys in the order they were delivered (`r0-l0`, `sla-acknowledge`, …). */
  pages: string[];
  saves: Array<{ version: number; status: Incident['status']; startPostmortem?: boolean }>;
  timeline: TimelineEntry[];
  /** The incident as MongoDB would hold it: a save never overwrites a version as new or newer. */
  stored?: Incident;
}

function policy(delaySeconds: number): EscalationPolicySnapshot {
  return {
    id: 'test-policy',
    name: 'Test policy',
    levels: [
      { delaySeconds, targets: [{ type: 'person', id: 'alice' }] },
      { delaySeconds, targets: [{ type: 'person', id: 'bob' }] },
    ],
    repeat: 0,
    fallback: [{ type: 'person', id: 'carol' }],
  };
}

function mockActivities(options: { delaySeconds: number; sla?: SlaTarget }): {
  activities: MockedActivities;
  recorder: Recorder;
} {
  const recorder: Recorder = { pages: [], saves: [], timeline: [] };
  const triage: TriageResult = {
    ruleId: 'test-rule',
    impact: 'high',
    urgency: 'high',
    severity: 'SEV2',
    priority: 'P2',
    major: false,
    team: 'sre',
    escalationPolicyId: 'test-policy',
    runbooks: [],
    ...(options.sla ? { sla: options.sla } : {}),
  };
  const activities: MockedActivities = {
    triageAlert: async () => ({ triage, policy: policy(options.delaySeconds), warnings: [] }),
    planNotifications: async ({ targets, key }) => ({
      deliveries: targets.map((t): PlannedDelivery => ({
        deliveryId: `${key}:${t.id}`,
        channelType: 'webhook',
        destination: `test:${t.id}`,
        label: `${t.id} (test)`,
      })),
      unreachable: [],
    }),
    deliverNotification: async ({ delivery }) => {
      recorder.pages.push(delivery.deliveryId);
      return { deliveryId: delivery.deliveryId, status: 'sent', detail: 'recorded by the test' };
    },
    // An escalation step's one activity, as the worker builds it, over the mocks above (looked up
    // when called, so a test that replaces one sees its replacement used).
    notifyTargets: (input) =>
      createNotifyActivities({
        plan: (plan) => activities.planNotifications(plan),
        deliver: (delivery) => activities.deliverNotification(delivery),
        save: (save) => activities.saveIncident(save),
      }).notifyTargets(input),
    saveIncident: async ({ incident, timeline, startPostmortem }) => {
      recorder.saves.push({ version: incident.version, status: incident.status, startPostmortem });
      recorder.timeline.push(...timeline);
      if ((recorder.stored?.version ?? -1) < incident.version) recorder.stored = incident;
    },
  };
  return { activities, recorder };
}

function alert(dedupKey: string, overrides: Partial<AlertEvent> = {}): AlertEvent {
  const at = new Date().toISOString();
  return {
    eventId: randomUUID(),
    integration: 'native',
    service: 'wf-test',
    dedupKey,
    action: 'trigger',
    summary: 'Checkout latency above 2 s',
    severity: 'error',
    labels: {},
    annotations: {},
    links: [],
    occurredAt: at,
    receivedAt: at,
    ...overrides,
  };
}

describe('incident workflow, activities mocked', () => {
  let testEnv: TestWorkflowEnvironment;
  let temporal: Awaited<ReturnType<typeof continueAsNewTemporal>> | undefined;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // Installed by an earlier test file in this process.
    }
    // The continue-as-new tests need a server that suggests it after 300 events.
    temporal = await continueAsNewTemporal();
    testEnv = await TestWorkflowEnvironment.createFromExistingServer({ address: temporal.address });
  });
  afterAll(async () => {
    await testEnv?.teardown();
    await temporal?.stop();
  });

  /** Runs `body` with a worker whose activities are the mocks, and its workflow threads; stops the worker after. */
  async function withWorker<T>(
    activities: MockedActivities,
    body: (taskQueue: string, threads: Thread[]) => Promise<T>,
  ): Promise<T> {
    const taskQueue = `wf-test-${randomUUID().slice(0, 8)}`;
    const { result: worker, threads } = await capturingThreads(() =>
      Worker.create({
        connection: testEnv.nativeConnection,
        taskQueue,
        workflowBundle: { codePath: process.env.FIRELINE_TEST_WORKFLOW_BUNDLE! },
        activities,
      }),
    );
    return worker.runUntil(body(taskQueue, threads));
  }

  async function open(taskQueue: string, dedupKey: string) {
    const first = alert(dedupKey);
    const handle = await testEnv.client.workflow.signalWithStart(incidentWorkflow, {
      taskQueue,
      workflowId: incidentWorkflowId(first.service, dedupKey),
      args: [
        { service: first.service, dedupKey, integration: 'native', actionsTaskQueue: `${taskQueue}-actions` },
      ],
      signal: alertsSignal,
      signalArgs: [{ events: [first] }],
    });
    await eventually(async () => expect(await handle.query(incidentQuery)).toBeDefined(), 10_000);
    return handle;
  }

  const incidentOf = async (handle: WorkflowHandle) => (await handle.query(incidentQuery))!;

  it('pages level 1, then level 2 after its delay, then the fallback; an acknowledgement stops it', async () => {
    const { activities, recorder } = mockActivities({ delaySeconds: 1 });
    await withWorker(activities, async (taskQueue) => {
      const handle = await open(taskQueue, `esc-${randomUUID()}`);
      await eventually(async () => expect(recorder.pages).toContain('fallback:carol'), 15_000);
      expect(recorder.pages.slice(0, 3)).toEqual(['r0-l0:alice', 'r0-l1:bob', 'fallback:carol']);
      const exhausted = await incidentOf(handle);
      expect(exhausted.escalation).toMatchObject({ exhausted: true, fallbackNotified: true });

      const acked = await handle.executeUpdate(acknowledgeUpdate, {
        args: [{ incidentId: exhausted.incidentId, actor: 'alice' }],
      });
      expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice' });
      await expect(
        handle.executeUpdate(acknowledgeUpdate, {
          args: [{ incidentId: exhausted.incidentId, actor: 'bob' }],
        }),
      ).rejects.toMatchObject({ cause: { message: 'The incident is already acknowledged' } });
      await handle.signal(alertsSignal, { events: [alert(exhausted.dedupKey, { action: 'resolve' })] });
      expect(await handle.result()).toEqual({ incidentId: exhausted.incidentId, status: 'resolved' });
      // The final save carries the resolved incident, and starts its post-mortem.
      expect(recorder.saves.at(-1)).toMatchObject({ status: 'resolved', startPostmortem: true });
      expect(recorder.timeline.map((e) => e.type)).toEqual(
        expect.arrayContaining(['escalation.level', 'escalation.exhausted', 'acknowledged', 'resolved']),
      );
    });
  });

  it('holds nothing for the saves it has made: its root scope keeps no reaction per operation', async () => {
    const { activities, recorder } = mockActivities({ delaySeconds: 3600 });
    await withWorker(activities, async (taskQueue, threads) => {
      expect(threads.length).toBeGreaterThan(0);
      const handle = await open(taskQueue, `scope-${randomUUID()}`);
      const { incidentId } = await incidentOf(handle);
      // Each note is saved on its own: a condition, an activity and a wait for notifications each time.
      const notes = 15;
      for (let i = 0; i < notes; i++) {
        await handle.executeUpdate(addNoteUpdate, {
          args: [{ incidentId, actor: 'alice', text: `note ${i}` }],
        });
        await eventually(
          async () => expect(recorder.timeline.filter((e) => e.type === 'note')).toHaveLength(i + 1),
          10_000,
        );
      }
      const reactions = (await Promise.all(threads.map(rootScopeReactions))).flat();
      // This incident is the only run the worker has cached.
      expect(reactions).toHaveLength(1);
      expect(reactions[0]).toBeLessThanOrEqual(3);
    });
  });

  it('ends as cancelled when an operator cancels its workflow', async () => {
    const { activities } = mockActivities({ delaySeconds: 3600 });
    await withWorker(activities, async (taskQueue) => {
      const handle = await open(taskQueue, `cancel-${randomUUID()}`);
      await handle.cancel();
      await expect(handle.result()).rejects.toMatchObject({ cause: { name: 'CancelledFailure' } });
      expect((await handle.describe()).status.name).toBe('CANCELLED');
    });
  });

  it('plans and delivers step by step when the one-activity step fails as a whole', async () => {
    const { activities, recorder } = mockActivities({ delaySeconds: 1 });
    let failedSteps = 0;
    activities.notifyTargets = async () => {
      failedSteps++;
      throw new Error('notifyTargets unavailable');
    };
    await withWorker(activities, async (taskQueue) => {
      await open(taskQueue, `fallback-${randomUUID()}`);
      await eventually(async () => expect(recorder.pages).toContain('r0-l1:bob'), 15_000);
    });
    expect(recorder.pages.slice(0, 2)).toEqual(['r0-l0:alice', 'r0-l1:bob']);
    expect(failedSteps).toBeGreaterThanOrEqual(2);
  });

  it('saves an escalation together with the outcome of its page, not in a save of its own before it', async () => {
    const { activities, recorder } = mockActivities({ delaySeconds: 1 });
    const saved: TimelineEntry[][] = [];
    const { deliverNotification, saveIncident } = activities;
    activities.deliverNotification = async (input) => {
      if (input.delivery.deliveryId === 'r0-l1:bob') await new Promise((r) => setTimeout(r, 1_500));
      return deliverNotification(input);
    };
    activities.saveIncident = async (input) => {
      saved.push(input.timeline);
      return saveIncident(input);
    };
    const dedupKey = `page-save-${randomUUID()}`;
    await withWorker(activities, async (taskQueue) => {
      const handle = await open(taskQueue, dedupKey);
      const { incidentId } = await incidentOf(handle);
      await eventually(async () => expect(recorder.pages).toContain('r0-l1:bob'), 10_000);
      await handle.executeUpdate(acknowledgeUpdate, { args: [{ incidentId, actor: 'bob' }] });
      await handle.signal(alertsSignal, { events: [alert(dedupKey, { action: 'resolve' })] });
      await handle.result();
    });
    const levelTwo = saved.find((entries) =>
      entries.some((e) => e.type === 'escalation.level' && e.data?.level === 1),
    );
    expect(levelTwo?.map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Notified bob/)]),
    );
  });

  /** The timeline as MongoDB would hold it: the last entry written for each seq. */
  const storedTimeline = (recorder: Recorder) =>
    [...new Map(recorder.timeline.map((e) => [e.seq, e])).values()].sort((a, b) => a.seq - b.seq);

  it('an escalation step saves the incident with its outcome in its own activity: no save activity of its own', async () => {
    const { activities, recorder } = mockActivities({ delaySeconds: 1 });
    const dedupKey = `step-save-${randomUUID()}`;
    await withWorker(activities, async (taskQueue) => {
      const handle = await open(taskQueue, dedupKey);
      const { incidentId } = await incidentOf(handle);
      await eventually(async () => expect(recorder.pages).toContain('r0-l1:bob'), 10_000);
      await eventually(async () => expect(recorder.stored?.pages).toHaveLength(2), 10_000);
      await handle.executeUpdate(acknowledgeUpdate, { args: [{ incidentId, actor: 'bob' }] });
      await handle.signal(alertsSignal, { events: [alert(dedupKey, { action: 'resolve' })] });
      await handle.result();
      const { events } = await handle.fetchHistory();
      const scheduled = (events ?? []).flatMap((e) =>
        e.activityTaskScheduledEventAttributes
          ? [e.activityTaskScheduledEventAttributes.activityType?.name]
          : [],
      );
      // Two steps, each saving its outcome; the acknowledgement and the resolution are saved on their own.
      expect(scheduled.filter((name) => name === 'notifyTargets')).toHaveLength(2);
      expect(scheduled.filter((name) => name === 'saveIncident').length).toBeLessThanOrEqual(2);
    });
    const timeline = storedTimeline(recorder);
    expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));
    expect(timeline.filter((e) => e.type === 'notification.sent').map((e) => e.message)).toEqual([
      'Notified alice (test) (level 1)',
      'Notified bob (test) (level 2)',
    ]);
    expect(recorder.stored).toMatchObject({ status: 'resolved', timelineLength: timeline.length });
  });

  it('a change made while a step is out is saved over what the step saved', async () => {
    const { activities, recorder } = mockActivities({ delaySeconds: 3600 });
    const { deliverNotification } = activities;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    activities.deliverNotification = async (input) => {
      await held;
      return deliverNotification(input);
    };
    await withWorker(activities, async (taskQueue) => {
      const handle = await open(taskQueue, `overtaken-${randomUUID()}`);
      const { incidentId } = await incidentOf(handle);
      // The level-1 step is out, holding the first save: a note is added meanwhile.
      await handle.executeUpdate(addNoteUpdate, { args: [{ incidentId, actor: 'alice', text: 'looking' }] });
      release();
      await eventually(async () => {
        const timeline = storedTimeline(recorder);
        expect(timeline.map((e) => e.type)).toEqual([
          'incident.opened',
          'triage',
          'alert',
          'escalation.level',
          'note',
          'notification.sent',
        ]);
        expect(recorder.stored).toMatchObject({ timelineLength: 6, pages: [expect.anything()] });
      }, 10_000);
      // The step saved its own view first (the page's entry where the note now is), at a version below.
      expect(recorder.saves.length).toBeGreaterThanOrEqual(2);
      await handle.terminate('test done');
    });
  });

  it('saves above what a step may have saved before it failed', async () => {
    const { activities, recorder } = mockActivities({ delaySeconds: 3600 });
    const { notifyTargets } = activities;
    activities.notifyTargets = async (input) => {
      await notifyTargets(input);
      throw new Error('the step activity failed after it saved');
    };
    // Planned again, and that fails: the workflow's one change after the step is the failure's entry.
    const { planNotifications } = activities;
    let plans = 0;
    activities.planNotifications = async (input) => {
      if (++plans > 1) throw ApplicationFailure.nonRetryable('the on-call model cannot be read');
      return planNotifications(input);
    };
    await withWorker(activities, async (taskQueue) => {
      const handle = await open(taskQueue, `failed-step-${randomUUID()}`);
      await eventually(async () => {
        const incident = await incidentOf(handle);
        expect(recorder.stored?.version).toBe(incident.version);
        expect(recorder.stored?.pages).toBeUndefined();
        expect(storedTimeline(recorder).at(-1)).toMatchObject({
          type: 'notification.failed',
          message: expect.stringContaining('the on-call model cannot be read'),
        });
      }, 10_000);
      // The step's own save came first; the workflow's save landed over it.
      expect(recorder.saves[0]).toMatchObject({ version: expect.any(Number) });
      expect(recorder.saves.at(-1)!.version).toBeGreaterThan(recorder.saves[0]!.version);
      await handle.terminate('test done');
    });
  });

  it('an acknowledged incident pages nobody else', async () => {
    // Level 2 a minute away, so the acknowledgement surely comes first.
    const { activities, recorder } = mockActivities({ delaySeconds: 60 });
    await withWorker(activities, async (taskQueue) => {
      const handle = await open(taskQueue, `ack-${randomUUID()}`);
      const { incidentId } = await incidentOf(handle);
      await eventually(async () => expect(recorder.pages).toEqual(['r0-l0:alice']), 5_000);
      await handle.executeUpdate(acknowledgeUpdate, { args: [{ incidentId, actor: 'alice' }] });
      // The wait for level 2 is cancelled, and no other wait takes its place: nothing is left to page.
      // On a loaded machine the acknowledgement can come before the wait has started: then none starts.
      await eventually(async () => {
        const waits = await timersOf(handle, /^"?wait for acknowledgement/);
        expect(waits.started.length).toBeLessThanOrEqual(1);
        expect(waits.canceled).toEqual(waits.started);
      }, 30_000);
      expect(recorder.pages).toEqual(['r0-l0:alice']);
      expect((await incidentOf(handle)).escalation.nextEscalationAt).toBeUndefined();
      await handle.terminate('test done');
    });
  });

  it('a snooze holds the escalation until it runs out, then starts over from level 1', async () => {
    const { activities, recorder } = mockActivities({ delaySeconds: 60 });
    await withWorker(activities, async (taskQueue) => {
      const handle = await open(taskQueue, `snooze-${randomUUID()}`);
      const { incidentId } = await incidentOf(handle);
      await eventually(async () => expect(recorder.pages).toEqual(['r0-l0:alice']), 5_000);
      const snoozed = await handle.executeUpdate(snoozeUpdate, {
        args: [{ incidentId, actor: 'alice', durationSeconds: 2 }],
      });
      expect(snoozed.status).toBe('snoozed');
      await expect(
        handle.executeUpdate(snoozeUpdate, { args: [{ incidentId, actor: 'alice', durationSeconds: 0 }] }),
      ).rejects.toMatchObject({ cause: { message: 'durationSeconds must be positive' } });
      await eventually(async () => expect(recorder.pages).toEqual(['r0-l0:alice', 'r0-l0:alice']), 10_000);
      const again = await incidentOf(handle);
      expect(again.status).toBe('triggered');
      expect(again.snoozedUntil).toBeUndefined();
      expect(again.escalation).toMatchObject({ round: 0, level: 0, levelNotified: true });
      // The timeline reaches the recorder with the next save, which runs beside the page.
      await eventually(
        async () => expect(recorder.timeline.map((e) => e.type)).toContain('snooze.expired'),
        10_000,
      );
      await handle.terminate('test done');
    });
  });

  it('records an SLA breach when it happens and announces it to the current level', async () => {
    const { activities, recorder } = mockActivities({
      delaySeconds: 60,
      sla: { acknowledgeWithinSeconds: 2, resolveWithinSeconds: 3600 },
    });
    await withWorker(activities, async (taskQueue) => {
      const handle = await open(taskQueue, `sla-${randomUUID()}`);
      await eventually(async () => expect(recorder.pages).toContain('sla-acknowledge:alice'), 10_000);
      const incident = await incidentOf(handle);
      expect(incident.slaBreaches).toEqual([
        expect.objectContaining({ kind: 'acknowledge', targetSeconds: 2 }),
      ]);
      // Level 2 is a minute away: the breach came from the SLA's own timer.
      expect(incident.escalation.level).toBe(0);
      await handle.terminate('test done');
    });
  });

  it('continues as new when the history grows, carrying the incident across runs', async () => {
    const { activities, recorder } = mockActivities({ delaySeconds: 600 });
    await withWorker(activities, async (taskQueue) => {
      const dedupKey = `can-${randomUUID()}`;
      const handle = await open(taskQueue, dedupKey);
      const { incidentId } = await incidentOf(handle);
      // The server (continueAsNewTemporal) suggests continue-as-new after 300 history events: the
      // signals alone pass it, however a loaded worker batches them into workflow tasks.
      const total = 325;
      for (let i = 0; i < total; i += 25) {
        await Promise.all(
          Array.from({ length: 25 }, () => handle.signal(alertsSignal, { events: [alert(dedupKey)] })),
        );
      }
      const latest = testEnv.client.workflow.getHandle(handle.workflowId);
      await eventually(async () => {
        const description = await latest.describe();
        expect(description.runId).not.toBe(handle.signaledRunId);
        expect(await latest.query(incidentQuery)).toMatchObject({ incidentId, alertCount: total + 1 });
      }, 30_000);
      // One page for level 1, in the first run only: the new run goes on where the old one was.
      expect(recorder.pages).toEqual(['r0-l0:alice']);
      const seqs = recorder.timeline.map((e) => e.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      await latest.terminate('test done');
    });
  });

  it('holds continue-as-new while its unsaved timeline would not fit the next run, and hands on once saves drain', async () => {
    const { activities, recorder } = mockActivities({ delaySeconds: 600 });
    let mongoAway = true;
    const save = activities.saveIncident;
    activities.saveIncident = async (input) => {
      // MongoDB away: the attempt fails and is retried, as a real save would be.
      if (mongoAway) throw new Error('MongoServerSelectionError: connect ECONNREFUSED');
      return save(input);
    };
    await withWorker(activities, async (taskQueue) => {
      const dedupKey = `carry-${randomUUID()}`;
      const handle = await open(taskQueue, dedupKey);
      // 12,000 timeline entries (about 3 MB) unsaved: more than one payload may carry. Each
      // alert has a key of its own, as repeats of one alert would fold into a few entries.
      for (let i = 0; i < 1000; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) =>
            handle.signal(alertsSignal, {
              events: Array.from({ length: 12 }, (_, k) => alert(`${dedupKey}:${i + j}:${k}`)),
            }),
          ),
        );
      }
      const latest = testEnv.client.workflow.getHandle(handle.workflowId);
      await eventually(async () => {
        expect(await latest.query(incidentQuery)).toMatchObject({ alertCount: 12_001 });
      }, 30_000);
      // Continue-as-new is long suggested, but the run stays on rather than hand on 3 MB.
      expect((await latest.describe()).runId).toBe(handle.signaledRunId);

      // The save's next retry (backing off up to a minute) finds MongoDB back.
      mongoAway = false;
      await eventually(async () => {
        expect((await latest.describe()).runId).not.toBe(handle.signaledRunId);
        expect(await latest.query(incidentQuery)).toMatchObject({ alertCount: 12_001 });
      }, 100_000);
      // The new run saves what was handed on: every entry, once each seq.
      await eventually(async () => {
        const incident = (await latest.query(incidentQuery))!;
        expect(new Set(recorder.timeline.map((e) => e.seq)).size).toBe(incident.timelineLength);
      }, 60_000);
      await latest.terminate('test done');
    });
  }, 240_000);
});
