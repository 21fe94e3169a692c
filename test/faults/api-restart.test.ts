import type { ChildProcess } from 'node:child_process';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { freePort } from '../../stack/ports';
import { spawnApiProcess, stderrOf } from '../helpers/api-process';
import { eventually } from '../helpers/http-receiver';
import { createIncidentTestEnv } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';
import { killProcess } from '../helpers/worker-process';

const KEYS = 100;
const CONCURRENCY = 10;

// The API process crashes (SIGKILL) in the middle of a burst of alerts, with
// requests in flight, and a new process takes its port. Every alert that got a
// 2xx is in Temporal; the sender retries the ones that got no answer, and the
// retries make no duplicates.
describe('API restart during a burst of alerts', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;
  let api: ChildProcess | undefined;

  beforeAll(async () => {
    ({ env, teardown } = await createIncidentTestEnv(600));
  });
  afterAll(async () => {
    await killProcess(api);
    await teardown();
  });

  it('loses no acknowledged alert and duplicates no retried one', async () => {
    const port = await freePort();
    api = await spawnApiProcess(env, port);
    const noAnswers: string[] = [];
    const send = async (key: string): Promise<number | 'no answer'> => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/v1/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${env.adminToken}` },
          body: JSON.stringify({
            service: 'burst',
            summary: `Burst ${key}`,
            severity: 'warning',
            dedupKey: key,
          }),
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        return res.status;
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause;
        noAnswers.push(`${key}: ${cause?.code ?? (err instanceof Error ? err.message : String(err))}`);
        return 'no answer';
      }
    };

    // CONCURRENCY senders take keys in turn, so requests are always in flight. While the API is
    // down they hold their next key (as a sender backs off), rather than spend every key on it.
    const keys = Array.from({ length: KEYS }, (_, i) => `k${i}`);
    const outcomes = new Map<string, number | 'no answer'>();
    let next = 0;
    let inFlight = 0;
    let apiUp: Promise<void> = Promise.resolve();
    const sender = async () => {
      for (;;) {
        await apiUp;
        if (next >= keys.length) return;
        const key = keys[next++]!;
        inFlight += 1;
        outcomes.set(key, await send(key));
        inFlight -= 1;
      }
    };
    const senders = Array.from({ length: CONCURRENCY }, sender);

    // A third of the way in, the process dies with requests in flight; a new one starts on its port.
    await eventually(
      () => {
        const acceptedSoFar = [...outcomes.values()].filter((s) => s === 202).length;
        if (acceptedSoFar < KEYS / 3)
          throw new Error(
            `${acceptedSoFar} alerts accepted so far; no answer to ${noAnswers.join(', ') || 'none'}; ` +
              `the API printed: ${stderrOf(api) || 'nothing'}`,
          );
      },
      60_000,
      10,
    );
    let restarted = () => undefined as void;
    apiUp = new Promise((resolve) => (restarted = resolve));
    expect(inFlight).toBeGreaterThan(0);
    const takenBeforeCrash = next;
    await killProcess(api);
    api = await spawnApiProcess(env, port);
    restarted();
    await Promise.all(senders);

    const accepted = keys.filter((k) => outcomes.get(k) === 202);
    const unanswered = keys.filter((k) => outcomes.get(k) === 'no answer');
    expect(keys.every((k) => [202, 'no answer'].includes(outcomes.get(k)!))).toBe(true);
    expect(unanswered.length).toBeGreaterThan(0);
    // Accepted before the crash and by the new process; only requests in flight at the crash went unanswered.
    const index = (key: string) => Number(key.slice(1));
    expect(accepted.filter((k) => index(k) < takenBeforeCrash).length).toBeGreaterThan(0);
    expect(accepted.filter((k) => index(k) >= takenBeforeCrash)).toHaveLength(KEYS - takenBeforeCrash);

    // Every 2xx'd alert is in Temporal, whether or not its incident is saved yet.
    for (const key of accepted) {
      await env.client.workflow.getHandle(incidentWorkflowId('burst', key)).describe();
    }

    // The sender retries what got no answer, and (as senders do) some that did.
    for (const key of [...unanswered, ...accepted.slice(0, 10)]) expect(await send(key)).toBe(202);

    // Nothing lost, nothing doubled: one incident per key.
    await eventually(
      async () => {
        const docs = await env.models.Incident.find({ service: 'burst' }, { workflowId: 1 }).lean();
        expect(docs.map((d) => d.workflowId).sort()).toEqual(
          keys.map((k) => incidentWorkflowId('burst', k)).sort(),
        );
      },
      60_000,
      500,
    );
  }, 180_000);
});
