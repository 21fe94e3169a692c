import path from 'node:path';
import { eventually } from '../helpers/http-receiver';
import { createIncidentTestEnv } from '../helpers/incidents';
import { codeBlocks, listenLocally, readDoc, repoDir, runBash, sectionOf } from '../helpers/readme-examples';
import type { TestEnv } from '../helpers/test-env';

// The README's first incident, its commands run one by one as a reader types them, against a
// real API and worker: only the key, the `npx fireline` binary and the placeholder incident id
// are swapped in. A reader types more slowly than a script, so `incidents ls` (which lists the
// incident once it is saved) and `postmortem show` (drafted after the resolution) are repeated
// until they show it.
const incidentId = /\bINC-[0-9A-Z]{12}\b/;

function firstIncidentCommands(): string[] {
  const blocks = codeBlocks(sectionOf(readDoc('README.md'), '## A first incident', 'README.md'), 'sh');
  expect(blocks).toHaveLength(1);
  return blocks[0]!.split('\n').filter((line) => line.trim() !== '');
}

describe("the README's first incident", () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;
  let api: Awaited<ReturnType<typeof listenLocally>>;

  beforeAll(async () => {
    // Levels a minute apart: the incident is acknowledged long before a second page.
    ({ env, teardown } = await createIncidentTestEnv(60));
    api = await listenLocally(env.rawApp);
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await teardown();
  });

  it('triggers, lists, acknowledges and resolves an incident, then shows its post-mortem', async () => {
    const [exportKey, trigger, list, ack, resolve, postmortem, ...rest] = firstIncidentCommands();
    expect(rest).toEqual([]);
    expect(exportKey).toMatch(/^export FIRELINE_API_KEY=fl_…/);
    const cli = `node ${path.join(repoDir, 'dist', 'cli', 'main.js')}`;
    let id = '';
    const run = (line: string) =>
      runBash(
        `${exportKey!.replace('fl_…', env.adminToken)}\n${line.replaceAll('npx fireline', cli).replaceAll('INC-…', id)}`,
        {
          FIRELINE_URL: api.url,
        },
      );

    expect(await run(trigger!)).toMatch(/^accepted: incident:checkout:checkout-5xx/);
    id = await eventually(async () => {
      const listed = await run(list!);
      expect(listed).toMatch(incidentId);
      return incidentId.exec(listed)![0];
    });
    expect(ack).toContain('INC-…');
    expect(await run(ack!)).toContain(`${id} acknowledged by`);
    expect(await run(resolve!)).toContain(`${id} resolved by`);
    const markdown = await eventually(() => run(postmortem!), 60_000, 500);
    expect(markdown).toContain('Error rate above 5%');
    expect(markdown).toContain('rolled back to v41');
  }, 120_000);
});
