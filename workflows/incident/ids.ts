// Every name an incident goes by, built and parsed here and nowhere else.
// A pure-JS hash: this module is also part of the workflow bundle, where node:crypto is not.
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { AlertEvent } from '../../domain/incident';
import { alertGroupWorkflowId } from '../alert-group/ids';

/** A part kept as it is: no `:` (the separator) and no `~` (the mark of a hashed part). */
const plainPart = /^[A-Za-z0-9._\-/@=+]+$/;

function idPart(value: string, maxLength: number): string {
  if (value.length <= maxLength && plainPart.test(value)) return value;
  return `~${bytesToHex(sha256(utf8ToBytes(value))).slice(0, 40)}`;
}

/**
 * The business key of an incident's workflow: one open incident per service
 * and dedup key. Readable in the Temporal Web UI, e.g. `incident:payments:db-down`.
 * Injective and at most 240 characters (Temporal allows 255): a part with a
 * `:` or `~`, or too long, is replaced by `~` and 160 bits of its SHA-256,
 * which no plain part can spell.
 */
export function incidentWorkflowId(service: string, dedupKey: string): string {
  return `incident:${idPart(service, 100)}:${idPart(dedupKey, 128)}`;
}

/**
 * The workflow of the incident a grouping rule folds alerts into:
 * `incident-group:<rule id>:<160 bits of the SHA-256 of the grouped values>`.
 * Its prefix is not `incident:`, so it never spells a dedup-key incident's id,
 * and the same rule and values always give the same id, whichever API process
 * computes it: signal-with-start on that id is what keeps one group one incident.
 */
export function groupedIncidentWorkflowId(ruleId: string, values: string[]): string {
  return `incident-group:${idPart(ruleId, 100)}:${bytesToHex(sha256(utf8ToBytes(JSON.stringify(values)))).slice(0, 40)}`;
}

/**
 * The workflow an alert event goes to: a time-based group's router, a
 * content group's incident, else the incident of its service and dedup key.
 */
export function workflowIdOfAlert(event: Pick<AlertEvent, 'service' | 'dedupKey' | 'grouping'>): string {
  const grouping = event.grouping;
  if (!grouping) return incidentWorkflowId(event.service, event.dedupKey);
  return grouping.windowSeconds !== undefined
    ? alertGroupWorkflowId(grouping.ruleId, grouping.values)
    : groupedIncidentWorkflowId(grouping.ruleId, grouping.values);
}

/** `INC-` and 12 capital letters or digits, e.g. `INC-0123456789AB`. */
export const incidentIdBody = 'INC-[A-Z0-9]{12}';
export const incidentIdPattern = new RegExp(`^${incidentIdBody}$`);

/** A new incident id from a (workflow-deterministic) UUID. */
export function newIncidentId(uuid: string): string {
  return `INC-${uuid.replace(/-/g, '').slice(0, 12).toUpperCase()}`;
}
