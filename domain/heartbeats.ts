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

/** `GET /v2/heartbeats` of Opsgenie: one of `data.heartbeats`. */
export interface OpsgenieHeartbeat {
  name: string;
  description?: string;
  interval: number;
  intervalUnit: 'minutes' | 'hours' | 'days';
  enabled: boolean;
  ownerTeam?: { id?: string; name?: string };
  alertPriority?: string;
}

/** A vendor heartbeat made ready to import: Fireline's settings (none: skipped) and every problem. */
export interface HeartbeatImport {
  sourceId: string;
  settings?: Omit<HeartbeatSettings, 'paused'> & { paused: boolean };
  problems: string[];
}

const OPSGENIE_UNIT_SECONDS = { minutes: 60, hours: 3600, days: 86_400 } as const;
const OPSGENIE_PRIORITY_SEVERITY: Record<string, AlertSeverity> = {
  P1: 'critical',
  P2: 'error',
  P3: 'warning',
  P4: 'info',
  P5: 'info',
};

/**
 * An Opsgenie heartbeat: its name made a Fireline one (lower case, dashes),
 * its interval as is (Opsgenie has no grace), disabled ones paused, its alert
 * priority as the severity, and its incidents on the service named after its
 * owner team as imported (Opsgenie routes them by team), else `heartbeats`.
 */
export function fromOpsgenieHeartbeat(
  heartbeat: OpsgenieHeartbeat,
  teamIdOf: (opsgenieTeamId: string) => string | undefined,
): HeartbeatImport {
  const problems: string[] = [];
  const name = heartbeat.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  if (!heartbeatNamePattern.test(name))
    return {
      sourceId: heartbeat.name,
      problems: ['its name has no letter or digit to make a Fireline one of'],
    };
  const intervalSeconds = heartbeat.interval * (OPSGENIE_UNIT_SECONDS[heartbeat.intervalUnit] ?? 60);
  if (intervalSeconds > HEARTBEAT_LIMITS.maxIntervalSeconds)
    return {
      sourceId: heartbeat.name,
      problems: [
        `its interval is longer than Fireline's ${describeSeconds(HEARTBEAT_LIMITS.maxIntervalSeconds)}`,
      ],
    };
  const team = heartbeat.ownerTeam?.id ? teamIdOf(heartbeat.ownerTeam.id) : undefined;
  if (heartbeat.ownerTeam?.id && !team)
    problems.push(
      `team ${heartbeat.ownerTeam.name ?? heartbeat.ownerTeam.id} was not imported: its incidents open on service heartbeats`,
    );
  const severity = OPSGENIE_PRIORITY_SEVERITY[heartbeat.alertPriority ?? 'P3'] ?? 'warning';
  if (!heartbeat.enabled) problems.push('disabled in Opsgenie: imported paused');
  return {
    sourceId: heartbeat.name,
    settings: {
      name,
      service: team ?? 'heartbeats',
      intervalSeconds,
      graceSeconds: 0,
      severity,
      paused: !heartbeat.enabled,
    },
    problems,
  };
}
