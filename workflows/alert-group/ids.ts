// Every name a time-based alert group goes by, built and parsed here and nowhere else.
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

const groupKey = (ruleId: string, values: string[]) =>
  bytesToHex(sha256(utf8ToBytes(JSON.stringify([ruleId, values])))).slice(0, 40);

/**
 * The workflow that routes a time-based group's alerts:
 * `alert-group:<160 bits of the SHA-256 of the rule id and values>`. The same
 * rule and values give the same id in every API process, and signal-with-start
 * on it is atomic, so one group has one router, which alone decides which
 * incident an alert joins.
 */
export function alertGroupWorkflowId(ruleId: string, values: string[]): string {
  return `alert-group:${groupKey(ruleId, values)}`;
}

/** One incident of a time-based group: `incident-window:<the group's key, as its router's>:<8 hex of a UUID>`. */
export function windowIncidentWorkflowId(ruleId: string, values: string[], uuid: string): string {
  return `incident-window:${groupKey(ruleId, values)}:${uuid.replace(/-/g, '').slice(0, 8)}`;
}
