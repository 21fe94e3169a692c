import request from 'supertest';
import type { ActivityDeps } from '../../activities';
import type { FirelineWorkerDeps } from '../../worker';
import type { Incident, TimelineEntry } from '../../domain/incident';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { eventually, HttpReceiver } from './http-receiver';
import { testCatalog, testRules, testSecrets } from './test-catalog';
import { createTestEnv, type TestEnv } from './test-env';

/**
 * A test env with a worker on the test rules and catalog (escalation levels
 * `levelDelaySeconds` apart) and a local receiver for every channel.
 */
export async function createIncidentTestEnv(
  levelDelaySeconds: number,
  overrides: Partial<ActivityDeps> = {},
  envOptions: Parameters<typeof createTestEnv>[0] & {
    /** What the test makes at run time before the worker starts (a team or policy its rules name). */
    beforeWorker?: (env: TestEnv) => Promise<void>;
    /** Interceptors of the orchestration worker (a test slows an activity down). */
    interceptors?: FirelineWorkerDeps['interceptors'];
  } = {},
): Promise<{ env: TestEnv; receiver: HttpReceiver; teardown: () => Promise<void> }> {
  const catalog = overrides.catalog ?? testCatalog(levelDelaySeconds);
  const { beforeWorker, interceptors, ...testEnvOptions } = envOptions;
  const env = await createTestEnv({ catalog, ...testEnvOptions });
  const receiver = await new HttpReceiver().start();
  await beforeWorker?.(env);
  await env.startWorker(
    {
      triageRules: testRules(receiver),
      catalog,
      secrets: testSecrets(receiver),
      ...overrides,
    },
    undefined,
    interceptors,
  );
  return {
    env,
    receiver,
    teardown: async () => {
      await env.teardown();
      await receiver.stop();
    },
  };
}

/** The newest incident of a service and dedup key, read through the API once it is saved (within `timeoutMs`). */
export async function openIncident(
  env: TestEnv,
  service: string,
  dedupKey: string,
  timeoutMs?: number,
): Promise<Incident> {
  const workflowId = incidentWorkflowId(service, dedupKey);
  return eventually(async () => {
    const doc = await env.models.Incident.findOne({ workflowId }).sort({ openedAt: -1 }).lean();
    if (!doc) throw new Error(`no incident for ${workflowId} yet`);
    return (await request(env.app).get(`/v1/incidents/${doc._id}`).expect(200)).body as Incident;
  }, timeoutMs);
}

export async function timelineOf(env: TestEnv, incidentId: string): Promise<TimelineEntry[]> {
  const res = await request(env.app).get(`/v1/incidents/${incidentId}/timeline`).expect(200);
  return (res.body as { entries: TimelineEntry[] }).entries;
}

/**
 * Runs a wait about an incident; when it fails, the error carries the incident's timeline,
 * so a failure on a loaded run says what the incident did instead.
 */
export async function explainedByTimeline<T>(env: TestEnv, incidentId: string, wait: Promise<T>): Promise<T> {
  try {
    return await wait;
  } catch (err) {
    const told = await timelineOf(env, incidentId).then(
      (entries) => entries.map((e) => `  ${e.at} ${e.message}`).join('\n'),
      (e: unknown) => `  (unreadable: ${String(e)})`,
    );
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${message}\nTimeline of ${incidentId}:\n${told}`);
  }
}

/** The alerts a timeline stands for: one per alert entry, and the count of each folded run of repeats. */
export function alertsOnTimeline(entries: TimelineEntry[]): number {
  return entries.reduce(
    (n, e) => n + (e.type === 'alert' ? 1 : e.type === 'alert.repeated' ? Number(e.data?.count) : 0),
    0,
  );
}

/** Waits until the workflow run has completed. */
export async function waitForCompletion(env: TestEnv, workflowId: string, runId?: string): Promise<void> {
  await eventually(async () => {
    const { status } = await env.client.workflow.getHandle(workflowId, runId).describe();
    expect(status.name).toBe('COMPLETED');
  });
}

/** Waits until the incident's first runbook run has this status (read through the API); returns the incident. */
export async function waitForFirstRunbookRun(
  env: TestEnv,
  incidentId: string,
  status: string,
  timeoutMs = 30_000,
): Promise<Incident> {
  return eventually(
    async () => {
      const res = await request(env.app).get(`/v1/incidents/${incidentId}`).expect(200);
      expect(res.body.runbookRuns[0]?.status).toBe(status);
      return res.body as Incident;
    },
    timeoutMs,
    250,
  );
}

/** Parameters of a rollback-deploy run against the local receiver (its deploy webhook and error-rate check). */
export function rollbackParams(
  receiver: HttpReceiver,
  overrides: { badRelease?: string; verifySeconds?: number } = {},
): Record<string, unknown> {
  return {
    deployUrlEnv: 'DEPLOY_WEBHOOK_URL',
    badRelease: overrides.badRelease ?? 'v42',
    goodRelease: 'v41',
    errorRateCheckUrl: receiver.url('/api/errors'),
    verifySeconds: overrides.verifySeconds ?? 2,
  };
}
