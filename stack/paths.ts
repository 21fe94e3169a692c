import path from 'node:path';
import { repoRoot } from '../infra/paths';

// Lives in infra/ so the API (which must not import the local stack) can use it too.
export { repoRoot };

/** The git-ignored folder holding built servers and local data. */
export function cacheDir(override?: string): string {
  return path.resolve(override ?? path.join(repoRoot(), '.cache'));
}
