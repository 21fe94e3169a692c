// Insights: a period's incidents turned into the figures a team lead reads as charts (pure).
import type { IncidentSeverity, SlaTarget } from './incident';
import { incidentSeverities } from './severity';

/** What insights keep of an incident: a few fields, so a long period costs little memory. */
export interface InsightIncident {
  service: string;
  dedupKey: string;
  title: string;
  severity: IncidentSeverity;
  alertCount: number;
  openedAt: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
  /** The incident's own targets, as triage set them (absent on incidents triaged before SLAs existed). */
  sla?: SlaTarget;
  /** Each escalation step's time and the people it reached. */
  pages: Array<{ at: string; people: string[] }>;
}

/** Whom a page reached: their name, and the IANA zone their nights are in (UTC without one). */
export interface InsightPerson {
  id: string;
  name: string;
  timeZone?: string;
}

/** Flapping: at least `minIncidents` incidents of one alert (service and dedup key) within `windowSeconds`. */
export interface FlappingRule {
  minIncidents: number;
  windowSeconds: number;
}

export const defaultFlappingRule: FlappingRule = { minIncidents: 3, windowSeconds: 24 * 3600 };

/** Local hours that are night for an on-call person: from 22:00 to 07:00. */
export const NIGHT_STARTS_AT_HOUR = 22;
export const NIGHT_ENDS_AT_HOUR = 7;

/** Longest lists of noisiest services and alerts. */
const TOP = 10;
/** An alert whose incidents typically resolve within this long clears on its own: its `for:` is short. */
const SHORT_LIVED_SECONDS = 15 * 60;
/** An alert that typically fires again this soon after resolving is one problem, not several. */
const QUICK_RETURN_SECONDS = 60 * 60;

const DAY_MS = 86_400_000;

/** Midnight UTC of the Monday of the ISO week holding `at`. */
export function weekStart(at: Date): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return new Date(day - ((at.getUTCDay() + 6) % 7) * DAY_MS);
}

/** The ISO-8601 week of the Monday `monday`: `2026-W02` (the week's Thursday decides its year). */
export function isoWeekLabel(monday: Date): string {
  const thursday = new Date(monday.getTime() + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export interface Week {
  /** `2026-W02`. */
  week: string;
  /** Its Monday, `2026-01-05`. */
  start: string;
}

/** Every ISO week (UTC) that [from, to) touches, oldest first. */
export function weeksOf(from: Date, to: Date): Week[] {
  const weeks: Week[] = [];
  for (let at = weekStart(from).getTime(); at < to.getTime(); at += 7 * DAY_MS) {
    const monday = new Date(at);
    weeks.push({ week: isoWeekLabel(monday), start: monday.toISOString().slice(0, 10) });
  }
  return weeks;
}

const hourFormats = new Map<string, Intl.DateTimeFormat>();
/**
 * Local hours already worked out, by zone and quarter of an hour: every zone's
 * offset and every change of it fall on a quarter hour, so the local hour is
 * the same throughout one, and a long period's pages format each quarter once.
 */
const quarterHours = new Map<string, number>();
const QUARTER_MS = 15 * 60 * 1000;

/** The hour (0–23) on a wall clock in `timeZone` at `at`; an unknown zone reads as UTC. */
export function localHour(at: Date, timeZone = 'UTC'): number {
  const key = `${timeZone} ${Math.floor(at.getTime() / QUARTER_MS)}`;
  const known = quarterHours.get(key);
  if (known !== undefined) return known;
  let format = hourFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', hourCycle: 'h23' });
    } catch {
      return localHour(at, 'UTC');
    }
    hourFormats.set(timeZone, format);
  }
  const hour = Number(format.formatToParts(at).find((p) => p.type === 'hour')!.value);
  if (quarterHours.size >= 100_000) quarterHours.clear();
  quarterHours.set(key, hour);
  return hour;
}

/** Whether `at` falls between 22:00 and 07:00 on a wall clock in `timeZone`. */
export function isNight(at: Date, timeZone?: string): boolean {
  const hour = localHour(at, timeZone);
  return hour >= NIGHT_STARTS_AT_HOUR || hour < NIGHT_ENDS_AT_HOUR;
}

