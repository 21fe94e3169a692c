import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';
import { ephemeralRunLimits } from '../../stack';
import { cacheDir } from '../../stack/paths';
import { freePort } from '../../stack/ports';
import { silentProgress } from '../../stack/progress';
import { startTemporalDevServer } from '../../stack/temporal';

/** Set by the global setup when the Temporal server it started has these per-run limits. */
export const RUN_LIMITS_ENV = 'FIRELINE_TEST_RUN_LIMITS';
export const runLimitsMark = JSON.stringify(ephemeralRunLimits);

/**
 * A Temporal server with the ephemeral per-run limits (continue-as-new
 * suggested after hundreds of events, a few thousand signals a run), for the
 * tests that depend on them: the test stack's own when the global setup started it, else
 * (TEMPORAL_ADDRESS names a server of unknown settings) a dev server of the test's own.
 */
export async function continueAsNewTemporal(): Promise<{ address: string; stop: () => Promise<void> }> {
  if (process.env[RUN_LIMITS_ENV] === runLimitsMark) {
    return { address: process.env.TEMPORAL_ADDRESS!, stop: async () => undefined };
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fireline-continue-as-new-'));
  const server = await startTemporalDevServer({
    cacheDir: cacheDir(process.env.FIRELINE_CACHE_DIR),
    port: await freePort(),
    uiPort: await freePort(),
    namespace: loadConfig().TEMPORAL_NAMESPACE,
    dbFile: path.join(dataDir, 'temporal.sqlite'),
    logFile: path.join(dataDir, 'temporal.log'),
    dynamicConfig: ephemeralRunLimits,
    progress: silentProgress,
  });
  return {
    address: server.address,
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
