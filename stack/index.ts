import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config';
import { startMongoServer, type MongoServer } from './mongo';
import { cacheDir as defaultCacheDir } from './paths';
import { freePort, preferredOrFreePort, retryOnPortClash } from './ports';
import type { Progress } from './progress';
import { startTemporalDevServer, type TemporalServer } from './temporal';

export { MissingPrerequisiteError } from './temporal';

/** A throw-away (ephemeral) dev server suggests continue-as-new after this many history events, so tests see it. */
export const EPHEMERAL_SUGGEST_CONTINUE_AS_NEW_AFTER = 300;
/** …and takes at most this many signals in one run (Temporal's default is 10,000), so tests pass it quickly. */
export const EPHEMERAL_MAX_SIGNALS_PER_RUN = 2000;

/**
 * What every dev server Fireline starts sets: a workflow task that schedules an
 * activity on its own task queue gets the activity back in its answer (eager
 * dispatch), without a trip through matching, and new tasks leave a history
 * shard without waiting for its next read. Self-hosted clusters set the same
 * (docs/deployment.md).
 */
export const serverSettings = {
  'system.enableActivityEagerExecution': true,
  // The CLI dev server re-reads search attributes from its database on every read by default;
  // Fireline registers its own when the server starts and never changes them while it runs.
  'system.forceSearchAttributesCacheRefreshOnRead': false,
  // A history shard reads its new transfer tasks (a workflow task after a signal or a child's start,
  // an activity task) at most this often a second; Temporal's default of 20 makes such a workflow
  // task wait up to 50 ms when the shard was read just before.
  'history.transferProcessorMaxPollRPS': 200,
};

/** The ephemeral dev server's per-run limits, as dynamic config values. */
export const ephemeralRunLimits = {
  ...serverSettings,
  'limit.historyCount.suggestContinueAsNew': EPHEMERAL_SUGGEST_CONTINUE_AS_NEW_AFTER,
  'history.maximumSignalsPerExecution': EPHEMERAL_MAX_SIGNALS_PER_RUN,
};

export interface LocalStackOptions {
  config: Pick<
    Config,
    | 'TEMPORAL_ADDRESS'
    | 'TEMPORAL_NAMESPACE'
    | 'TEMPORAL_UI_URL'
    | 'MONGODB_URI'
    | 'FIRELINE_CACHE_DIR'
    | 'TEMPORAL_CLI'
    | 'TEMPORAL_DEV_PORT'
    | 'TEMPORAL_UI_PORT'
  >;
  /**
   * `persistent` keeps data under the cache folder so incidents survive a
   * restart (npm start); `ephemeral` uses a throw-away folder and free ports (tests).
   */
  mode: 'persistent' | 'ephemeral';
  /**
   * `test` (the default for an ephemeral stack) makes runs continue as new after hundreds of
   * events; `server` keeps Temporal's own limits, as a production cluster has them (the bench).
   */
  runLimits?: 'test' | 'server';
  progress: Progress;
}

export interface LocalStack {
  temporalAddress: string;
  /** Web UI of the Temporal server, when known. */
  temporalUiUrl?: string;
  namespace: string;
  mongoUri: string;
  /** What this stack started itself (empty when both servers are external). */
  started: string[];
  stop(): Promise<void>;
}

/**
 * Makes a Temporal server and a MongoDB-wire server available: the configured
 * ones when TEMPORAL_ADDRESS / MONGODB_URI are set, otherwise local servers it
 * starts (and stops again with stop()).
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { config, mode } = options;
  const { progress } = options;
  const cache = defaultCacheDir(config.FIRELINE_CACHE_DIR);
  const dataRoot =
    mode === 'persistent' ? path.join(cache, 'data') : mkdtempSync(path.join(os.tmpdir(), 'fireline-stack-'));
  const logDir = mode === 'persistent' ? path.join(cache, 'logs') : dataRoot;

  const startTemporal = async (): Promise<TemporalServer | { address: string; uiUrl?: string }> => {
    if (config.TEMPORAL_ADDRESS) {
      progress(`using the Temporal server at ${config.TEMPORAL_ADDRESS}`);
      return { address: config.TEMPORAL_ADDRESS, uiUrl: config.TEMPORAL_UI_URL };
    }
    return retryOnPortClash(
      async () => {
        const port =
          mode === 'persistent' ? await preferredOrFreePort(config.TEMPORAL_DEV_PORT) : await freePort();
        const uiPort =
          mode === 'persistent' ? await preferredOrFreePort(config.TEMPORAL_UI_PORT) : await freePort();
        if (mode === 'persistent' && port !== config.TEMPORAL_DEV_PORT) {
          progress(`port ${config.TEMPORAL_DEV_PORT} is taken: the Temporal dev server will use ${port}`);
        }
        if (mode === 'persistent' && uiPort !== config.TEMPORAL_UI_PORT) {
          progress(`port ${config.TEMPORAL_UI_PORT} is taken: the Temporal Web UI will use ${uiPort}`);
        }
        return startTemporalDevServer({
          cacheDir: cache,
          port,
          uiPort,
          namespace: config.TEMPORAL_NAMESPACE,
          dbFile: path.join(dataRoot, 'temporal.sqlite'),
          logFile: path.join(logDir, 'temporal.log'),
          cliPath: config.TEMPORAL_CLI,
          // Tests see continue-as-new after hundreds of events instead of thousands.
          dynamicConfig:
            (options.runLimits ?? (mode === 'ephemeral' ? 'test' : 'server')) === 'test'
              ? ephemeralRunLimits
              : serverSettings,
          progress,
        });
      },
      () => progress('a port of the Temporal dev server was taken while it started: trying other ports'),
    );
  };

  const startMongo = async (): Promise<MongoServer | { uri: string }> => {
    if (config.MONGODB_URI) {
      progress('using the MongoDB at MONGODB_URI');
      return { uri: config.MONGODB_URI };
    }
    return retryOnPortClash(
      async () =>
        startMongoServer({
          cacheDir: cache,
          port: mode === 'persistent' ? await preferredOrFreePort(27017) : await freePort(),
          dataDir: path.join(dataRoot, 'mongo'),
          logFile: path.join(logDir, 'mongo.log'),
          progress,
        }),
      () => progress('the MongoDB-wire server port was taken while it started: trying another port'),
    );
  };

  const [temporalResult, mongoResult] = await Promise.allSettled([startTemporal(), startMongo()]);
  const stoppers: Array<() => Promise<void>> = [];
  const started: string[] = [];
  for (const result of [temporalResult, mongoResult]) {
    if (result.status === 'fulfilled' && 'stop' in result.value) {
      const server = result.value;
      stoppers.push(() => server.stop());
    }
  }
  const stop = async () => {
    await Promise.all(stoppers.map((s) => s()));
    if (mode === 'ephemeral') rmSync(dataRoot, { recursive: true, force: true });
  };
  if (temporalResult.status === 'rejected' || mongoResult.status === 'rejected') {
    await stop();
    throw temporalResult.status === 'rejected'
      ? temporalResult.reason
      : (mongoResult as PromiseRejectedResult).reason;
  }
  const temporal = temporalResult.value;
  const mongo = mongoResult.value;
  if ('stop' in temporal) started.push(`Temporal dev server ${temporal.address}`);
  if ('stop' in mongo) started.push(`${mongo.kind} ${mongo.uri}`);

  return {
    temporalAddress: temporal.address,
    temporalUiUrl: temporal.uiUrl,
    namespace: config.TEMPORAL_NAMESPACE,
    mongoUri: mongo.uri,
    started,
    stop,
  };
}
