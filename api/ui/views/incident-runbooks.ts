import type { TimelineEntry } from '../../../domain/incident';
import type { StepRecord } from '../../../domain/runbook';
import { html, type SafeHtml } from '../../../infra/html';
import type { IncidentPageData } from './context';
import { outcome, when } from './parts';
import { table } from './table';
import { runbookWorkflowId } from '../../../workflows/runbook/ids';

function stepsOf(runId: string, timeline: TimelineEntry[]): StepRecord[] {
  // Each step is recorded when it starts and when it ends; keep its latest record.
  const steps = new Map<string, StepRecord>();
  for (const entry of timeline) {
    if (entry.type !== 'runbook.step' || entry.data?.runId !== runId) continue;
    const step = entry.data as unknown as StepRecord;
    steps.set(`${step.name}\u0000${step.startedAt}`, step);
  }
  return [...steps.values()];
}

/** The incident page's runbook runs, each with its steps. */
export function runbooksSection(data: IncidentPageData): SafeHtml {
  const runs = data.incident.runbookRuns ?? [];
  return html`<section aria-labelledby="runbooks-heading">
    <h2 id="runbooks-heading">Runbook runs</h2>
    ${runs.length === 0 ? html`<p class="muted">No runbook has run on this incident.</p>` : ''}
    ${runs.map((run) => {
      const steps = stepsOf(run.runId, data.runbookSteps);
      const workflowId = runbookWorkflowId(run.runId);
      const link = data.workflowUrl(workflowId);
      return html`<div class="card">
        <h3>${run.runbookId} <span class="muted">${run.runId}</span> — ${outcome(run.status)}</h3>
        <dl class="facts">
          <dt>Requested by</dt>
          <dd>${run.requestedBy}</dd>
          <dt>Started</dt>
          <dd>${when(run.startedAt)}</dd>
          <dt>Ended</dt>
          <dd>${when(run.endedAt)}</dd>
          ${
            run.reason
              ? html`<dt>Reason</dt>
                  <dd>${run.reason}</dd>`
              : ''
          }
          ${
            link
              ? html`<dt>Workflow</dt>
                  <dd><a href="${link}">${workflowId} in the Temporal Web UI</a></dd>`
              : ''
          }
        </dl>
        ${
          steps.length === 0
            ? html`<p class="muted">No steps yet.</p>`
            : table(
                html`Steps of ${run.runId}`,
                [
                  { header: 'Step', rowHeader: true, cell: (s: StepRecord) => s.name },
                  { header: 'Kind', cell: (s) => s.kind },
                  { header: 'Outcome', cell: (s) => outcome(s.outcome) },
                  { header: 'Attempts', className: 'num', cell: (s) => s.attempts ?? '' },
                  { header: 'Started', cell: (s) => when(s.startedAt) },
                  { header: 'Ended', cell: (s) => when(s.endedAt) },
                  { header: 'Summary', cell: (s) => s.summary },
                ],
                steps,
              )
        }
      </div>`;
    })}
  </section>`;
}
