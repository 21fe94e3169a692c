import { existsSync } from 'node:fs';
import path from 'node:path';

/** The pre-built workflow bundle `npm run build` writes next to the compiled code. */
export function defaultBundlePath(): string {
  // Compiled, this file is dist/worker/bundle.js; the bundle is dist/workflow-bundle.js.
  return path.resolve(__dirname, '..', 'workflow-bundle.js');
}

export function assertBundleExists(bundlePath: string): void {
  if (!existsSync(bundlePath)) {
    throw new Error(`workflow bundle ${bundlePath} is missing: run \`npm run build\` first`);
  }
}
