// How bad it is: an alert's severity as its sender says it, and an incident's as triage sets it.

export const alertSeverities = ['critical', 'error', 'warning', 'info'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

export const incidentSeverities = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type IncidentSeverity = (typeof incidentSeverities)[number];

/** The incident severity an alert's own severity reads as, rank for rank: critical is SEV1, info SEV4. */
export function incidentSeverityOfAlert(severity: AlertSeverity): IncidentSeverity {
  return incidentSeverities[alertSeverities.indexOf(severity)]!;
}

/** The alert severity of the same rank: what a declared incident's first event says (SEV1 is critical). */
export function alertSeverityOfIncident(severity: IncidentSeverity): AlertSeverity {
  return alertSeverities[incidentSeverities.indexOf(severity)]!;
}
