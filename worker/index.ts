import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { defaultActions } from '../activities/actions';
import { createActivities, type ActivityDeps } from '../activities';
import { assertChannelSettings } from '../activities/channels';
import { channelSettingsOf } from '../activities/notifications';
import type { ActionRequest, HttpStepRequest } from '../domain/runbook';
import { actionsTaskQueue, type Config } from '../config';
import { actionLinkSettings } from '../infra/action-links';
import { EgressPolicy } from '../infra/egress';
import { temporalConnectionOptions } from '../infra/temporal';
import type { Models } from '../infra/models';
import type { Logger } from '../infra/logger';
import { RuntimeOnCallReader } from '../infra/runtime-oncall';
import { ContactMethodReader, type ContactProfile } from '../infra/contact-methods';
import { JsonStateFile } from '../infra/state-file';
import type { RuntimeOnCall } from '../domain/runtime-schedules';
import { onCallCatalog } from '../config/oncall-catalog';
import { DevInbox } from '../infra/dev-inbox';
import { createSlackClient } from '../infra/slack';
import { runbookMetas } from '../runbooks';
import { slaTargets } from '../config/sla-targets';
import { triageRules } from '../config/triage-rules';
import { checkTriageRules } from '../infra/triage-check';
import { assertBundleExists } from './bundle';

export type WorkerConfig = Partial<Pick<Config, 'WORKER_ROLE'>> &
  Pick<
    Config,
    | 'WORKER_MAX_CACHED_WORKFLOWS'
    | 'TEMPORAL_ADDRESS'
    | 'TEMPORAL_NAMESPACE'
    | 'TEMPORAL_TASK_QUEUE'
    | 'TEMPORAL_ACTIONS_TASK_QUEUE'
    | 'TEMPORAL_API_KEY'
    | 'TEMPORAL_TLS'
    | 'TEMPORAL_TLS_CERT_PATH'
    | 'TEMPORAL_TLS_KEY_PATH'
    | 'PUBLIC_URL'
    | 'SMTP_URL'
    | 'SMTP_FROM'
    | 'POSTMORTEM_REMINDER_SECONDS'
    | 'POSTMORTEM_REMINDERS_BEFORE_ESCALATION'
    | 'FIRELINE_EGRESS_ALLOW'
  > &
  Partial<Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_API_URL'>> &
  Partial<Pick<Config, 'FIRELINE_DEV_INBOX' | 'MONGODB_LOOKUP_TIMEOUT_MS'>> &
  Partial<Pick<Config, 'ACTION_LINK_SECRET' | 'ACTION_LINK_TTL_SECONDS'>>;

export interface FirelineWorkerDeps {
  config: WorkerConfig;
  models: Models;
  /** Path of the pre-built workflow bundle. */
  bundlePath: string;
  /** Replaces parts of the activities' dependencies (tests use their own catalog and rules). */
  activityOverrides?: Partial<ActivityDeps>;
  /** Interceptors of the orchestration worker (tracing, metrics; tests slow an activity down). */
  interceptors?: WorkerOptions['interceptors'];
  /**
   * Where the worker keeps what it must know while MongoDB is unreachable, across restarts
   * (FIRELINE_STATE_DIR); without one, the last on-call schedules and overrides read live in memory only.
   */
  stateDir?: string;
  logger?: Logger;
}

/** The activities' dependencies as production wires them: the rules and catalog in the repo, secrets from the environment. */
export function defaultActivityDeps(
  config: WorkerConfig,
  models: Models,
  options: { stateDir?: string; logger?: Logger } = {},
): ActivityDeps {
  return {
    models,
    runtimeOnCall: new RuntimeOnCallReader(models, {
      logger: options.logger,
      timeoutMs: config.MONGODB_LOOKUP_TIMEOUT_MS,
      snapshot: options.stateDir
        ? new JsonStateFile<RuntimeOnCall>(path.join(options.stateDir, 'oncall-runtime.json'))
        : undefined,
    }),
    contactMethods: new ContactMethodReader(models, {
      logger: options.logger,
      timeoutMs: config.MONGODB_LOOKUP_TIMEOUT_MS,
      snapshot: options.stateDir
        ? new JsonStateFile<Record<string, ContactProfile>>(
            path.join(options.stateDir, 'contact-methods.json'),
          )
        : undefined,
    }),
    triageRules,
    catalog: onCallCatalog,
    ...(config.MONGODB_LOOKUP_TIMEOUT_MS ? { lookupTimeoutMs: config.MONGODB_LOOKUP_TIMEOUT_MS } : {}),
    secrets: process.env,
    publicUrl: config.PUBLIC_URL,
    actionLinks: actionLinkSettings(config),
    mailer: config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : undefined,
    mailFrom: config.SMTP_FROM,
    devInbox: config.FIRELINE_DEV_INBOX ? new DevInbox(models) : undefined,
    slack: createSlackClient(config),
    actions: defaultActions(),
    egress: new EgressPolicy(config.FIRELINE_EGRESS_ALLOW),
    runbookMetas: runbookMetas(),
    slaTargets,
    postmortemReview: {
      reminderIntervalSeconds: config.POSTMORTEM_REMINDER_SECONDS,
      remindersBeforeEscalation: config.POSTMORTEM_REMINDERS_BEFORE_ESCALATION,
    },
  };
}

