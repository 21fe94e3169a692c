// Heartbeats: a job or a monitoring pipeline that must ping within its
// interval (and grace) or an incident opens. What makes one valid, what its
// missed-ping alert says, and the alert events its workflow sends.
import type { AlertEvent, AlertSeverity } from './incident';

/** Lower-case letters, digits and dashes, as it appears in its ping URL and workflow id. */
export const heartbeatNamePattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const HEARTBEAT_LIMITS = {
  minIntervalSeconds: 1,
  maxIntervalSeconds: 7 * 86_400,
  maxGraceSeconds: 86_400,
} as const;

/** What a heartbeat expects, as its workflow holds it. */
export interface HeartbeatSettings {
  name: string;
  service: string;
  intervalSeconds: number;
  graceSeconds: number;
  severity: AlertSeverity;
  paused: boolean;
}

/** `1 h`, `90 min`, `45 s`: a duration as a person reads it. */
export function describeSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** The missed-ping alert's summary: which heartbeat, its last ping, and what it expects. */
export function missedSummary(settings: HeartbeatSettings, lastPingAt: string | undefined): string {
  const last = lastPingAt ? `last ping ${lastPingAt}` : 'no ping yet';
  const grace = settings.graceSeconds > 0 ? ` (grace ${describeSeconds(settings.graceSeconds)})` : '';
  return `heartbeat ${settings.name} missed: ${last}, expected every ${describeSeconds(settings.intervalSeconds)}${grace}`;
}

/** The dedup key of a heartbeat's alert: one incident per heartbeat at a time. */
export function heartbeatDedupKey(name: string): string {
  return `heartbeat-${name}`;
}

/** The alert event a heartbeat's workflow sends its incident: a trigger when missed, a resolve when pinged again. */
export function heartbeatAlertEvent(
  settings: HeartbeatSettings,
  action: 'trigger' | 'resolve',
  at: string,
  eventId: string,
  summary: string,
): AlertEvent {
  return {
    eventId,
    integration: 'heartbeat',
    service: settings.service,
    dedupKey: heartbeatDedupKey(settings.name),
    action,
    summary,
    severity: settings.severity,
    source: `heartbeat ${settings.name}`,
    labels: { heartbeat: settings.name },
    annotations: {},
    links: [],
    occurredAt: at,
    receivedAt: at,
  };
}
