import { NativeConnection, Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { defaultActions } from '../actions';
import { createActivities, type ActivityDeps } from '../activities';
import type { Config } from '../config';
import { temporalConnectionOptions } from '../infra/temporal';
import type { Models } from '../models';
import { onCallCatalog } from '../oncall/catalog';
import { runbookMetas } from '../runbooks';
import { slaTargets } from '../sla/targets';
import { triageRules } from '../triage/rules';
import { assertBundleExists } from './bundle';

export type WorkerConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_NAMESPACE'
  | 'TEMPORAL_TASK_QUEUE'
  | 'TEMPORAL_API_KEY'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CERT_PATH'
  | 'TEMPORAL_TLS_KEY_PATH'
  | 'PUBLIC_URL'
  | 'SMTP_URL'
  | 'SMTP_FROM'
  | 'POSTMORTEM_REMINDER_SECONDS'
  | 'POSTMORTEM_REMINDERS_BEFORE_ESCALATION'
>;

export interface FirelineWorkerDeps {
  config: WorkerConfig;
  models: Models;
  /** Path of the pre-built workflow bundle. */
  bundlePath: string;
  /** Replaces parts of the activities' dependencies (tests use their own catalog and rules). */
  activityOverrides?: Partial<ActivityDeps>;
}

/** The activities' dependencies as production wires them: the rules and catalog in the repo, secrets from the environment. */
export function defaultActivityDeps(config: WorkerConfig, models: Models): ActivityDeps {
  return {
    models,
    triageRules,
    catalog: onCallCatalog,
    secrets: process.env,
    publicUrl: config.PUBLIC_URL,
    mailer: config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : undefined,
    mailFrom: config.SMTP_FROM,
    actions: defaultActions(),
    runbookMetas: runbookMetas(),
    slaTargets,
    postmortemReview: {
      reminderIntervalSeconds: config.POSTMORTEM_REMINDER_SECONDS,
      remindersBeforeEscalation: config.POSTMORTEM_REMINDERS_BEFORE_ESCALATION,
    },
  };
}

/** A worker for Fireline's task queue with the pre-built workflows and injected activities. */
export async function createFirelineWorker(
  deps: FirelineWorkerDeps,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  assertBundleExists(deps.bundlePath);
  const connection = await NativeConnection.connect(await temporalConnectionOptions(deps.config));
  try {
    const worker = await Worker.create({
      connection,
      namespace: deps.config.TEMPORAL_NAMESPACE,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      workflowBundle: { codePath: deps.bundlePath },
      activities: createActivities({
        ...defaultActivityDeps(deps.config, deps.models),
        ...deps.activityOverrides,
      }),
    });
    return { worker, connection };
  } catch (err) {
    await connection.close();
    throw err;
  }
}
