import type { Server } from 'node:http';
import { createApp } from '../../api/app';
import { close, listen } from '../../api/server';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { createLogger } from '../../infra/logger';
import { freePort } from '../../stack/ports';
import { eventually } from '../helpers/http-receiver';
import { createIncidentTestEnv } from '../helpers/incidents';
import type { TestEnv } from '../helpers/test-env';
import { onCallCatalog } from '../../config/oncall-catalog';

// The API goes down in the middle of a burst of alerts and comes back. Every
// alert that got a 2xx is in an incident; the sender retries the ones that got
// no answer, and the retries make no duplicates.
describe('API restart during a burst of alerts', () => {
  let env: TestEnv;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    ({ env, teardown } = await createIncidentTestEnv(600));
  });
  afterAll(async () => teardown());

  it('loses no acknowledged alert and duplicates no retried one', async () => {
    const port = await freePort();
    const startApi = () =>
      listen(
        createApp({
          catalog: onCallCatalog,
          groupingRules: { rules: [] },
          config: env.config,
          temporal: env.client,
          mongo: env.mongo,
          models: env.models,
          logger: createLogger({ level: 'silent' }),
        }),
        port,
        '127.0.0.1',
      );
    let server: Server = await startApi();
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
          signal: AbortSignal.timeout(5_000),
        });
        return res.status;
      } catch {
        return 'no answer';
      }
    };

    const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
    const outcomes = new Map<string, number | 'no answer'>();
    // Send in waves; the API goes down after the fifth wave and comes back two waves later.
    for (let wave = 0; wave < 10; wave++) {
      if (wave === 5) {
        server.closeAllConnections();
        await close(server);
      }
      if (wave === 7) server = await startApi();
      const batch = keys.slice(wave * 10, wave * 10 + 10);
      const results = await Promise.all(batch.map(send));
      batch.forEach((key, i) => outcomes.set(key, results[i]!));
    }
    const accepted = keys.filter((k) => outcomes.get(k) === 202);
    const unanswered = keys.filter((k) => outcomes.get(k) === 'no answer');
    expect(accepted.length).toBeGreaterThanOrEqual(70);
    expect(unanswered.length).toBeGreaterThan(0);
    expect(keys.every((k) => [202, 'no answer'].includes(outcomes.get(k)!))).toBe(true);

    // The sender retries what got no answer, and (as senders do) some that did.
    for (const key of [...unanswered, ...accepted.slice(0, 10)]) expect(await send(key)).toBe(202);

    await eventually(
      async () => {
        const docs = await env.models.Incident.find(
          { service: 'burst' },
          { dedupKey: 1, workflowId: 1, alertCount: 1 },
        ).lean();
        expect(docs).toHaveLength(keys.length);
        expect(new Set(docs.map((d) => d.workflowId))).toEqual(
          new Set(keys.map((k) => incidentWorkflowId('burst', k))),
        );
      },
      60_000,
      500,
    );
    await close(server);
  }, 120_000);
});
