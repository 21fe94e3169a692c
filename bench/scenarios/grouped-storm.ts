import { groupedIncidentWorkflowId } from '../../workflows/incident/ids';
import { incidentQuery } from '../../workflows/incident/messages';
import type { Bench } from '../environment';
import { groupCommit, historyCost } from '../history-cost';
import { incidentWorkflowsOf, storm } from '../load';
import { profiled } from '../profile';
import { catchUp, log, ms } from '../measure';

const groupedKeys = 500;
const groupedIncidents = 5;

/** Grouped storm: many dedup keys, one grouping rule (bench/catalog.ts) folding them into a few incidents. */
export async function groupedStorm(bench: Bench): Promise<void> {
  const { stormAlerts, concurrency } = bench.settings;
  log(
    `grouped storm: ${stormAlerts} alerts under ${groupedKeys} dedup keys, grouped into ${groupedIncidents} incidents, concurrency ${concurrency * 2}`,
  );
  const { accepted, failed, seconds, latency, cpu, profile } = await storm(bench, (i) => {
    const key = i % groupedKeys;
    return bench.alert('bench-grouped', `g${key}`, { storm: `s${key % groupedIncidents}` });
  });
  const groupedState = async () => {
    let alerts = 0;
    let listed = 0;
    for (let k = 0; k < groupedIncidents; k++) {
      const state = await bench.client.workflow
        .getHandle(groupedIncidentWorkflowId('bench-storm-label', ['bench-grouped', `s${k}`]))
        .query(incidentQuery);
      alerts += state?.alertCount ?? 0;
      listed += state?.alerts?.length ?? 0;
    }
    return { alerts, listed };
  };
  let grouped = { alerts: 0, listed: 0 };
  const caughtUp = await catchUp(async () => (grouped = await groupedState()).alerts >= accepted, 120_000);
  const { ids } = await incidentWorkflowsOf(bench, 'bench-grouped');
  const cost = await historyCost(bench.client, ids);
  bench.section('Grouped storm', [
    `- ${stormAlerts} alerts under ${groupedKeys} dedup keys, one grouping rule (by a label with ${groupedIncidents} values), ${concurrency * 2} concurrent senders: all answered in ${seconds.toFixed(1)} s (**${(accepted / seconds).toFixed(0)} alerts/s**), ${accepted} accepted, ${failed} failed; request → 202 p50 ${ms(latency.p50)}, p99 ${ms(latency.p99)}`,
    `- **${ids.length} incidents** (target ${groupedIncidents}), ${grouped.alerts} alerts counted by them (loss: ${accepted - grouped.alerts}), listing ${grouped.listed} distinct alerts (dedup keys: ${groupedKeys}), ${((caughtUp ?? Number.NaN) / 1000).toFixed(1)} s after the last answer`,
    groupCommit(cost, accepted),
    `- CPU while it ran: ${cpu}`,
    ...profiled(profile),
  ]);
}
