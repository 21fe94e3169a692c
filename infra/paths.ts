import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest folder above this file whose package.json is Fireline's. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'fireline') {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find Fireline's package.json above ${__dirname}`);
    dir = parent;
  }
}

/**
 * Where a worker keeps what it must know without MongoDB (FIRELINE_STATE_DIR):
 * by default `state` in the cache folder (FIRELINE_CACHE_DIR, else `.cache`).
 */
export function stateDir(config: { FIRELINE_STATE_DIR?: string; FIRELINE_CACHE_DIR?: string }): string {
  return path.resolve(
    config.FIRELINE_STATE_DIR ??
      path.join(config.FIRELINE_CACHE_DIR ?? path.join(repoRoot(), '.cache'), 'state'),
  );
}
