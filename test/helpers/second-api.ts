import { Client, Connection } from '@temporalio/client';
import express, { type Express } from 'express';
import { createApp } from '../../api/app';
import type { GroupingRules } from '../../domain/grouping';
import { type TestEnv } from './test-env';

/**
 * A second API process on the test servers: its own Temporal client, so its
 * own signal queue, with the same grouping rules and the admin key preset.
 * `close` closes its Temporal connection.
 */
export async function secondApiProcess(
  env: TestEnv,
  groupingRules: GroupingRules,
): Promise<{ app: Express; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address: env.config.TEMPORAL_ADDRESS! });
  const api = createApp({
    ...env.apiDeps,
    temporal: new Client({ connection, namespace: env.config.TEMPORAL_NAMESPACE }),
    groupingRules,
  });
  const app = express();
  app.use((req, _res, next) => {
    req.headers.authorization ??= `Bearer ${env.adminToken}`;
    next();
  });
  app.use(api);
  return { app, close: () => connection.close() };
}
