import type { IncidentSeverity } from './severity';
import type { MaintenanceHold } from './maintenance-hold';

export { type MaintenanceHold, holdApplies, pagingHold } from './maintenance-hold';
import { localDateAndTime, zonedTimeToInstant } from './oncall-schedule';

/**
 * A maintenance window: planned work on some services (or every service of a
 * team) during which their alerts are accepted and recorded but page nobody.
 * An incident still triggered when the window ends pages then.
 */
export interface MaintenanceWindow {
  /** `mw-` and 12 hex digits (maintenanceWindowId). */
  id: string;
  /** The services it covers; empty when it covers a team. */
  services: string[];
  /** Every incident triage gives this team is covered. */
  team?: string;
  /** The first (or only) occurrence, ISO-8601. */
  startsAt: string;
  endsAt: string;
  reason: string;
  /** `user:<person id>` of who made it. */
  createdBy: string;
  createdAt: string;
  /** SEV1 incidents are held only when the window says so. */
  silenceSev1: boolean;
  /** Repeats every week at the same wall-clock time in `timeZone`, until `until` if given. */
  weekly?: { timeZone: string; until?: string };
}

/** What a window is matched against: an incident's service, team and severity. */
export interface MaintenanceScope {
  service: string;
  team: string;
  severity: IncidentSeverity;
}

export interface Occurrence {
  startsAt: string;
  endsAt: string;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
/** A weekly window longer than this would overlap its next occurrence. */
export const MAX_WEEKLY_DURATION_MS = WEEK_MS - 60_000;

export function maintenanceWindowId(random: Uint8Array): string {
  return `mw-${Array.from(random.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export const maintenanceWindowIdPattern = /^mw-[0-9a-f]{12}$/;

/** The start of occurrence `k` (0 is the first): the same wall-clock time `k` weeks on, DST included. */
function occurrenceStart(window: MaintenanceWindow, k: number): number {
  const first = new Date(window.startsAt);
  if (k === 0 || !window.weekly) return first.getTime() + k * WEEK_MS;
  const { date, time } = localDateAndTime(first, window.weekly.timeZone);
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 7 * k);
  const subMinute = first.getTime() % 60_000;
  return (
    zonedTimeToInstant(day.toISOString().slice(0, 10), time, window.weekly.timeZone).getTime() + subMinute
  );
}

function occurrence(window: MaintenanceWindow, k: number): Occurrence | undefined {
  const length = Date.parse(window.endsAt) - Date.parse(window.startsAt);
  const start = occurrenceStart(window, k);
  if (k > 0 && window.weekly?.until !== undefined && start >= Date.parse(window.weekly.until))
    return undefined;
  return { startsAt: new Date(start).toISOString(), endsAt: new Date(start + length).toISOString() };
}

/** The occurrence under way at `at`, if any. */
export function occurrenceAt(window: MaintenanceWindow, at: Date): Occurrence | undefined {
  return occurrenceFrom(window, at, false);
}

/** The occurrence under way at `at`, else the next one to start; undefined when none is left. */
export function currentOrNextOccurrence(window: MaintenanceWindow, at: Date): Occurrence | undefined {
  return occurrenceFrom(window, at, true);
}

function occurrenceFrom(window: MaintenanceWindow, at: Date, orNext: boolean): Occurrence | undefined {
  const t = at.getTime();
  const inside = (o: Occurrence) => Date.parse(o.startsAt) <= t && t < Date.parse(o.endsAt);
  if (!window.weekly) {
    const only = occurrence(window, 0)!;
    return inside(only) || (orNext && t < Date.parse(only.startsAt)) ? only : undefined;
  }
  // Weeks are 7 × 24 h give or take a DST hour: look one either side of the estimate.
  const estimate = Math.floor((t - Date.parse(window.startsAt)) / WEEK_MS);
  for (let k = Math.max(0, estimate - 1); k <= Math.max(0, estimate + 2); k++) {
    const o = occurrence(window, k);
    if (!o) return undefined;
    if (inside(o)) return o;
    if (orNext && t < Date.parse(o.startsAt)) return o;
  }
  return undefined;
}

/** Whether the window names this incident's service or team. */
export function windowCoversScope(
  window: MaintenanceWindow,
  scope: Pick<MaintenanceScope, 'service' | 'team'>,
): boolean {
  return window.services.includes(scope.service) || (window.team !== undefined && window.team === scope.team);
}

/**
 * The hold for an incident of `scope` opened at `at`: of the windows under
 * way that cover it, the one that ends last (so paging waits for all of
 * them). SEV1 is held only by a window that says so.
 */
export function maintenanceHoldFor(
  windows: readonly MaintenanceWindow[],
  scope: MaintenanceScope,
  at: Date,
): MaintenanceHold | undefined {
  let hold: MaintenanceHold | undefined;
  for (const window of windows) {
    if (!windowCoversScope(window, scope)) continue;
    if (scope.severity === 'SEV1' && !window.silenceSev1) continue;
    const current = occurrenceAt(window, at);
    if (!current || (hold && hold.until >= current.endsAt)) continue;
    hold = {
      windowId: window.id,
      reason: window.reason,
      createdBy: window.createdBy,
      until: current.endsAt,
      silenceSev1: window.silenceSev1,
    };
  }
  return hold;
}

/** What a window covers, for a timeline entry or a list: `checkout, payments` or `team platform`. */
export function coveredText(window: Pick<MaintenanceWindow, 'services' | 'team'>): string {
  return window.team !== undefined ? `team ${window.team}` : window.services.join(', ');
}

/** Windows not over by `at` (a weekly one with an occurrence left): what a reader of the model keeps. */
export function windowsNotOver(windows: readonly MaintenanceWindow[], at: Date): MaintenanceWindow[] {
  return windows.filter((w) => currentOrNextOccurrence(w, at) !== undefined);
}
