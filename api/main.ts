import { loadConfigOrExit } from '../config';
import { groupingRules } from '../config/grouping-rules';
import { onCallCatalog } from '../config/oncall-catalog';
import { slaTargets } from '../config/sla-targets';
import { triageRules } from '../config/triage-rules';
import { createLogger } from '../infra/logger';
import { RuntimeOnCallReader } from '../infra/runtime-oncall';
import { checkTriageRules, TriageRulesRefused } from '../infra/triage-check';
import { connectMongoInBackground } from '../infra/mongo';
import { createTemporalClient } from '../infra/temporal';
import { createModels, ensureIndexes } from '../infra/models';
import { seedRoutingKeys } from '../infra/runtime-services';
import { createApp } from './app';
import { apiReachDeps, type ApiDeps, liveOnCallModel } from './deps';
import type { OnCallCatalog } from '../domain/oncall';
import { createSlackClient } from '../infra/slack';
import { close, listen } from './server';

/** The catalog and rules an API process serves with, chosen by its entry point. */
export type ApiRules = Pick<ApiDeps, 'groupingRules' | 'triageRules'> & { catalog: OnCallCatalog };

/**
 * Runs an API process until SIGINT or SIGTERM: needs TEMPORAL_ADDRESS and
 * MONGODB_URI. `rules`: the repo's for `npm run api`, the benchmark's for its API processes.
 */
export async function runApiProcess(rules: ApiRules): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'fireline-api' });
  if (!config.TEMPORAL_ADDRESS || !config.MONGODB_URI) {
    logger.fatal(
      'TEMPORAL_ADDRESS and MONGODB_URI must be set for a standalone API (npm start sets them itself)',
    );
    process.exit(1);
  }
  const temporal = await createTemporalClient(config);
  // Alerts and acknowledgements need Temporal only: the API serves while MongoDB is unreachable,
  // and builds the indexes once it answers.
  const background = connectMongoInBackground(config.MONGODB_URI, {
    logger,
    onConnected: async () => {
      logger.info('building MongoDB indexes');
      await ensureIndexes(models);
      logger.info('MongoDB indexes are in place');
      const seeded = await seedRoutingKeys(models, config.FIRELINE_ROUTING_KEYS);
      if (seeded > 0)
        logger.info({ seeded }, 'routing keys of FIRELINE_ROUTING_KEYS stored as service integrations');
    },
  });
  const mongo = background.connection;
  const models = createModels(mongo);
  if (rules.triageRules)
    await checkTriageRules(rules.triageRules, rules.catalog, new RuntimeOnCallReader(models), { logger });
  const slack = createSlackClient(config);
  const server = await listen(
    createApp({
      config,
      temporal,
      mongo,
      models,
      logger,
      routingKeys: config.FIRELINE_ROUTING_KEYS,
      slack,
      reach: apiReachDeps(config, process.env, slack),
      onCall: liveOnCallModel(rules.catalog, models, config, logger),
      groupingRules: rules.groupingRules,
      slaTargets,
      ...(rules.triageRules ? { triageRules: rules.triageRules } : {}),
    }),
    config.PORT,
  );
  logger.info({ port: config.PORT }, 'API listening');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'API shutting down');
    await close(server);
    await temporal.connection.close();
    await background.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      shutdown(signal).then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

/** Runs an API process, exiting with its error if it fails to start. */
export function runApiMain(rules: ApiRules): void {
  runApiProcess(rules).catch((err: unknown) => {
    const message =
      err instanceof TriageRulesRefused
        ? err.message
        : err instanceof Error
          ? (err.stack ?? err.message)
          : String(err);
    process.stderr.write(`fireline api: ${message}\n`);
    process.exit(1);
  });
}

// The entry point (`npm run api`).
if (require.main === module) runApiMain({ catalog: onCallCatalog, groupingRules, triageRules });
