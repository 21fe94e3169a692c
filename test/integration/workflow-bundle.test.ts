import { readFileSync } from 'node:fs';

// The bundle the tests run is built by worker/build-bundle.ts, as `npm run build` builds it.
const bundle = readFileSync(process.env.FIRELINE_TEST_WORKFLOW_BUNDLE!, 'utf8');

describe('the workflow bundle', () => {
  it('preloads the workflow modules, so the workflows of a thread share them and a cached one holds only its state', () => {
    const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(bundle);
    expect(preload).not.toBeNull();
    // The entry: the incident, runbook and other workflows, and everything they import, runbooks included.
    expect(preload![1]).toMatch(/__webpack_require__\([^)]*"\.\/(dist\/)?workflows\/index\.[jt]s"\)/);
    expect(bundle).toMatch(/"\.\/(dist\/)?runbooks\/index\.[jt]s"/);
  });
});
