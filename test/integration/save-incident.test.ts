import fc from 'fast-check';
import mongoose from 'mongoose';
import { MockActivityEnvironment } from '@temporalio/testing';
import { fromIncidentDocument } from '../../infra/models';
import { isDocumentRefusal } from '../../infra/mongo';
import { RuntimeOnCallReader } from '../../infra/runtime-oncall';
import { createIncidentActivities } from '../../activities/incident';
import type { Incident } from '../../domain/incident';
import { slaTargets } from '../../config/sla-targets';
import { testCatalog, testRules } from '../helpers/test-catalog';
import { mongoServerOf } from '../helpers/mongo-server';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// saveIncident against the real MongoDB-wire server: an older version never
// overwrites a newer one, and an attempt the worker has cancelled (timed out)
// writes nothing, so it cannot land after a later save.
describe('saveIncident', () => {
  let env: TestEnv;
  let activities: ReturnType<typeof createIncidentActivities>;

  beforeAll(async () => {
    env = await createTestEnv();
    activities = createIncidentActivities({
      models: env.models,
      triageRules: testRules(),
      catalog: testCatalog(60),
      runtimeOnCall: new RuntimeOnCallReader(env.models),
      runbookMetas: [],
      slaTargets,
    });
  });
  afterAll(async () => env.teardown());

  function incident(id: string, version: number, title: string): Incident {
    const at = '2026-11-27T00:00:00.000Z';
    return {
      incidentId: id,
      workflowId: `incident-save-${id}`,
      runId: 'run-1',
      service: 'save',
      dedupKey: id,
      integration: 'native',
      title,
      status: 'triggered',
      severity: 'SEV3',
      priority: 'P3',
      major: false,
      team: 'platform',
      triage: {
        ruleId: 'default',
        impact: 'medium',
        urgency: 'medium',
        severity: 'SEV3',
        priority: 'P3',
        major: false,
        team: 'platform',
        escalationPolicyId: 'default',
        runbooks: [],
      },
      escalation: {
        policy: { id: 'default', name: 'Default', levels: [], repeat: 0, fallback: [] },
        round: 0,
        level: 0,
        levelNotified: false,
        exhausted: false,
        fallbackNotified: false,
      },
      alertCount: 1,
      firstAlertAt: at,
      lastAlertAt: at,
      openedAt: at,
      labels: {},
      annotations: {},
      links: [],
      runbookRuns: [],
      approvals: [],
      version,
      timelineLength: 0,
    };
  }

  async function save(doc: Incident, cancelled = false): Promise<void> {
    const activityEnv = new MockActivityEnvironment();
    if (cancelled) activityEnv.cancel('TIMED_OUT');
    await activityEnv.run(() => activities.saveIncident({ incident: doc, timeline: [] }));
  }

  async function storedTitle(id: string): Promise<unknown> {
    return (await env.models.Incident.findById(id).lean())?.title;
  }

  it('stores a new incident and each newer version', async () => {
    await save(incident('inc-save-1', 1, 'first'));
    expect(await storedTitle('inc-save-1')).toBe('first');
    await save(incident('inc-save-1', 2, 'second'));
    expect(await storedTitle('inc-save-1')).toBe('second');
  });

  it('ignores a save older than, or as old as, the stored version', async () => {
    await save(incident('inc-save-2', 5, 'newer'));
    await save(incident('inc-save-2', 4, 'older'));
    await save(incident('inc-save-2', 5, 'same version, other content'));
    expect(await storedTitle('inc-save-2')).toBe('newer');
  });

  it('writes nothing from an attempt that was cancelled', async () => {
    await save(incident('inc-save-3', 1, 'saved'));
    await save(incident('inc-save-3', 2, 'from a timed-out attempt'), true);
    expect(await storedTitle('inc-save-3')).toBe('saved');
  });

  // Prometheus 3 and OpenTelemetry allow any UTF-8 label name; FerretDB refuses
  // field names with `.` or a leading `$`. Every name must come back exactly.
  it('stores labels and annotations with any Unicode names and reads them back exactly', async () => {
    const name = fc.oneof(
      fc.constantFrom('k8s.pod.name', 'service.name', '$env', '$', '.', 'a..b', '__proto__', 'constructor'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    );
    const map = fc.dictionary(name, fc.string({ unit: 'binary', maxLength: 60 }), { maxKeys: 12 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(map, map, async (labels, annotations) => {
        run += 1;
        const id = `inc-save-names-${run}`;
        await save({ ...incident(id, 1, 'names'), labels, annotations });
        const doc = await env.models.Incident.findById(id).lean();
        expect(doc).not.toBeNull();
        const back = fromIncidentDocument(doc!);
        expect(Object.entries(back.labels)).toEqual(Object.entries(labels));
        expect(Object.entries(back.annotations)).toEqual(Object.entries(annotations));
      }),
      { numRuns: 40 },
    );
  });

  it('tells a document MongoDB refuses from a MongoDB that is away', async () => {
    const insert = (doc: Record<string, unknown>) =>
      env.mongo
        .db!.collection('refusals')
        .insertOne(doc)
        .then(
          () => undefined,
          (err: unknown) => err,
        );
    // A document each server refuses for good: FerretDB a dotted field name (MongoDB >= 5 accepts
    // it), MongoDB an array as `_id` (BadValue; FerretDB says InvalidIdField).
    const { kind } = await mongoServerOf(env.mongo.db!);
    const refused = await insert(kind === 'ferretdb' ? { 'k8s.pod.name': 'web-1' } : { _id: [1] });
    expect(refused).toBeDefined();
    expect(isDocumentRefusal(refused)).toBe(true);
    const away = await mongoose
      .createConnection('mongodb://127.0.0.1:9/none', { serverSelectionTimeoutMS: 300 })
      .asPromise()
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(away).toBeDefined();
    expect(isDocumentRefusal(away)).toBe(false);
  });
});
