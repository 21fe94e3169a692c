import type { TargetRef } from './incident';
import type { PersonRight } from './rights';

export interface Person {
  id: string;
  name: string;
  /** Notified by email when SMTP is configured. */
  email?: string;
  /** Channels that reach this person directly (a Slack DM webhook, a pager webhook). */
  channels?: string[];
  /** Their Slack member id (`U…`): who presses a button in Slack or types `/incident`. */
  slackUserId?: string;
  /** IANA time zone they live in: what "at night" means for their pages. */
  timeZone?: string;
  /**
   * What they may do, on which incidents (domain/rights.ts); none = an
   * observer, who reads only. Every way they act (an API key linked to them,
   * the web UI, Slack) is held to these.
   */
  rights?: PersonRight[];
}

/** A team's member and their role in it: a manager is told about the team's incidents too. */
export interface TeamMember {
  personId: string;
  role: 'member' | 'manager';
}

/**
 * A team: the people an escalation policy's `team` target pages (every
 * member), and the team a triage rule and a person's rights name.
 */
export interface Team {
  id: string;
  name: string;
  members: TeamMember[];
}

/**
 * A service: what alerts name (`service`), its owning team, and the
 * escalation policy its alerts page with when no triage rule matches them.
 * How senders reach it (integrations and their keys) is kept beside it.
 */
export interface Service {
  id: string;
  name: string;
  description?: string;
  team?: string;
  escalationPolicy?: string;
}

/** Where a URL or secret lives: the name of an environment variable, never the value itself. */
export type EnvVarName = string;

/**
 * A Slack channel is reached through the Slack app (`slackChannelId`, with
 * SLACK_BOT_TOKEN set: one message per incident, updated in place, with
 * buttons) or an incoming webhook (`webhookUrlEnv`: a message per page); with
 * both, the app is used whenever the token is set.
 */
export type Channel =
  | { id: string; type: 'slack'; webhookUrlEnv?: EnvVarName; slackChannelId?: string }
  | { id: string; type: 'teams'; webhookUrlEnv: EnvVarName }
  | { id: string; type: 'webhook'; urlEnv: EnvVarName; secretEnv?: EnvVarName }
  | { id: string; type: 'email'; to: string[] };

/** The days of the week, Monday first, as restrictions name them. */
export const weekdays = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof weekdays)[number];

/**
 * A window of local time (the schedule's time zone) in which a layer has
 * someone on call: every day between two times, or each week from a day and
 * time to a day and time, as Opsgenie's "time of day" and "weekday and time of
 * day" restrictions and PagerDuty's daily and weekly ones. A window whose end
 * is not after its start wraps: 22:00–06:00 runs overnight, friday 18:00 to
 * monday 09:00 over the weekend; an end equal to the start is the whole day or week.
 */
export type LayerRestriction =
  | { type: 'time-of-day'; start: string; end: string }
  | { type: 'weekday-and-time'; startDay: Weekday; start: string; endDay: Weekday; end: string };

export interface RotationLayer {
  name?: string;
  /** Person ids, in rotation order. */
  participants: string[];
  rotation: { every: number; unit: 'hour' | 'day' | 'week' };
  /** Local date (in the schedule's time zone) of the first shift: `2026-01-05`. */
  start: string;
  /** Local time of the hand-off: `09:00`. */
  handoffTime: string;
  /**
   * When the layer has someone on call (any of these windows); none: always. The rotation
   * still hands over on its own clock: a restriction hides the turn outside its windows.
   */
  restrictions?: LayerRestriction[];
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
  /**
   * `roundRobin`: the level pages one of the people its targets reach, the
   * next one for each incident (PagerDuty's round-robin scheduling), rather
   * than all of them; its channels are notified as ever.
   */
  levels: Array<{ delaySeconds: number; targets: TargetRef[]; roundRobin?: boolean }>;
  repeat?: number;
  fallback?: TargetRef[];
}

/**
 * How a major incident's response is run for a team or an escalation policy:
 * a fixed conference bridge (Zoom, Meet, Teams), or one a webhook of the
 * team's creates (POSTed the incident, it answers `{ "url": "https://…" }`).
 */
export interface MajorResponseSettings {
  /** Matches incidents of this escalation policy (checked before `team`). */
  policy?: string;
  /** Matches incidents of this team. */
  team?: string;
  bridgeUrl?: string;
  bridgeWebhook?: { urlEnv: EnvVarName; secretEnv?: EnvVarName };
}

/** Everything escalation needs to know about who to reach and how. */
export interface OnCallCatalog {
  people: Person[];
  channels: Channel[];
  schedules: OnCallSchedule[];
  policies: EscalationPolicy[];
  /** Teams; the catalog file may leave them out, and make them at run time instead. */
  teams?: Team[];
  /** Services, made at run time (the catalog file may name some too). */
  services?: Service[];
  /** Major incidents' bridges, by policy or team; the first match wins. */
  responses?: MajorResponseSettings[];
}

/** The response settings for an incident's policy, else its team. */
/** The catalog's channels of one type, typed as that type's channel. */
export function channelsOfType<T extends Channel['type']>(
  catalog: Pick<OnCallCatalog, 'channels'>,
  type: T,
): Extract<Channel, { type: T }>[] {
  return catalog.channels.filter((c): c is Extract<Channel, { type: T }> => c.type === type);
}

export function majorResponseSettings(
  catalog: Pick<OnCallCatalog, 'responses'>,
  team: string,
  policyId: string,
): MajorResponseSettings | undefined {
  const responses = catalog.responses ?? [];
  return responses.find((r) => r.policy === policyId) ?? responses.find((r) => r.team === team && !r.policy);
}

export function teamById(catalog: Pick<OnCallCatalog, 'teams'>, id: string): Team | undefined {
  return catalog.teams?.find((t) => t.id === id);
}

/** The person a `user:<id>` actor names, if the catalog has them. */
export function personOfActor(catalog: Pick<OnCallCatalog, 'people'>, actor: string): Person | undefined {
  return actor.startsWith('user:') ? catalog.people.find((p) => `user:${p.id}` === actor) : undefined;
}

/** How an actor is shown to people: a catalog person's name, else the actor itself. */
export function actorName(catalog: Pick<OnCallCatalog, 'people'>, actor: string): string {
  return personOfActor(catalog, actor)?.name ?? actor;
}
