import { MockActivityEnvironment } from '@temporalio/testing';
import { createIncidentActivities } from '../../activities/incident';
import type { Incident } from '../../domain/incident';
import { slaTargets } from '../../config/sla-targets';
import { testCatalog, testRules } from '../helpers/test-catalog';
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
});
