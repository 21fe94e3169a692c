import type { IncidentSeverity } from './severity';

// What an incident keeps of the maintenance window that holds its paging (domain/maintenance.ts).

/** What a held incident keeps of the window that holds it. */
export interface MaintenanceHold {
  windowId: string;
  reason: string;
  createdBy: string;
  /** The end of the occurrence that holds the incident. */
  until: string;
  silenceSev1: boolean;
}

/** Whether a hold still holds an incident of this severity (a SEV1 only if the window says so). */
export function holdApplies(hold: MaintenanceHold | undefined, severity: IncidentSeverity): boolean {
  return hold !== undefined && (severity !== 'SEV1' || hold.silenceSev1);
}

/** The hold an incident's paging waits on now, if any. */
export function pagingHold(incident: {
  maintenance?: MaintenanceHold & { holding: boolean };
  severity: IncidentSeverity;
}): MaintenanceHold | undefined {
  const m = incident.maintenance;
  return m?.holding && holdApplies(m, incident.severity) ? m : undefined;
}
