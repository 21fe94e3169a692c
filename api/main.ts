import { loadConfigOrExit } from '../config';
import { createLogger } from '../infra/logger';
import { connectMongoInBackground } from '../infra/mongo';
import { createTemporalClient } from '../infra/temporal';
import { createModels, ensureIndexes } from '../infra/models';
import { createApp } from './app';
import type { ApiDeps } from './deps';
import { createSlackClient } from '../infra/slack';
import { close, listen } from './server';

/**
 * Runs an API process until SIGINT or SIGTERM: needs TEMPORAL_ADDRESS and
 * MONGODB_URI. `overrides` replace parts of its dependencies (the benchmark's
 * API process passes its own grouping rules).
 */
export async function runApiProcess(overrides: Partial<Pick<ApiDeps, 'groupingRules'>> = {}): Promise<void> {
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
    },
  });
  const mongo = background.connection;
  const models = createModels(mongo);
  const server = await listen(
    createApp({
      config,
      temporal,
      mongo,
      models,
      logger,
      routingKeys: config.FIRELINE_ROUTING_KEYS,
      slack: createSlackClient(config),
      ...overrides,
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

/** The entry point (`npm run api`). */
export function runApiMain(overrides: Partial<Pick<ApiDeps, 'groupingRules'>> = {}): void {
  runApiProcess(overrides).catch((err: unknown) => {
    process.stderr.write(
      `fireline api: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}

if (require.main === module) runApiMain();
