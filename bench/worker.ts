import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfigOrExit } from '../config';
import { connectMongo } from '../infra/mongo';
import { createModels, ensureIndexes } from '../infra/models';
import { defaultBundlePath } from '../worker/bundle';
import { createFirelineWorker } from '../worker';
import { benchCatalog, benchRules } from './catalog';

/**
 * The benchmark's worker process: Fireline's worker as `npm run worker` runs
 * it, with the benchmark's rules and catalog. Prints `ready <ms> cache <n>` once
 * polling: how long it took, and how many workflows it keeps cached.
 */
async function main(): Promise<void> {
  const spawnedAt = Number(process.env.BENCH_SPAWNED_AT ?? Date.now());
  const config = loadConfigOrExit();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const mongo = await connectMongo(config.MONGODB_URI ?? '');
  const models = createModels(mongo);
  await ensureIndexes(models);
  const { worker } = await createFirelineWorker({
    config,
    models,
    bundlePath: config.FIRELINE_WORKFLOW_BUNDLE ?? defaultBundlePath(),
    activityOverrides: { triageRules: benchRules(), catalog: benchCatalog() },
  });
  const running = worker.run();
  const cached = Math.max(...worker.workers.map((w) => w.options.maxCachedWorkflows));
  process.stdout.write(`ready ${Date.now() - spawnedAt} cache ${cached}\n`);
  await running;
  await mongo.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
