/**
 * The business key of an incident's workflow: one open incident per service
 * and dedup key. Readable in the Temporal Web UI, e.g. `incident:payments:db-down`.
 */
export function incidentWorkflowId(service: string, dedupKey: string): string {
  return `incident:${service}:${dedupKey}`;
}
