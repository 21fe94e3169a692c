import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../config';
import { connectMongo } from '../../infra/mongo';
import { createModels, ensureIndexes, type Models } from '../../infra/models';

/**
 * A database of the test file's own on the MongoDB-wire server the global
 * setup started, for tests that need MongoDB and not Temporal.
 */
export async function createTestDatabase(): Promise<{ models: Models; teardown(): Promise<void> }> {
  const uri = new URL(loadConfig().MONGODB_URI!);
  uri.pathname = `/fireline_test_${randomUUID().slice(0, 8)}`;
  const mongo = await connectMongo(uri.toString());
  const models = createModels(mongo);
  await ensureIndexes(models);
  return {
    models,
    async teardown() {
      await mongo.dropDatabase();
      await mongo.close();
    },
  };
}
