import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { LOOPBACK_EGRESS, loadConfig } from '../config';
import { startLocalStack } from '../stack';
import { runCommand } from '../stack/server-process';
import { repoRoot } from '../stack/paths';
import { printProgress } from '../stack/progress';
import { buildWorkflowBundle } from '../worker/build-bundle';
import { RUN_LIMITS_ENV, runLimitsMark } from './helpers/continue-as-new-temporal';
import { mongoServerOf } from './helpers/mongo-server';

/** What answers at a MongoDB URI. */
async function mongoServerName(uri: string): Promise<string> {
  const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    return (await mongoServerOf(connection.db!)).name;
  } finally {
    await connection.close();
  }
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  // The tests' receivers listen on loopback, which the egress policy refuses by default: every
  // test process allows it (tests of the policy itself build policies without it).
  process.env.FIRELINE_EGRESS_ALLOW = [process.env.FIRELINE_EGRESS_ALLOW, LOOPBACK_EGRESS]
    .filter(Boolean)
    .join(',');
  const config = loadConfig();
  const [stack] = await Promise.all([
    startLocalStack({ config, mode: 'ephemeral', progress: printProgress }),
    (async () => {
      const bundlePath = path.join(
        mkdtempSync(path.join(os.tmpdir(), 'fireline-bundle-')),
        'workflow-bundle.js',
      );
      await buildWorkflowBundle(bundlePath);
      process.env.FIRELINE_TEST_WORKFLOW_BUNDLE = bundlePath;
    })(),
    // Tests that run Fireline's processes (the worker, the CLI) run the compiled code. A run
    // without such tests may say so (FIRELINE_TEST_COMPILE=0) and skip compiling it.
    process.env.FIRELINE_TEST_COMPILE === '0'
      ? Promise.resolve()
      : runCommand('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repoRoot() }),
  ]);
  process.env.TEMPORAL_ADDRESS = stack.temporalAddress;
  process.env.MONGODB_URI = stack.mongoUri;
  // Only a dev server started here is known to have the low per-run limits; tests that need them start one otherwise.
  if (!config.TEMPORAL_ADDRESS) process.env[RUN_LIMITS_ENV] = runLimitsMark;
  (globalThis as { __firelineStack?: typeof stack }).__firelineStack = stack;
  printProgress(
    `test stack ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${stack.started.join(', ') || 'external servers'}`,
  );
  printProgress(
    `MongoDB-wire server for this run: ${await mongoServerName(stack.mongoUri)} at ${stack.mongoUri.replace(/\/\/[^@/]*@/, '//')}; ` +
      `Temporal at ${stack.temporalAddress}`,
  );
}
