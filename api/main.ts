import { loadConfigOrExit } from '../config';
import { createLogger } from '../infra/logger';
import { connectMongo } from '../infra/mongo';
import { createTemporalClient } from '../infra/temporal';
import { createModels, ensureIndexes } from '../infra/models';
import { createApp } from './app';
import { createSlackClient } from '../infra/slack';
import { close, listen } from './server';

/** API process entry point (`npm run api`): needs TEMPORAL_ADDRESS and MONGODB_URI. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'fireline-api' });
  if (!config.TEMPORAL_ADDRESS || !config.MONGODB_URI) {
    logger.fatal(
      'TEMPORAL_ADDRESS and MONGODB_URI must be set for a standalone API (npm start sets them itself)',
    );
    process.exit(1);
  }
  const temporal = await createTemporalClient(config);
  const mongo = await connectMongo(config.MONGODB_URI);
  const models = createModels(mongo);
  await ensureIndexes(models);
  const server = await listen(
    createApp({
      config,
      temporal,
      mongo,
      models,
      logger,
      routingKeys: config.FIRELINE_ROUTING_KEYS,
      slack: createSlackClient(config),
    }),
    config.PORT,
  );
  logger.info({ port: config.PORT }, 'API listening');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'API shutting down');
    await close(server);
    await temporal.connection.close();
    await mongo.close();
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

main().catch((err: unknown) => {
  process.stderr.write(`fireline api: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