/** The middle value of a list (the lower one of an even list's two), or null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

const secondsBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 1000);

export type SeverityCounts = Record<IncidentSeverity, number>;

export interface WeekIncidents extends Week, SeverityCounts {
  total: number;
}

/** How fast one kind of response came, in one week: how many, their mean, and how many within their target. */
export interface ResponseFigures {
  count: number;
  meanSeconds: number | null;
  withinTarget: number;
}

export interface WeekResponse extends Week {
  incidents: number;
  acknowledged: ResponseFigures;
  resolved: ResponseFigures;
}

/** MTTA and MTTR of one severity, week by week, beside its targets. */
export interface SeverityResponse {
  severity: IncidentSeverity;
  target: SlaTarget;
  weeks: WeekResponse[];
}

export interface PersonLoad {
  personId: string;
  name: string;
  timeZone: string;
  /** Escalation steps that paged them. */
  pages: number;
  /** Of those, the ones between 22:00 and 07:00 in their time zone. */
  nightPages: number;
  /** nightPages / pages, to 3 decimals. */
  nightShare: number;
  /** Incidents that paged them at least once. */
  incidents: number;
}

export interface NoisyService {
  service: string;
  incidents: number;
  alerts: number;
}

export interface NoisyAlert extends NoisyService {
  dedupKey: string;
  /** The title of its latest incident. */
  title: string;
}

export interface FlappingSuggestion {
  kind: 'longer-for' | 'grouping-rule' | 'maintenance-window';
  text: string;
}

export interface FlappingAlert extends NoisyAlert {
  /** The most of its incidents opened within one window. */
  mostInWindow: number;
  /** When the first and last incident of that busiest window opened. */
  windowFrom: string;
  windowTo: string;
  /** Typical time from opening to resolving (null: none resolved). */
  medianOpenSeconds: number | null;
  /** Typical time from one incident resolving to the next opening (null: none resolved before the next). */
  medianReturnSeconds: number | null;
  suggestions: FlappingSuggestion[];
}

export interface Insights {
  weeks: Week[];
  incidentsPerWeek: WeekIncidents[];
  responseTimes: SeverityResponse[];
  pagesPerPerson: PersonLoad[];
  noisiestServices: NoisyService[];
  noisiestAlerts: NoisyAlert[];
  flapping: FlappingRule & { alerts: FlappingAlert[] };
}

const zeroCounts = (): SeverityCounts => ({ SEV1: 0, SEV2: 0, SEV3: 0, SEV4: 0 });

function responseFigures(values: Array<{ seconds: number; target: number }>): ResponseFigures {
  return {
    count: values.length,
    meanSeconds: values.length
      ? Math.round(values.reduce((sum, v) => sum + v.seconds, 0) / values.length)
      : null,
    withinTarget: values.filter((v) => v.seconds <= v.target).length,
  };
}

function responseTimes(
  incidents: InsightIncident[],
  weeks: Week[],
  weekOf: (incident: InsightIncident) => string,
  targets: Record<IncidentSeverity, SlaTarget>,
): SeverityResponse[] {
  const buckets = new Map<string, InsightIncident[]>();
  for (const incident of incidents) {
    const key = `${incident.severity} ${weekOf(incident)}`;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(incident);
    else buckets.set(key, [incident]);
  }
  return incidentSeverities.map((severity) => {
    const target = targets[severity];
    const own = (i: InsightIncident) => i.sla ?? target;
    return {
      severity,
      target,
      weeks: weeks.map((w) => {
        const inWeek = buckets.get(`${severity} ${w.week}`) ?? [];
        return {
          ...w,
          incidents: inWeek.length,
          acknowledged: responseFigures(
            inWeek
              .filter((i) => i.acknowledgedAt)
              .map((i) => ({
                seconds: secondsBetween(i.openedAt, i.acknowledgedAt!),
                target: own(i).acknowledgeWithinSeconds,
              })),
          ),
          resolved: responseFigures(
            inWeek
              .filter((i) => i.resolvedAt)
              .map((i) => ({
                seconds: secondsBetween(i.openedAt, i.resolvedAt!),
                target: own(i).resolveWithinSeconds,
              })),
          ),
        };
      }),
    };
  });
}