/**
 * The Temporal workers of one process, run and stopped together: the
 * orchestration worker (workflows and Fireline's own activities) and the
 * runbook-actions worker, as WORKER_ROLE selects.
 */
export class FirelineWorkers {
  constructor(
    readonly workers: Worker[],
    /** What runs beside the workers while they run (keeping the on-call model read): started by run, stopped when it ends. */
    private readonly beside: () => () => void = () => () => undefined,
  ) {}

  /** Runs every worker until all stop; if one fails, the others are shut down and the error is thrown. */
  async run(): Promise<void> {
    const stop = this.beside();
    const results = await Promise.allSettled(
      this.workers.map((worker) =>
        worker.run().catch((err: unknown) => {
          this.shutdown();
          throw err;
        }),
      ),
    );
    stop();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** RUNNING while any worker still runs. */
  getState(): 'RUNNING' | 'STOPPED' {
    return this.workers.some((w) => w.getState() === 'RUNNING') ? 'RUNNING' : 'STOPPED';
  }

  shutdown(): void {
    for (const worker of this.workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  }
}

/** How often a worker reads the on-call model made at run time, pages or not. */
const RUNTIME_MODEL_READ_EVERY_MS = 2000;

/** Fireline's workers on its task queues with the pre-built workflows and injected activities. */
export async function createFirelineWorker(
  deps: FirelineWorkerDeps,
): Promise<{ worker: FirelineWorkers; connection: NativeConnection }> {
  const role = deps.config.WORKER_ROLE ?? 'all';
  assertBundleExists(deps.bundlePath);
  const activityDeps: ActivityDeps = {
    ...defaultActivityDeps(deps.config, deps.models, { stateDir: deps.stateDir, logger: deps.logger }),
    ...deps.activityOverrides,
  };
  // Only the orchestration worker sends notifications; the development inbox keeps what it cannot send.
  if (role !== 'actions' && !activityDeps.devInbox) {
    assertChannelSettings(activityDeps.catalog, channelSettingsOf(activityDeps));
  }
  if (role !== 'actions') {
    await checkTriageRules(activityDeps.triageRules, activityDeps.catalog, activityDeps.runtimeOnCall, {
      ...(deps.logger ? { logger: deps.logger } : {}),
    });
  }
  const connection = await NativeConnection.connect(await temporalConnectionOptions(deps.config));
  try {
    const activities = createActivities(activityDeps);
    // Created together: each loads the workflow bundle, which is most of a worker's start.
    // Both run workflows: an incident's runbook runs on the actions queue, so that its steps are dispatched eagerly.
    const shared = {
      connection,
      namespace: deps.config.TEMPORAL_NAMESPACE,
      workflowBundle: { codePath: deps.bundlePath },
      maxCachedWorkflows: deps.config.WORKER_MAX_CACHED_WORKFLOWS,
    };
    const creating: Promise<Worker>[] = [];
    if (role !== 'actions') {
      creating.push(
        Worker.create({
          ...shared,
          taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
          activities,
          ...(deps.interceptors ? { interceptors: deps.interceptors } : {}),
        }),
      );
    }
    if (role !== 'orchestration') {
      creating.push(
        Worker.create({
          ...shared,
          taskQueue: actionsTaskQueue(deps.config),
          activities: {
            runAction: (request: ActionRequest) => activities.runAction(request),
            runbookHttp: (request: HttpStepRequest) => activities.runbookHttp(request),
          },
        }),
      );
    }
    const workers = await Promise.all(creating);
    // Opening an incident reads services from the last copy of the on-call model, never from
    // MongoDB: this keeps that copy at most a few seconds old.
    const keepReading = () =>
      role === 'actions'
        ? () => undefined
        : activityDeps.runtimeOnCall.keepReading(RUNTIME_MODEL_READ_EVERY_MS);
    return { worker: new FirelineWorkers(workers, keepReading), connection };
  } catch (err) {
    await connection.close();
    throw err;
  }
}

export { anyChannelReady, type ChannelSettings } from '../activities/channels';
