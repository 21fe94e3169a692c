// The public status page: what readers are told about each component (a group of services), worked
// out from the services' incidents, and the public incidents responders write for them. Nothing
// here reads an incident's text: a component's state and uptime come from severities and times only.
import type { IncidentSeverity } from './severity';

/** A component's state, best first. */
export const componentStates = ['operational', 'degraded', 'partial_outage', 'major_outage'] as const;
export type ComponentState = (typeof componentStates)[number];

/** What a public update says of its incident, in the order an incident usually goes through them. */
export const publicUpdateStatuses = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type PublicUpdateStatus = (typeof publicUpdateStatuses)[number];

/** Lower-case letters, digits and dashes: a component's id, as it appears in URLs. */
export const componentIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** How many days of history the page shows. */
export const HISTORY_DAYS = 90;

/** How long a resolved public incident stays on the page. */
export const RECENT_RESOLVED_DAYS = 7;

/**
 * The states that count as downtime in the uptime figures: a partial or major
 * outage (a SEV1 or SEV2 incident open). A degraded component still serves.
 */
export const downtimeStates: readonly ComponentState[] = ['partial_outage', 'major_outage'];

export const componentStateText: Record<ComponentState, string> = {
  operational: 'Operational',
  degraded: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

export const publicUpdateStatusText: Record<PublicUpdateStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

/** The state an open incident of this severity puts its services' components in. */
export function stateOfSeverity(severity: IncidentSeverity): ComponentState {
  switch (severity) {
    case 'SEV1':
      return 'major_outage';
    case 'SEV2':
      return 'partial_outage';
    case 'SEV3':
    case 'SEV4':
      return 'degraded';
  }
}

/** The worst of some states; operational when there are none. */
export function worstState(states: Iterable<ComponentState>): ComponentState {
  let worst = 0;
  for (const state of states) worst = Math.max(worst, componentStates.indexOf(state));
  return componentStates[worst]!;
}

/** An incident as far as the status page goes: its service, severity and times (ms since the epoch). */
export interface IncidentInterval {
  service: string;
  severity: IncidentSeverity;
  openedAt: number;
  /** Undefined while it is open. */
  resolvedAt?: number;
}

/** A component as configured: the services it stands for and, while a responder set one, an override. */
export interface ComponentSettings {
  id: string;
  name: string;
  services: readonly string[];
  override?: ComponentState;
}

export interface ComponentStatus {
  state: ComponentState;
  /** The state the open incidents give, whatever the override says. */
  derived: ComponentState;
  overridden: boolean;
}

/** A component's state now: its override while it has one, else the worst its services' open incidents give. */
export function componentStatus(
  component: Pick<ComponentSettings, 'services' | 'override'>,
  incidents: readonly IncidentInterval[],
): ComponentStatus {
  const services = new Set(component.services);
  const derived = worstState(
    incidents
      .filter((i) => i.resolvedAt === undefined && services.has(i.service))
      .map((i) => stateOfSeverity(i.severity)),
  );
  return component.override === undefined
    ? { state: derived, derived, overridden: false }
    : { state: component.override, derived, overridden: true };
}

/** One day (UTC) of a component's history. */
export interface DayUptime {
  /** YYYY-MM-DD, UTC. */
  date: string;
  /** Share of the day (of its elapsed part, today) not in downtime, 0 to 1. */
  uptime: number;
  downSeconds: number;
  /** The worst state any incident of the component's services gave during the day. */
  worst: ComponentState;
}

const DAY_MS = 86_400_000;

/** Total length of the union of intervals, each clipped to [from, to). */
function coveredMs(intervals: ReadonlyArray<readonly [number, number]>, from: number, to: number): number {
  const clipped = intervals
    .map(([start, end]) => [Math.max(start, from), Math.min(end, to)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let reach = from;
  for (const [start, end] of clipped) {
    if (end <= reach) continue;
    total += end - Math.max(start, reach);
    reach = end;
  }
  return total;
}

/**
 * The last `days` days (UTC, today last) of a component: each day's uptime
 * from its services' incidents. Downtime is the time (counted once when
 * incidents overlap) some SEV1 or SEV2 incident was open; today counts up to `now`.
 */
export function dailyUptime(
  services: readonly string[],
  incidents: readonly IncidentInterval[],
  now: number,
  days: number = HISTORY_DAYS,
): DayUptime[] {
  const mine = incidents.filter((i) => services.includes(i.service));
  const span = (i: IncidentInterval) => [i.openedAt, i.resolvedAt ?? now] as const;
  const down = mine.filter((i) => downtimeStates.includes(stateOfSeverity(i.severity))).map(span);
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const result: DayUptime[] = [];
  for (let d = days - 1; d >= 0; d--) {
    const start = today - d * DAY_MS;
    const end = Math.min(start + DAY_MS, now);
    const length = end - start;
    const downMs = coveredMs(down, start, end);
    const worst = worstState(
      mine
        .filter((i) => {
          const [from, to] = span(i);
          return from < end && to > start;
        })
        .map((i) => stateOfSeverity(i.severity)),
    );
    result.push({
      date: new Date(start).toISOString().slice(0, 10),
      uptime: length > 0 ? 1 - downMs / length : 1,
      // Any downtime is at least a second: a day with some is never shown as none.
      downSeconds: Math.ceil(downMs / 1000),
      worst,
    });
  }
  return result;
}

/** Uptime over the whole history, weighing each day by its length (today's elapsed part). */
export function overallUptime(days: readonly DayUptime[], now: number): number {
  if (days.length === 0) return 1;
  const todayLength = now - Math.floor(now / DAY_MS) * DAY_MS;
  const total = (days.length - 1) * DAY_MS + todayLength;
  const down = days.reduce((sum, day) => sum + day.downSeconds * 1000, 0);
  return total > 0 ? 1 - down / total : 1;
}

/** `99.95%`: an uptime as the page shows it, never rounded up to 100% when there was downtime. */
export function uptimePercent(uptime: number): string {
  const floored = Math.floor(uptime * 10_000) / 100;
  return `${floored.toFixed(2)}%`;
}

/** What the page's banner says: the worst component's state, in a sentence. */
export function overallBanner(states: readonly ComponentState[]): { state: ComponentState; text: string } {
  const state = worstState(states);
  const text: Record<ComponentState, string> = {
    operational: 'All systems operational',
    degraded: 'Some systems degraded',
    partial_outage: 'Partial outage',
    major_outage: 'Major outage',
  };
  return { state, text: text[state] };
}

/** A public update: what readers are told, separate from the incident's internal timeline. */
export interface PublicUpdate {
  status: PublicUpdateStatus;
  body: string;
  /** ISO time. */
  at: string;
  /** The person who posted it (a catalog person id). */
  author: string;
}

/** A public incident's status: its latest update's. */
export function publicIncidentStatus(updates: readonly PublicUpdate[]): PublicUpdateStatus {
  return updates.at(-1)?.status ?? 'investigating';
}

/**
 * Undefined when another update may follow; otherwise why not. A resolved
 * public incident takes no more updates: a recurrence is a new one.
 */
export function updateRefusal(updates: readonly PublicUpdate[]): string | undefined {
  return publicIncidentStatus(updates) === 'resolved'
    ? 'the public incident is resolved: open a new one for a recurrence'
    : undefined;
}

/** A public incident as stored, as far as the page goes. */
export interface PublicIncidentRecord {
  id: string;
  title: string;
  components: readonly string[];
  updates: readonly PublicUpdate[];
  createdAt: string;
  resolvedAt?: string;
}

/**
 * A maintenance window's occurrence as the page may show it: when, and which
 * services. Never its reason or author, which are written for responders.
 */
export interface ScheduledMaintenance {
  services: readonly string[];
  startsAt: string;
  endsAt: string;
}

/**
 * What the public page shows, and all it can show: built only from
 * components, severities and times of incidents, and public incidents' own
 * titles and updates (without who wrote them).
 */
export interface StatusSnapshot {
  generatedAt: string;
  status: { state: ComponentState; text: string };
  components: Array<{
    id: string;
    name: string;
    description?: string;
    state: ComponentState;
    stateText: string;
    uptime: string;
    days: Array<{ date: string; uptime: number; downSeconds: number; worst: ComponentState }>;
  }>;
  /** Unresolved first, then resolved; newest first within each. */
  incidents: Array<{
    id: string;
    title: string;
    status: PublicUpdateStatus;
    statusText: string;
    components: Array<{ id: string; name: string }>;
    createdAt: string;
    resolvedAt?: string;
    updates: Array<{ status: PublicUpdateStatus; statusText: string; body: string; at: string }>;
  }>;
  /** Maintenance under way or planned on the components' services, the soonest first. */
  maintenance: Array<{
    title: string;
    components: Array<{ id: string; name: string }>;
    startsAt: string;
    endsAt: string;
    active: boolean;
  }>;
}

/** The components a maintenance occurrence touches, titled after them; none when it touches none. */
function scheduledMaintenance(
  components: ReadonlyArray<{ id: string; name: string; services: readonly string[] }>,
  maintenance: readonly ScheduledMaintenance[],
  now: number,
): StatusSnapshot['maintenance'] {
  return maintenance
    .flatMap((m) => {
      const touched = components
        .filter((c) => c.services.some((s) => m.services.includes(s)))
        .map((c) => ({ id: c.id, name: c.name }));
      if (touched.length === 0) return [];
      return [
        {
          title: `Scheduled maintenance: ${touched.map((c) => c.name).join(', ')}`,
          components: touched,
          startsAt: m.startsAt,
          endsAt: m.endsAt,
          active: Date.parse(m.startsAt) <= now && now < Date.parse(m.endsAt),
        },
      ];
    })
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/** The page as of `now`: each component's state and history, and the public incidents with their updates. */
export function statusSnapshot(
  components: ReadonlyArray<ComponentSettings & { description?: string }>,
  incidents: readonly IncidentInterval[],
  publicIncidents: readonly PublicIncidentRecord[],
  now: number,
  maintenance: readonly ScheduledMaintenance[] = [],
): StatusSnapshot {
  const shown = components.map((component) => {
    const { state } = componentStatus(component, incidents);
    const days = dailyUptime(component.services, incidents, now);
    return {
      id: component.id,
      name: component.name,
      ...(component.description ? { description: component.description } : {}),
      state,
      stateText: componentStateText[state],
      uptime: uptimePercent(overallUptime(days, now)),
      days,
    };
  });
  const names = new Map(components.map((c) => [c.id, c.name]));
  const resolvedLast = (i: PublicIncidentRecord) => (publicIncidentStatus(i.updates) === 'resolved' ? 1 : 0);
  const ordered = [...publicIncidents].sort(
    (a, b) => resolvedLast(a) - resolvedLast(b) || b.createdAt.localeCompare(a.createdAt),
  );
  return {
    generatedAt: new Date(now).toISOString(),
    status: overallBanner(shown.map((c) => c.state)),
    components: shown,
    maintenance: scheduledMaintenance(components, maintenance, now),
    incidents: ordered.map((incident) => {
      const status = publicIncidentStatus(incident.updates);
      return {
        id: incident.id,
        title: incident.title,
        status,
        statusText: publicUpdateStatusText[status],
        components: incident.components.flatMap((id) => {
          const name = names.get(id);
          return name === undefined ? [] : [{ id, name }];
        }),
        createdAt: incident.createdAt,
        ...(incident.resolvedAt ? { resolvedAt: incident.resolvedAt } : {}),
        // Newest first, as readers look for the latest; without the author, an internal name.
        updates: [...incident.updates].reverse().map((u) => ({
          status: u.status,
          statusText: publicUpdateStatusText[u.status],
          body: u.body,
          at: u.at,
        })),
      };
    }),
  };
}