function pagesPerPerson(incidents: InsightIncident[], people: InsightPerson[]): PersonLoad[] {
  const known = new Map(people.map((p) => [p.id, p]));
  const loads = new Map<string, PersonLoad & { incidentSet: Set<InsightIncident> }>();
  for (const incident of incidents) {
    for (const page of incident.pages) {
      for (const personId of new Set(page.people)) {
        const person = known.get(personId);
        let load = loads.get(personId);
        if (!load) {
          load = {
            personId,
            name: person?.name ?? personId,
            timeZone: person?.timeZone ?? 'UTC',
            pages: 0,
            nightPages: 0,
            nightShare: 0,
            incidents: 0,
            incidentSet: new Set(),
          };
          loads.set(personId, load);
        }
        load.pages += 1;
        if (isNight(new Date(page.at), load.timeZone)) load.nightPages += 1;
        load.incidentSet.add(incident);
      }
    }
  }
  return [...loads.values()]
    .map(({ incidentSet, ...load }) => ({
      ...load,
      nightShare: Math.round((load.nightPages / load.pages) * 1000) / 1000,
      incidents: incidentSet.size,
    }))
    .sort((a, b) => b.pages - a.pages || b.nightPages - a.nightPages || a.personId.localeCompare(b.personId));
}

const noisiest = <T extends NoisyService>(rows: Iterable<T>, key: (row: T) => string): T[] =>
  [...rows]
    .sort((a, b) => b.incidents - a.incidents || b.alerts - a.alerts || key(a).localeCompare(key(b)))
    .slice(0, TOP);

/** Incidents of each alert (service and dedup key), oldest first. */
function byAlert(incidents: InsightIncident[]): Map<string, InsightIncident[]> {
  const groups = new Map<string, InsightIncident[]>();
  const opened = new Map(incidents.map((i) => [i, Date.parse(i.openedAt)]));
  for (const incident of [...incidents].sort((a, b) => opened.get(a)! - opened.get(b)!)) {
    const key = `${incident.service}\n${incident.dedupKey}`;
    const group = groups.get(key);
    if (group) group.push(incident);
    else groups.set(key, [incident]);
  }
  return groups;
}

/** A duration as people read it: `45 s`, `10 min`, `2.5 h`, `24 h`, `3 d` (to one decimal). */
export function readableDuration(seconds: number): string {
  const tenths = (value: number) => Math.round(value * 10) / 10;
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${tenths(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${tenths(seconds / 3600)} h`;
  return `${tenths(seconds / 86_400)} d`;
}

/** What could stop an alert flapping, from how its incidents behaved; at least one suggestion. */
export function flappingSuggestions(
  alert: Pick<FlappingAlert, 'medianOpenSeconds' | 'medianReturnSeconds'>,
  openedAt: string[],
): FlappingSuggestion[] {
  const suggestions: FlappingSuggestion[] = [];
  const { medianOpenSeconds: open, medianReturnSeconds: back } = alert;
  if (open !== null && open <= SHORT_LIVED_SECONDS)
    suggestions.push({
      kind: 'longer-for',
      text: `Its incidents typically resolve within ${readableDuration(open)}: a longer \`for:\` on the Prometheus rule (or \`keep_firing_for:\`) lets a condition that clears by itself stop paging.`,
    });
  if (back === null || back <= QUICK_RETURN_SECONDS || suggestions.length === 0)
    suggestions.push({
      kind: 'grouping-rule',
      text: `${back === null ? 'It opens incident after incident' : `It fires again ${readableDuration(back)} after resolving`}: a grouping rule matching it with \`resolve: 'manual'\` keeps one incident open for a person to close, rather than a new page each time.`,
    });
  // The same hour of day on several days looks like planned work (a backup, a batch job, a deploy).
  const days = new Map<number, Set<string>>();
  for (const at of openedAt) {
    const instant = new Date(at);
    const hour = instant.getUTCHours();
    const set = days.get(hour) ?? new Set<string>();
    set.add(instant.toISOString().slice(0, 10));
    days.set(hour, set);
  }
  const [hour, onDays] = [...days].sort((a, b) => b[1].size - a[1].size || a[0] - b[0])[0] ?? [0, new Set()];
  if (onDays.size >= 2)
    suggestions.push({
      kind: 'maintenance-window',
      text: `It opens around ${String(hour).padStart(2, '0')}:00 UTC on ${onDays.size} days: if that is planned work, a maintenance window for it (weekly if it recurs) keeps those alerts from paging.`,
    });
  return suggestions;
}

