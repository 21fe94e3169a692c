import type { IncidentSeverity, SlaTarget } from '../domain/incident';

/**
 * Response targets per severity: edit for your organisation. A breach is
 * recorded on the incident's timeline the moment it happens, and notified.
 */
export const slaTargets: Record<IncidentSeverity, SlaTarget> = {
  SEV1: { acknowledgeWithinSeconds: 5 * 60, resolveWithinSeconds: 4 * 3600 },
  SEV2: { acknowledgeWithinSeconds: 15 * 60, resolveWithinSeconds: 8 * 3600 },
  SEV3: { acknowledgeWithinSeconds: 60 * 60, resolveWithinSeconds: 3 * 24 * 3600 },
  SEV4: { acknowledgeWithinSeconds: 4 * 3600, resolveWithinSeconds: 7 * 24 * 3600 },
};
