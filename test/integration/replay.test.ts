import { readdirSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { historiesDir, loadHistory } from '../helpers/histories';

// Every stored history must replay on today's workflow code. Until the first
// release, a workflow change re-records them (npm run record-histories); from
// then on, a failure here means a change would break runs in flight: guard it with patched().
describe('replay of stored incident histories', () => {
  // From the first release on, histories recorded before a workflow change stay in a
  // folder of their own (e.g. before-<patch>/), so both code paths are replayed.
  const files = readdirSync(historiesDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.binpb'),
  );

  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: process.env.FIRELINE_TEST_WORKFLOW_BUNDLE! } },
      loadHistory(file),
      `replay-${file}`,
    );
  });
});
