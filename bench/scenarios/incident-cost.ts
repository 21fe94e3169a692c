import { incidentWorkflowId } from '../../workflows/incident/ids';
import { incidentQuery } from '../../workflows/incident/messages';
import { postmortemWorkflowId } from '../../workflows/postmortem/ids';
import { COST_LEVEL1_SECONDS } from '../catalog';
import type { Bench } from '../environment';
import { activityList, historyCost, type HistoryCost } from '../history-cost';
import { log, waitFor } from '../measure';

/** How long the paced responder takes to act after the page, and after the acknowledgement is saved. */
const RESPONDER_PAUSE_MS = 1000;

/**
 * What one incident costs the Temporal server, for the standard scenario:
 * open → level 2 → acknowledge → resolve. The responder acts a second after
 * the page and a second after the acknowledgement is saved, so the count does
 * not depend on the machine's speed. One acting at once is counted beside it:
 * a message that comes while a step is finishing shares its workflow task.
 */
export async function incidentCost(bench: Bench): Promise<void> {
  log('one incident, open → level 2 → acknowledge → resolve: counting its history');
  const paced = await standardIncident(bench, 'cost', 'paced');
  const atOnce = await standardIncident(bench, 'cost-at-once', 'at once');
  const pmCost = await historyCost(bench.client, [postmortemWorkflowId(paced.incidentId)]);
  const { cost } = paced;
  bench.section('What one incident costs Temporal', [
    `- open (triage, level-1 page) → level-2 page ${COST_LEVEL1_SECONDS} s later → acknowledge ${RESPONDER_PAUSE_MS / 1000} s after the page → resolve ${RESPONDER_PAUSE_MS / 1000} s after the acknowledgement is saved → post-mortem started: **${cost.events} history events, ${cost.workflowTasks} workflow tasks** in the incident workflow`,
    `- of which: activities ${activityList(cost)} (3 events each); ${cost.markers} markers; ${cost.timers} timers; ${cost.upserts} search-attribute and memo upserts; ${cost.signals} signal`,
    `- acknowledged as the level-2 page arrives and resolved as the acknowledgement is answered: ${atOnce.cost.events} events, ${atOnce.cost.workflowTasks} workflow tasks (an update that comes while a step's activity is finishing shares its workflow task; how often depends on timing)`,
    `- the post-mortem workflow it starts: ${pmCost.events} events, ${pmCost.workflowTasks} workflow tasks, while the draft waits for review`,
  ]);
}

async function standardIncident(
  bench: Bench,
  dedupKey: string,
  pace: 'paced' | 'at once',
): Promise<{ incidentId: string; cost: HistoryCost }> {
  const { client, models } = bench;
  const pause = () =>
    pace === 'paced' ? new Promise((resolve) => setTimeout(resolve, RESPONDER_PAUSE_MS)) : Promise.resolve();
  await bench.alert('bench-cost', dedupKey, { cost: dedupKey });
  const workflowId = incidentWorkflowId('bench-cost', dedupKey);
  const incident = await waitFor(
    `the level-2 page of the cost incident ${dedupKey}`,
    async () =>
      bench.sink
        .pagesFor('/level2', 'bench-cost')
        .some(
          (page) =>
            (page.body as { incident?: { labels?: Record<string, string> } }).incident?.labels?.cost ===
            dedupKey,
        ),
    60_000,
  ).then(() => client.workflow.getHandle(workflowId).query(incidentQuery));
  if (!incident) throw new Error(`the cost incident ${dedupKey} is not open`);
  const act = async (action: string) => {
    const res = await bench.post(`/v1/incidents/${incident.incidentId}/${action}`, { actor: 'bench' });
    if (res.status !== 200) throw new Error(`${action} refused: ${JSON.stringify(res.json)}`);
  };
  await pause();
  await act('acknowledge');
  if (pace === 'paced') {
    await waitFor(
      'the acknowledgement saved in MongoDB',
      async () =>
        (await models.Incident.findById(incident.incidentId, { status: 1 }).lean())?.status ===
        'acknowledged',
      30_000,
    );
    await pause();
  }
  await act('resolve');
  await client.workflow.getHandle(workflowId).result();
  return { incidentId: incident.incidentId, cost: await historyCost(client, [workflowId]) };
}
