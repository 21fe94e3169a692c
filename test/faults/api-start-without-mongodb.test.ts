import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type mongoose from 'mongoose';
import { createApiKey } from '../../infra/api-keys';
import { createModels } from '../../infra/models';
import { connectMongo } from '../../infra/mongo';
import { startMongoServer, type MongoServer } from '../../stack/mongo';
import { cacheDir, repoRoot } from '../../stack/paths';
import { freePort } from '../../stack/ports';
import { silentProgress } from '../../stack/progress';
import { eventually } from '../helpers/http-receiver';
import { killProcess } from '../helpers/worker-process';

// An API process started while MongoDB is unreachable serves what needs only Temporal,
// says 503 for keys it cannot check, and once MongoDB answers builds the indexes and serves normally.
describe('an API process started without MongoDB', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fireline-api-start-'));
  let api: ChildProcess | undefined;
  let mongo: MongoServer | undefined;
  let connection: mongoose.Connection | undefined;
  let output = '';

  afterAll(async () => {
    await killProcess(api);
    await connection?.close();
    await mongo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, is ready, answers 503 for a key it cannot check, and serves normally once MongoDB is up', async () => {
    const mongoPort = await freePort();
    const apiPort = await freePort();
    const database = `fireline_start_${randomUUID().slice(0, 8)}`;
    const mongoUri = `mongodb://127.0.0.1:${mongoPort}/${database}`;
    api = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'api', 'main.js')], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
        TEMPORAL_TASK_QUEUE: `fireline-start-${randomUUID().slice(0, 8)}`,
        MONGODB_URI: mongoUri,
        PORT: String(apiPort),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const capture = (chunk: Buffer) => (output += chunk.toString('utf8'));
    api.stdout?.on('data', capture);
    api.stderr?.on('data', capture);
    const base = `http://127.0.0.1:${apiPort}`;

    const ready = await eventually(async () => {
      expect(api!.exitCode).toBeNull();
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(200);
      return await res.json();
    }, 30_000);
    expect(ready).toEqual({ status: 'ready', checks: { temporal: 'ok', mongodb: 'unavailable' } });

    // No key can be checked yet: 503 with Retry-After, not 401 or 500.
    const token = `fl_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    const alert = (bearer: string) =>
      fetch(`${base}/v1/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ service: 'start', summary: 'Started without MongoDB', severity: 'error' }),
      });
    const refused = await alert(token);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    mongo = await startMongoServer({
      cacheDir: cacheDir(process.env.FIRELINE_CACHE_DIR),
      port: mongoPort,
      dataDir: path.join(dataDir, 'mongo'),
      logFile: path.join(dataDir, 'mongo.log'),
      progress: silentProgress,
    });
    connection = await connectMongo(mongoUri);
    const models = createModels(connection);
    const { token: key } = await createApiKey(models, 'start-pager', ['alerts:write']);

    await eventually(async () => expect((await alert(key)).status).toBe(202), 60_000, 500);
    await eventually(
      async () => {
        const indexes = await models.Incident.collection.indexes();
        expect(indexes.map((index) => index.name)).toEqual(
          expect.arrayContaining(['_id_', expect.stringMatching(/^openedAt/)]),
        );
        expect((await models.UiSession.collection.indexes()).map((index) => index.name)).toContain(
          'expiresAt_1',
        );
        expect(output).toContain('MongoDB indexes are in place');
      },
      30_000,
      500,
    );
    const readyAfter = await fetch(`${base}/readyz`);
    expect(await readyAfter.json()).toEqual({ status: 'ready', checks: { temporal: 'ok', mongodb: 'ok' } });
  }, 150_000);
});
