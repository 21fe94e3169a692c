import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMongoServer, type MongoServer } from '../../stack/mongo';
import { cacheDir } from '../../stack/paths';
import { freePort } from '../../stack/ports';
import { silentProgress } from '../../stack/progress';

/**
 * A MongoDB-wire server of a test's own, for the tests that stop, pause or
 * restart it: always on the same port (clients reconnect to it), its data in
 * a temporary folder that `remove` deletes.
 */
export class OwnMongoServer {
  readonly dataDir: string;
  private port: number | undefined;

  constructor(name: string) {
    this.dataDir = mkdtempSync(path.join(os.tmpdir(), `fireline-${name}-`));
  }

  /** Starts the server; another `data` folder starts it with an empty database. */
  async start(data = 'mongo', port?: number): Promise<MongoServer> {
    this.port ??= port ?? (await freePort());
    return startMongoServer({
      cacheDir: cacheDir(process.env.FIRELINE_CACHE_DIR),
      port: this.port,
      dataDir: path.join(this.dataDir, data),
      logFile: path.join(this.dataDir, `${data}.log`),
      progress: silentProgress,
    });
  }

  remove(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
