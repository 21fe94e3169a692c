import { seedRoutingKeys } from '../../infra/runtime-services';
import { liveOnCallModel } from '../../api/deps';
import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { slaTargets } from '../../config/sla-targets';
import express, { type Express } from 'express';
import { createApiKey, type ApiKeyOptions } from '../../infra/api-keys';
import type mongoose from 'mongoose';
import type { ActivityDeps } from '../../activities';
import { createApp } from '../../api/app';
import { onCallCatalog } from '../../config/oncall-catalog';
import type { OnCallCatalog } from '../../domain/oncall';
import type { GroupingRules } from '../../domain/grouping';
import type { TriageRules } from '../../domain/triage-types';
import { loadConfig, type Config } from '../../config';
import { createLogger } from '../../infra/logger';
import { connectMongo } from '../../infra/mongo';
import { createModels, ensureIndexes, type ApiScope, type Models } from '../../infra/models';
import { createFirelineWorker, type FirelineWorkerDeps } from '../../worker';
import type { ReachDeps } from '../../infra/reach/send';
import type { ApiDeps } from '../../api/deps';

/** The PagerDuty integration keys of every test API (FIRELINE_ROUTING_KEYS): one, for `payments`. */
export const testRoutingKeys = new Map([['test-routing-key-0123456789abcdef', 'payments']]);

/** The API's reach with every provider off: codes go nowhere unless the development inbox is on. */
const providersOff: ReachDeps = { secrets: {}, httpTimeoutMs: 10_000 };

let runtimeInstalled = false;
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by an earlier test file in this process.
  }
  runtimeInstalled = true;
}

export interface TestEnv {
  config: Config;
  client: Client;
  mongo: mongoose.Connection;
  models: Models;
  /** The on-call catalog the API answers with: the one given, else the repo's. */
  catalog: OnCallCatalog;
  /** The API, with an admin key (acting as alice, an admin in both catalogs) added to every request that carries none. */
  app: Express;
  /** The API as it is: no key added. */
  rawApp: Express;
  /** What `rawApp` was built from, for a test that builds an API of its own with a setting changed. */
  apiDeps: ApiDeps;
  /** The admin key `app` adds; it acts as alice. */
  adminToken: string;
  /** A fresh API key with these scopes (and, if given, acting as a person, restricted to services). */
  createKey(name: string, scopes: ApiScope[], options?: ApiKeyOptions): Promise<string>;
  taskQueue: string;
  /** Starts a worker on this env's task queues (both, unless a role says otherwise); returns a function that stops it. */
  startWorker(
    activityOverrides?: Partial<ActivityDeps>,
    role?: Config['WORKER_ROLE'],
    interceptors?: FirelineWorkerDeps['interceptors'],
  ): Promise<() => Promise<void>>;
  teardown(): Promise<void>;
}

/**
 * Connects to the servers the global setup started, with a task queue and a
 * MongoDB database of this test file's own so test files do not see each other.
 */
