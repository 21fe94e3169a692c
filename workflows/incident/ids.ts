// Every name an incident goes by, built and parsed here and nowhere else.

/**
 * The business key of an incident's workflow: one open incident per service
 * and dedup key. Readable in the Temporal Web UI, e.g. `incident:payments:db-down`.
 */
export function incidentWorkflowId(service: string, dedupKey: string): string {
  return `incident:${service}:${dedupKey}`;
}

/** `INC-` and 12 capital letters or digits, e.g. `INC-0123456789AB`. */
export const incidentIdBody = 'INC-[A-Z0-9]{12}';
export const incidentIdPattern = new RegExp(`^${incidentIdBody}$`);

/** A new incident id from a (workflow-deterministic) UUID. */
export function newIncidentId(uuid: string): string {
  return `INC-${uuid.replace(/-/g, '').slice(0, 12).toUpperCase()}`;
}
