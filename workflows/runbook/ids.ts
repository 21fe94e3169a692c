// Every name a runbook run goes by, built and parsed here and nowhere else.
import { incidentIdBody } from '../incident/ids';

/** The n-th runbook run of an incident: `INC-0123456789AB.rb1`. */
export function runbookRunId(incidentId: string, n: number): string {
  return `${incidentId}.rb${n}`;
}
export const runbookRunIdPattern = new RegExp(`^${incidentIdBody}\\.rb\\d{1,4}$`);

/** A drill's run id: it belongs to no incident. */
export function drillRunId(uuid: string): string {
  return `DRILL-${uuid.slice(0, 8).toUpperCase()}`;
}

/** The run's workflow id in the Temporal Web UI: `runbook:INC-0123456789AB.rb1`. */
export function runbookWorkflowId(runId: string): string {
  return `runbook:${runId}`;
}

/** A drill's workflow id: `drill:restart-service:DRILL-1A2B3C4D`. */
export function drillWorkflowId(runbookId: string, runId: string): string {
  return `drill:${runbookId}:${runId}`;
}

/** The n-th approval a run asked for: `INC-0123456789AB.rb1.a1`. */
export function approvalId(runId: string, n: number): string {
  return `${runId}.a${n}`;
}
export const approvalIdPattern = new RegExp(`^${incidentIdBody}\\.rb\\d{1,4}\\.a\\d{1,4}$`);