export async function createTestEnv(
  options: {
    mongoUri?: string;
    temporalAddress?: string;
    catalog?: OnCallCatalog;
    /** Which alerts share an incident (none: by dedup key). */
    groupingRules?: GroupingRules;
    /** The triage rules the API knows (the worker's are its own): the team of a declared incident. */
    triageRules?: TriageRules;
    /** The Slack app: its signing secret turns the Slack endpoints on; the client answers ephemerally. */
    slack?: { signingSecret: string; client?: WebClient; teamId?: string; appId?: string };
    /** Settings of the API and the worker beyond the test defaults (PUBLIC_URL, ACTION_LINK_SECRET…). */
    config?: Partial<Config>;
    /** How the API sends contact methods' codes and test pages (none: every provider off). */
    reach?: ReachDeps;
    /** FIRELINE_DEV_INBOX for the API (default: the environment's). */
    devInbox?: boolean;
  } = {},
): Promise<TestEnv> {
  installQuietRuntime();
  const suffix = randomUUID().slice(0, 8);
  const baseConfig = loadConfig();
  const mongoUri = new URL(options.mongoUri ?? baseConfig.MONGODB_URI!);
  mongoUri.pathname = `/fireline_test_${suffix}`;
  const config: Config = {
    ...baseConfig,
    TEMPORAL_TASK_QUEUE: `fireline-test-${suffix}`,
    // Tests send bursts; the rate limit has a test of its own.
    RATE_LIMIT_PER_MINUTE: 1_000_000,
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 1_000_000,
    ROUTING_KEY_RATE_LIMIT_PER_MINUTE: 1_000_000,
    TEMPORAL_ADDRESS: options.temporalAddress ?? baseConfig.TEMPORAL_ADDRESS,
    MONGODB_URI: mongoUri.toString(),
    SLACK_SIGNING_SECRET: options.slack?.signingSecret,
    SLACK_TEAM_ID: options.slack?.teamId,
    SLACK_APP_ID: options.slack?.appId,
    ...options.config,
    FIRELINE_DEV_INBOX: options.devInbox ?? baseConfig.FIRELINE_DEV_INBOX,
  };

  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS! });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const mongo = await connectMongo(config.MONGODB_URI!);
  const models = createModels(mongo);
  await ensureIndexes(models);
  await seedRoutingKeys(models, testRoutingKeys);
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const catalog = options.catalog ?? onCallCatalog;
  const apiDeps: ApiDeps = {
    config,
    temporal: client,
    mongo,
    models,
    logger,
    routingKeys: testRoutingKeys,
    onCall: liveOnCallModel(catalog, models, {}),
    slack: options.slack?.client,
    groupingRules: options.groupingRules ?? { rules: [] },
    slaTargets,
    triageRules: options.triageRules,
    reach: options.reach ?? providersOff,
  };
  const rawApp = createApp(apiDeps);
  const { token: adminToken } = await createApiKey(models, 'test-admin', ['admin'], { person: 'alice' });
  const app = express();
  app.use((req, _res, next) => {
    req.headers.authorization ??= `Bearer ${adminToken}`;
    next();
  });
  app.use(rawApp);

  const stoppers = new Set<() => Promise<void>>();
  const startWorker = async (
    activityOverrides?: Partial<ActivityDeps>,
    role?: Config['WORKER_ROLE'],
    interceptors?: FirelineWorkerDeps['interceptors'],
  ) => {
    const { worker, connection: workerConnection } = await createFirelineWorker({
      config: { ...config, WORKER_ROLE: role ?? config.WORKER_ROLE },
      models,
      bundlePath: process.env.FIRELINE_TEST_WORKFLOW_BUNDLE!,
      activityOverrides,
      ...(interceptors ? { interceptors } : {}),
    });
    const running = worker.run();
    const stop = async () => {
      stoppers.delete(stop);
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await workerConnection.close();
    };
    stoppers.add(stop);
    return stop;
  };

  return {
    config,
    client,
    mongo,
    models,
    catalog,
    app,
    rawApp,
    apiDeps,
    adminToken,
    createKey: async (name, scopes, keyOptions) =>
      (await createApiKey(models, name, scopes, keyOptions)).token,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    startWorker,
    async teardown() {
      for (const stop of [...stoppers]) await stop();
      await endPagersOf(client, config.TEMPORAL_TASK_QUEUE);
      await mongo.dropDatabase().catch(() => undefined);
      await mongo.close();
      await connection.close();
    },
  };
}

/**
 * Ends the pagers this file's workers ran. A pager's id is the person's (`pager:bob`) in a
 * namespace all test files share: one left running would take the next file's pages for that
 * person onto a task queue nobody polls any more.
 */
async function endPagersOf(client: Client, taskQueue: string): Promise<void> {
  const query = `WorkflowType = 'pagerWorkflow' AND TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`;
  for await (const run of client.workflow.list({ query })) {
    await client.workflow
      .getHandle(run.workflowId, run.runId)
      .terminate('the test file that paged this person has ended')
      .catch(() => undefined);
  }
}