function flappingAlerts(alertGroups: Iterable<InsightIncident[]>, rule: FlappingRule): FlappingAlert[] {
  const flapping: FlappingAlert[] = [];
  for (const group of alertGroups) {
    if (group.length < rule.minIncidents) continue;
    // The busiest window: for each incident, how many open within windowSeconds from it on.
    let most = 0;
    let first = 0;
    let last = 0;
    for (let i = 0, j = 0; i < group.length; i += 1) {
      const end = Date.parse(group[i]!.openedAt) + rule.windowSeconds * 1000;
      j = Math.max(j, i);
      while (j + 1 < group.length && Date.parse(group[j + 1]!.openedAt) <= end) j += 1;
      if (j - i + 1 > most) [most, first, last] = [j - i + 1, i, j];
    }
    if (most < rule.minIncidents) continue;
    const latest = group.at(-1)!;
    const returns = group
      .slice(1)
      .map((next, k) => group[k]!.resolvedAt && secondsBetween(group[k]!.resolvedAt, next.openedAt))
      .filter((s): s is number => typeof s === 'number' && s >= 0);
    const facts = {
      medianOpenSeconds: median(
        group.filter((i) => i.resolvedAt).map((i) => secondsBetween(i.openedAt, i.resolvedAt!)),
      ),
      medianReturnSeconds: median(returns),
    };
    flapping.push({
      service: latest.service,
      dedupKey: latest.dedupKey,
      title: latest.title,
      incidents: group.length,
      alerts: group.reduce((n, i) => n + i.alertCount, 0),
      mostInWindow: most,
      windowFrom: group[first]!.openedAt,
      windowTo: group[last]!.openedAt,
      ...facts,
      suggestions: flappingSuggestions(
        facts,
        group.map((i) => i.openedAt),
      ),
    });
  }
  return flapping.sort(
    (a, b) =>
      b.mostInWindow - a.mostInWindow ||
      b.incidents - a.incidents ||
      a.service.localeCompare(b.service) ||
      a.dedupKey.localeCompare(b.dedupKey),
  );
}

/**
 * Every figure of the insights page for the incidents opened in [from, to):
 * incidents per ISO week (UTC) by severity, MTTA and MTTR per week and
 * severity beside the targets, the pages each person got and how many at
 * night in their own time zone, the noisiest services and alerts, and the
 * alerts that flap, each with what could stop it.
 */
export function computeInsights(
  incidents: InsightIncident[],
  options: {
    from: Date;
    to: Date;
    people: InsightPerson[];
    slaTargets: Record<IncidentSeverity, SlaTarget>;
    flapping?: FlappingRule;
  },
): Insights {
  const weeks = weeksOf(options.from, options.to);
  const weekLabels = new Map<number, string>();
  const weekOf = (incident: InsightIncident) => {
    const monday = weekStart(new Date(incident.openedAt)).getTime();
    let label = weekLabels.get(monday);
    if (!label) weekLabels.set(monday, (label = isoWeekLabel(new Date(monday))));
    return label;
  };
  const incidentsPerWeek = weeks.map((w): WeekIncidents => ({ ...w, ...zeroCounts(), total: 0 }));
  const weekRows = new Map(incidentsPerWeek.map((row) => [row.week, row]));
  for (const incident of incidents) {
    const row = weekRows.get(weekOf(incident));
    if (!row) continue;
    row[incident.severity] += 1;
    row.total += 1;
  }

  const services = new Map<string, NoisyService>();
  for (const incident of incidents) {
    const row = services.get(incident.service) ?? { service: incident.service, incidents: 0, alerts: 0 };
    row.incidents += 1;
    row.alerts += incident.alertCount;
    services.set(incident.service, row);
  }
  const alertGroups = [...byAlert(incidents).values()];
  const alerts = alertGroups.map((group): NoisyAlert => {
    const latest = group.at(-1)!;
    return {
      service: latest.service,
      dedupKey: latest.dedupKey,
      title: latest.title,
      incidents: group.length,
      alerts: group.reduce((n, i) => n + i.alertCount, 0),
    };
  });
  const rule = options.flapping ?? defaultFlappingRule;

  return {
    weeks,
    incidentsPerWeek,
    responseTimes: responseTimes(incidents, weeks, weekOf, options.slaTargets),
    pagesPerPerson: pagesPerPerson(incidents, options.people),
    noisiestServices: noisiest(services.values(), (s) => s.service),
    noisiestAlerts: noisiest(alerts, (a) => `${a.service}\n${a.dedupKey}`),
    flapping: { ...rule, alerts: flappingAlerts(alertGroups, rule) },
  };
}
