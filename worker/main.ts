import { Runtime } from '@temporalio/worker';
import { ChannelSettingsMissing } from '../activities/channels';
import { actionsTaskQueue, loadConfigOrExit } from '../config';
import { createLogger } from '../infra/logger';
import { TriageRulesRefused } from '../infra/triage-check';
import { measureOpenIncidents, serveMetrics } from '../infra/metrics';
import { connectMongoInBackground } from '../infra/mongo';
import { stateDir } from '../infra/paths';
import { temporalLoggerFrom } from '../infra/temporal-logger';
import { createModels, ensureIndexes } from '../infra/models';
import { defaultBundlePath } from './bundle';
import { createFirelineWorker } from './index';

/** Worker process entry point (`npm run worker`): needs TEMPORAL_ADDRESS and MONGODB_URI. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'fireline-worker' });
  if (!config.TEMPORAL_ADDRESS || !config.MONGODB_URI) {
    logger.fatal(
      'TEMPORAL_ADDRESS and MONGODB_URI must be set for a standalone worker (npm start sets them itself)',
    );
    process.exit(1);
  }
  // The runtime's default signal handling shuts the worker down on SIGINT/SIGTERM.
  Runtime.install({ logger: temporalLoggerFrom(logger) });
  // Paging needs Temporal, not MongoDB: the worker serves at once and connects in the background,
  // building the indexes when MongoDB answers.
  const mongo = connectMongoInBackground(config.MONGODB_URI, {
    logger,
    onConnected: () => ensureIndexes(models),
  });
  const models = createModels(mongo.connection);
  const { worker, connection } = await createFirelineWorker({
    config,
    models,
    bundlePath: config.FIRELINE_WORKFLOW_BUNDLE ?? defaultBundlePath(),
    stateDir: stateDir(config),
    logger,
  });
  measureOpenIncidents({ models });
  const metricsServer =
    config.WORKER_METRICS_PORT !== undefined ? await serveMetrics(config.WORKER_METRICS_PORT) : undefined;
  logger.info(
    {
      role: config.WORKER_ROLE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      actionsTaskQueue: actionsTaskQueue(config),
      namespace: config.TEMPORAL_NAMESPACE,
      metricsPort: config.WORKER_METRICS_PORT,
      stateDir: stateDir(config),
    },
    'worker started',
  );
  try {
    await worker.run();
  } finally {
    metricsServer?.close();
    await connection.close();
    await mongo.close();
    logger.info('worker stopped');
  }
}

main().catch((err: unknown) => {
  // A setting the operator must fix: the message says which, a stack trace would not help.
  if (err instanceof ChannelSettingsMissing || err instanceof TriageRulesRefused) {
    process.stderr.write(`fireline worker: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `fireline worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
