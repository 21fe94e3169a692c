import { runbookWorkflowId } from '../../workflows/runbook/ids';
import type { Bench } from '../environment';
import { log, ms, waitFor } from '../measure';
import { summary } from '../stats';

/**
 * Runbook step overhead: runs of scale-out-queue against the sink. Its incident
 * (`bench-runbook`) is also the template of the post-mortem scenario.
 */
export async function runbookStepOverhead(bench: Bench): Promise<void> {
  const { models, sink, settings } = bench;
  log(`runbook step overhead: ${settings.runbookRuns} runs of scale-out-queue`);
  await bench.alert('bench-runbook', 'rb');
  await waitFor(
    'the runbook incident',
    async () => (await models.Incident.countDocuments({ service: 'bench-runbook' })) === 1,
    30_000,
  );
  const rbIncident = await models.Incident.findOne({ service: 'bench-runbook' }).lean();
  const stepMs: number[] = [];
  for (let i = 0; i < settings.runbookRuns; i++) {
    const started = await bench.post(`/v1/incidents/${rbIncident?._id}/runbooks`, {
      runbookId: 'scale-out-queue',
      params: {
        scaleUrlEnv: 'SCALE_WEBHOOK_URL',
        queue: `q${i}`,
        settleSeconds: 0,
        backlogCheckUrl: sink.url('/backlog'),
      },
    });
    if (started.status !== 202) throw new Error(`runbook refused: ${JSON.stringify(started.json)}`);
    const runId = String(started.json.runId);
    const result = (await bench.client.workflow.getHandle(runbookWorkflowId(runId)).result()) as {
      steps: { kind: string; startedAt: string; endedAt?: string }[];
    };
    for (const step of result.steps) {
      if ((step.kind === 'action' || step.kind === 'verify') && step.endedAt)
        stepMs.push(Date.parse(step.endedAt) - Date.parse(step.startedAt));
    }
  }
  const steps = summary(stepMs);
  bench.section('Runbook step overhead', [
    `- ${steps.n} activity steps (webhook action, HTTP verification) against a local endpoint that answers at once, measured in workflow time from scheduling to the result being recorded: p50 **${ms(steps.p50)}**, p99 **${ms(steps.p99)}**`,
  ]);
}
