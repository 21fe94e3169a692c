import type { Pool } from 'undici';
import type { Bench } from '../environment';
import { groupCommit, historyCost } from '../history-cost';
import { alertsInWorkflows, incidentWorkflowsOf, storm } from '../load';
import { catchUp, log, ms } from '../measure';
import { profiled } from '../profile';

/** Senders of the PagerDuty storm: a monitoring fleet re-sending one failing check. */
const pagerDutySenders = 50;

/** Duplicate storms: through one API process, shared by two, and one key sent with PagerDuty's Events API v2. */
export async function duplicateStorms(bench: Bench): Promise<void> {
  const { concurrency } = bench.settings;
  const oneApi = bench.pools.slice(0, 1);
  bench.section(
    'Duplicate storm',
    await duplicateStorm(bench, 'bench-storm', 5, concurrency * 2, oneApi, (key, pool) =>
      bench.alert('bench-storm', key, {}, pool),
    ),
  );
  bench.section(
    'Duplicate storm, two API processes',
    await duplicateStorm(bench, 'bench-storm-2', 5, concurrency * 2, bench.pools, (key, pool) =>
      bench.alert('bench-storm-2', key, {}, pool),
    ),
  );
  bench.section(
    'Duplicate storm, one key, PagerDuty Events v2',
    await duplicateStorm(bench, 'bench-pd', 1, pagerDutySenders, bench.pools, (key, pool) =>
      bench.enqueue(key, pool),
    ),
  );
}

async function duplicateStorm(
  bench: Bench,
  service: string,
  stormKeys: number,
  senders: number,
  apiPools: Pool[],
  send: (dedupKey: string, pool: Pool) => Promise<{ status: number }>,
): Promise<string[]> {
  const { stormAlerts } = bench.settings;
  log(
    `duplicate storm (${service}): ${stormAlerts} alerts for ${stormKeys} key(s), ${senders} senders, ${apiPools.length} API process(es)`,
  );
  const result = await storm(
    bench,
    (i) => send(`s${i % stormKeys}`, apiPools[i % apiPools.length]!),
    senders,
  );
  let folded = 0;
  const caughtUp = await catchUp(
    async () => (folded = await alertsInWorkflows(bench, service, stormKeys)) >= result.accepted,
    120_000,
  );
  const { ids, runs } = await incidentWorkflowsOf(bench, service);
  const cost = await historyCost(bench.client, ids);
  return [
    `- ${stormAlerts} alerts for ${stormKeys} key${stormKeys > 1 ? 's' : ''} sent by ${senders} concurrent senders${apiPools.length > 1 ? `, alternating between ${apiPools.length} API processes` : ''}: all answered in ${result.seconds.toFixed(1)} s (**${(result.accepted / result.seconds).toFixed(0)} alerts/s**), ${result.accepted} accepted, ${result.failed} failed; request → 202 p50 ${ms(result.latency.p50)}, **p99 ${ms(result.latency.p99)}**`,
    `- **${ids.length} incidents**${runs > ids.length ? ` (${runs} workflow runs: an incident continues as new as its history grows)` : ''}, ${folded} alerts folded into them (loss: ${result.accepted - folded}), all counted by the workflows ${((caughtUp ?? Number.NaN) / 1000).toFixed(1)} s after the last answer`,
    groupCommit(cost, result.accepted),
    `- CPU while it ran: ${result.cpu}`,
    ...profiled(result.profile),
  ];
}
