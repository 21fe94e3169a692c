import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';
import { EPHEMERAL_SUGGEST_CONTINUE_AS_NEW_AFTER } from '../../stack';
import { cacheDir } from '../../stack/paths';
import { freePort } from '../../stack/ports';
import { silentProgress } from '../../stack/progress';
import { startTemporalDevServer } from '../../stack/temporal';

/** Set by the global setup when the Temporal server it started suggests continue-as-new this early. */
export const SUGGEST_CONTINUE_AS_NEW_ENV = 'FIRELINE_TEST_SUGGEST_CONTINUE_AS_NEW_AFTER';

/**
 * A Temporal server that suggests continue-as-new after
 * EPHEMERAL_SUGGEST_CONTINUE_AS_NEW_AFTER history events, for the tests that
 * depend on it: the test stack's own when the global setup started it, else
 * (TEMPORAL_ADDRESS names a server of unknown settings) a dev server of the test's own.
 */
export async function continueAsNewTemporal(): Promise<{ address: string; stop: () => Promise<void> }> {
  if (process.env[SUGGEST_CONTINUE_AS_NEW_ENV] === String(EPHEMERAL_SUGGEST_CONTINUE_AS_NEW_AFTER)) {
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
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': EPHEMERAL_SUGGEST_CONTINUE_AS_NEW_AFTER },
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
