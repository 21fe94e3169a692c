import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from '../config';
import { temporalConnectionOptions } from '../infra/temporal';
import type { Models } from '../models';
import { assertBundleExists } from './bundle';

export interface FirelineWorkerDeps {
  config: Pick<
    Config,
    | 'TEMPORAL_ADDRESS'
    | 'TEMPORAL_NAMESPACE'
    | 'TEMPORAL_TASK_QUEUE'
    | 'TEMPORAL_API_KEY'
    | 'TEMPORAL_TLS'
    | 'TEMPORAL_TLS_CERT_PATH'
    | 'TEMPORAL_TLS_KEY_PATH'
  >;
  models: Models;
  /** Path of the pre-built workflow bundle. */
  bundlePath: string;
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
      activities: createActivities({ models: deps.models }),
    });
    return { worker, connection };
  } catch (err) {
    await connection.close();
    throw err;
  }
}
