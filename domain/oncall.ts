import type { TargetRef } from './incident';

export interface Person {
  id: string;
  name: string;
  /** Notified by email when SMTP is configured. */
  email?: string;
  /** Channels that reach this person directly (a Slack DM webhook, a pager webhook). */
  channels?: string[];
}

/** Where a URL or secret lives: the name of an environment variable, never the value itself. */
export type EnvVarName = string;

export type Channel =
  | { id: string; type: 'slack'; webhookUrlEnv: EnvVarName }
  | { id: string; type: 'webhook'; urlEnv: EnvVarName; secretEnv?: EnvVarName }
  | { id: string; type: 'email'; to: string[] };

export interface RotationLayer {
  name?: string;
  /** Person ids, in rotation order. */
  participants: string[];
  rotation: { every: number; unit: 'hour' | 'day' | 'week' };
  /** Local date (in the schedule's time zone) of the first shift: `2026-01-05`. */
  start: string;
  /** Local time of the hand-off: `09:00`. */
  handoffTime: string;
}

export interface ScheduleOverride {
  personId: string;
  /** ISO instants; the override covers [start, end). */
  start: string;
  end: string;
}

export interface OnCallSchedule {
  id: string;
  name: string;
  /** IANA time zone the layers' dates and hand-off times are in. */
  timeZone: string;
  /** Later layers take precedence over earlier ones where they have someone on call. */
  layers: RotationLayer[];
  /** Take precedence over every layer; the last matching one wins. */
  overrides?: ScheduleOverride[];
}

export interface EscalationPolicy {
  id: string;
  name: string;
  levels: Array<{ delaySeconds: number; targets: TargetRef[] }>;
  repeat?: number;
  fallback?: TargetRef[];
}

/** Everything escalation needs to know about who to reach and how. */
export interface OnCallCatalog {
  people: Person[];
  channels: Channel[];
  schedules: OnCallSchedule[];
  policies: EscalationPolicy[];
}
