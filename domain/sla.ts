// An incident's SLA targets (from triage): when each passes, and how a breach reads.
import type { Incident, SlaBreach } from './incident';

export interface SlaCheck {
  kind: SlaBreach['kind'];
  targetSeconds: number;
  due: string;
}

export function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** What the SLA checks read of an incident. */
export type SlaSubject = Pick<Incident, 'status' | 'openedAt' | 'acknowledgedAt' | 'slaBreaches'> & {
  triage: Pick<Incident['triage'], 'sla'>;
};

/** The SLA targets this incident has not met or breached yet, with when each passes. */
export function pendingSlaChecks(incident: SlaSubject): SlaCheck[] {
  const sla = incident.triage.sla;
  if (!sla || incident.status === 'resolved') return [];
  const opened = Date.parse(incident.openedAt);
  const breaches = incident.slaBreaches ?? [];
  const checks: Array<Omit<SlaCheck, 'due'>> = [
    ...(incident.acknowledgedAt
      ? []
      : [{ kind: 'acknowledge' as const, targetSeconds: sla.acknowledgeWithinSeconds }]),
    { kind: 'resolve', targetSeconds: sla.resolveWithinSeconds },
  ];
  return checks
    .filter((check) => !breaches.some((b) => b.kind === check.kind))
    .map((check) => ({ ...check, due: new Date(opened + check.targetSeconds * 1000).toISOString() }));
}

/** When the next unmet target passes, if any. */
export function nextSlaDeadline(incident: SlaSubject): string | undefined {
  return pendingSlaChecks(incident)
    .map((check) => check.due)
    .sort()[0];
}

/** What a breached target was: "acknowledged within 5m". */
export function slaTargetText(check: Pick<SlaCheck, 'kind' | 'targetSeconds'>): string {
  return `${check.kind === 'acknowledge' ? 'acknowledged' : 'resolved'} within ${formatSeconds(check.targetSeconds)}`;
}
