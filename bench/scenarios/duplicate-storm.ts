import type { Pool } from 'undici';
import type { Bench } from '../environment';
import { groupCommit, historyCost } from '../history-cost';
import { alertsInWorkflows, incidentWorkflowsOf, storm } from '../load';
import { catchUp, log, ms } from '../measure';

const stormKeys = 5;

/** Duplicate storm, through one API process and then shared by two. */
export async function duplicateStorms(bench: Bench): Promise<void> {
  bench.section('Duplicate storm', await duplicateStorm(bench, 'bench-storm', bench.pools.slice(0, 1)));
  bench.section(
    'Duplicate storm, two API processes',
    await duplicateStorm(bench, 'bench-storm-2', bench.pools),
  );
}

async function duplicateStorm(bench: Bench, service: string, apiPools: Pool[]): Promise<string[]> {
  const { stormAlerts, concurrency } = bench.settings;
  log(
    `duplicate storm (${service}): ${stormAlerts} alerts for ${stormKeys} keys, concurrency ${concurrency * 2}, ${apiPools.length} API process(es)`,
  );
  const result = await storm(bench, (i) =>
    bench.alert(service, `s${i % stormKeys}`, {}, apiPools[i % apiPools.length]),
  );
  let folded = 0;
  const caughtUp = await catchUp(
    async () => (folded = await alertsInWorkflows(bench, service, stormKeys)) >= result.accepted,
    120_000,
  );
  const { ids, runs } = await incidentWorkflowsOf(bench, service);
  const cost = await historyCost(bench.client, ids);
  return [
    `- ${stormAlerts} alerts for ${stormKeys} keys sent by ${concurrency * 2} concurrent senders${apiPools.length > 1 ? `, alternating between ${apiPools.length} API processes` : ''}: all answered in ${result.seconds.toFixed(1)} s (**${(result.accepted / result.seconds).toFixed(0)} alerts/s**), ${result.accepted} accepted, ${result.failed} failed; request → 202 p50 ${ms(result.latency.p50)}, **p99 ${ms(result.latency.p99)}**`,
    `- **${ids.length} incidents**${runs > ids.length ? ` (${runs} workflow runs: an incident continues as new as its history grows)` : ''}, ${folded} alerts folded into them (loss: ${result.accepted - folded}), all counted by the workflows ${((caughtUp ?? Number.NaN) / 1000).toFixed(1)} s after the last answer`,
    groupCommit(cost, result.accepted),
    `- CPU while it ran: ${result.cpu}`,
  ];
}
