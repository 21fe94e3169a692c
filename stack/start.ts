import { randomBytes } from 'node:crypto';
import { Runtime } from '@temporalio/worker';
import { createApp } from '../api/app';
import { apiReachDeps, liveOnCallModel } from '../api/deps';
import { createApiKey, revokeApiKey } from '../infra/api-keys';
import { close, listen } from '../api/server';
import { loadConfigOrExit, withLoopback } from '../config';
import { groupingRules } from '../config/grouping-rules';
import { onCallCatalog } from '../config/oncall-catalog';
import { slaTargets } from '../config/sla-targets';
import { triageRules } from '../config/triage-rules';
import { firstAdmin } from '../domain/rights';
import { anyChannelConfigured } from './channels';
import { DevInbox } from '../infra/dev-inbox';
import { createSlackClient } from '../infra/slack';
import { createLogger } from '../infra/logger';
import { connectMongo } from '../infra/mongo';
import { stateDir } from '../infra/paths';
import { createTemporalClient } from '../infra/temporal';
import { temporalLoggerFrom } from '../infra/temporal-logger';
import { createModels, ensureIndexes } from '../infra/models';
import { seedRoutingKeys } from '../infra/runtime-services';
import { defaultBundlePath } from '../worker/bundle';
import { createFirelineWorker } from '../worker';
import { startLocalStack, MissingPrerequisiteError, type LocalStack } from './index';
import { preferredOrFreePort } from './ports';
import { printProgress } from './progress';

/**
 * `npm start`: the local stack (unless external servers are configured), the
 * worker and the API in one process. Ctrl-C stops all of it.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // Readable lines for a person at a terminal; JSON when the output goes to a file or a collector.
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: process.stdout.isTTY === true });
  // This process owns shutdown order (worker, API, then servers), so the SDK installs no signal handlers.
  Runtime.install({
    logger: temporalLoggerFrom(logger.child({ component: 'temporal-sdk' })),
    shutdownSignals: [],
  });

  let stack: LocalStack;
  try {
    stack = await startLocalStack({ config, mode: 'persistent', progress: printProgress });
  } catch (err) {
    printProgress(
      err instanceof MissingPrerequisiteError
        ? err.message
        : `could not start the local stack: ${String(err)}`,
    );
    process.exit(1);
  }

  const cleanups: Array<() => Promise<void>> = [() => stack.stop()];
  const runCleanups = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => logger.error({ err }, 'error during shutdown'));
    }
  };

  try {
    // No channel to reach anyone: pages go to the development inbox (the web UI shows it), never in production.
    const devInbox =
      config.FIRELINE_DEV_INBOX ??
      (config.NODE_ENV !== 'production' && !anyChannelConfigured(onCallCatalog, process.env, config));
    const effective = {
      ...config,
      FIRELINE_DEV_INBOX: devInbox,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      MONGODB_URI: stack.mongoUri,
      // Links from the web UI to runs in the Temporal Web UI.
      TEMPORAL_UI_URL: config.TEMPORAL_UI_URL ?? stack.temporalUiUrl,
      // A development stack: runbooks may check and call services on this machine (loopback),
      // which the egress policy refuses by default. `npm run worker` does not do this.
      FIRELINE_EGRESS_ALLOW: withLoopback(config.FIRELINE_EGRESS_ALLOW),
      // The worker and the API of this process sign and check acknowledge links with one secret:
      // outside production, one made for this start (links of an earlier start stop working).
      ACTION_LINK_SECRET:
        config.ACTION_LINK_SECRET ??
        (config.NODE_ENV === 'production' ? undefined : randomBytes(32).toString('base64url')),
    };
    const mongo = await connectMongo(effective.MONGODB_URI);
    cleanups.push(() => mongo.close());
    const models = createModels(mongo);
    await ensureIndexes(models);
    await seedRoutingKeys(models, config.FIRELINE_ROUTING_KEYS);

    // One Slack client for the worker and the API of this process.
    const slack = createSlackClient(effective);
    const { worker, connection } = await createFirelineWorker({
      config: effective,
      models,
      bundlePath: defaultBundlePath(),
      stateDir: stateDir(effective),
      logger,
      activityOverrides: { slack, ...(devInbox ? { devInbox: new DevInbox(models, printProgress) } : {}) },
    });
    const workerRun = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
      await connection.close();
    });

    const temporal = await createTemporalClient(effective);
    cleanups.push(() => temporal.connection.close());

    // A development key, so a new user can call the API at once; the previous one is revoked. It
    // acts as the catalog's first admin, so the guides' examples can act on incidents.
    await revokeApiKey(models, 'dev');
    const devPerson = firstAdmin(onCallCatalog)?.id;
    const { token: devKey } = await createApiKey(models, 'dev', ['admin'], { person: devPerson });

    const port = process.env.PORT ? config.PORT : await preferredOrFreePort(config.PORT);
    const server = await listen(
      createApp({
        config: effective,
        temporal,
        mongo,
        models,
        logger,
        routingKeys: config.FIRELINE_ROUTING_KEYS,
        slack,
        reach: apiReachDeps(effective, process.env, slack),
        onCall: liveOnCallModel(onCallCatalog, models, effective, logger),
        groupingRules,
        slaTargets,
        triageRules,
      }),
      port,
    );
    cleanups.push(() => close(server));

    printProgress('Fireline is running');
    printProgress(`  API:          http://localhost:${port}  (readiness: http://localhost:${port}/readyz)`);
    printProgress(`  Temporal UI:  ${stack.temporalUiUrl ?? '(external cluster: see its Web UI)'}`);
    printProgress(
      `  Temporal:     ${stack.temporalAddress} namespace ${stack.namespace}, task queue ${config.TEMPORAL_TASK_QUEUE}`,
    );
    printProgress(
      `  MongoDB:      ${stack.started.some((s) => s.includes('mongodb://')) ? stack.mongoUri : 'MONGODB_URI'}`,
    );
    printProgress(
      `  API key:      ${devKey}  (name "dev", admin, acting as ${devPerson ?? 'nobody: the catalog has no admin'}; replaced at every start)`,
    );
    printProgress(`                export FIRELINE_API_KEY=${devKey}`);
    printProgress(
      '  Egress:       runbooks may reach loopback (127.0.0.0/8, ::1) as well: a development stack',
    );
    if (devInbox) {
      printProgress(
        `  Pages:        no channel is configured: pages go to the development inbox, http://localhost:${port}/ui/inbox`,
      );
    }
    printProgress('Press Ctrl-C to stop everything.');

    await new Promise<void>((resolve, reject) => {
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
      // A worker that stops on its own (fatal error) takes the whole process down.
      workerRun.then(
        () => reject(new Error('the worker stopped unexpectedly')),
        (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
      );
    });
    printProgress('stopping…');
  } catch (err) {
    logger.error({ err }, 'Fireline failed');
    process.exitCode = 1;
  }
  await runCleanups();
  printProgress('stopped');
  process.exit();
}

void main();
