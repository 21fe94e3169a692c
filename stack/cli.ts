import { loadConfigOrExit } from '../config';
import { startLocalStack, MissingPrerequisiteError } from './index';
import { findOrBuildFerretdb } from './mongo';
import { cacheDir } from './paths';
import { printProgress } from './progress';
import { findOrBuildTemporalCli } from './temporal';

const usage = `usage: npm run stack [-- up|build]
  up     start the local Temporal and MongoDB-wire servers and print their addresses (default)
  build  only build (or find) the Temporal CLI and the embedded FerretDB server`;

async function main(command: string): Promise<void> {
  const config = loadConfigOrExit();
  if (command === 'build') {
    const cache = cacheDir(config.FIRELINE_CACHE_DIR);
    const cli = await findOrBuildTemporalCli({
      cacheDir: cache,
      explicitPath: config.TEMPORAL_CLI,
      progress: printProgress,
    });
    printProgress(
      cli ? `temporal CLI: ${cli.path} (${cli.source})` : 'no temporal CLI: it will be downloaded at start',
    );
    printProgress(`ferretdb: ${await findOrBuildFerretdb({ cacheDir: cache, progress: printProgress })}`);
    return;
  }
  if (command !== 'up') {
    process.stderr.write(`${usage}\n`);
    process.exit(2);
  }
  const stack = await startLocalStack({ config, mode: 'persistent', progress: printProgress });
  process.stdout.write(`TEMPORAL_ADDRESS=${stack.temporalAddress}\nMONGODB_URI=${stack.mongoUri}\n`);
  printProgress(`Temporal UI: ${stack.temporalUiUrl ?? '(external)'}`);
  printProgress('servers are up; Ctrl-C stops them');
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
  });
  await stack.stop();
}

main(process.argv[2] ?? 'up').catch((err: unknown) => {
  printProgress(err instanceof MissingPrerequisiteError ? err.message : `failed: ${String(err)}`);
  process.exit(1);
});
