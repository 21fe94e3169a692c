import { incidentWorkflowId } from '../../workflows/incident/ids';
import { incidentQuery } from '../../workflows/incident/messages';
import { postmortemWorkflowId } from '../../workflows/postmortem/ids';
import { COST_LEVEL1_SECONDS } from '../catalog';
import type { Bench } from '../environment';
import { activityList, historyCost } from '../history-cost';
import { log, waitFor } from '../measure';

/** What one incident costs the Temporal server, for the standard scenario: open → level 2 → acknowledge → resolve. */
export async function incidentCost(bench: Bench): Promise<void> {
  const { client } = bench;
  log('one incident, open → level 2 → acknowledge → resolve: counting its history');
  await bench.alert('bench-cost', 'cost');
  const costWorkflowId = incidentWorkflowId('bench-cost', 'cost');
  const costIncident = await waitFor(
    'the level-2 page of the cost incident',
    async () => bench.sink.pagesFor('/level2', 'bench-cost').length > 0,
    60_000,
  ).then(() => client.workflow.getHandle(costWorkflowId).query(incidentQuery));
  if (!costIncident) throw new Error('the cost incident is not open');
  for (const action of ['acknowledge', 'resolve']) {
    const res = await bench.post(`/v1/incidents/${costIncident.incidentId}/${action}`, { actor: 'bench' });
    if (res.status !== 200) throw new Error(`${action} refused: ${JSON.stringify(res.json)}`);
  }
  await client.workflow.getHandle(costWorkflowId).result();
  const cost = await historyCost(client, [costWorkflowId]);
  const pmCost = await historyCost(client, [postmortemWorkflowId(costIncident.incidentId)]);
  bench.section('What one incident costs Temporal', [
    `- open (triage, level-1 page) → level-2 page ${COST_LEVEL1_SECONDS} s later → acknowledge → resolve → post-mortem started: **${cost.events} history events, ${cost.workflowTasks} workflow tasks** in the incident workflow`,
    `- of which: activities ${activityList(cost)} (3 events each); ${cost.markers} markers; ${cost.timers} timers; ${cost.upserts} search-attribute and memo upserts; ${cost.signals} signal`,
    `- the post-mortem workflow it starts: ${pmCost.events} events, ${pmCost.workflowTasks} workflow tasks, while the draft waits for review`,
  ]);
}
