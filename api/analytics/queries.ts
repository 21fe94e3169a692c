import { isRunbookActor } from '../../domain/actors';
import type { IncidentDocument } from '../../infra/models';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';

export type GroupBy = 'service' | 'severity' | 'team';

/** What analytics keeps of each incident: a few fields, so a long period costs little memory. */
export type IncidentFacts = Pick<
  IncidentDocument,
  | 'service'
  | 'severity'
  | 'team'
  | 'title'
  | 'alertCount'
  | 'openedAt'
  | 'acknowledgedAt'
  | 'resolvedAt'
  | 'resolvedBy'
> & { escalationExhausted: boolean; slaBreaches: number };

export interface DurationStats {
  count: number;
  meanSeconds: number | null;
  p50Seconds: number | null;
  p90Seconds: number | null;
}

export interface GroupStats {
  key: string;
  incidents: number;
  resolved: number;
  mtta: DurationStats;
  mttr: DurationStats;
  slaBreaches: number;
  escalationExhausted: number;
  /** Share of resolved incidents a runbook resolved. */
  autoRemediatedShare: number | null;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function durationStats(values: number[]): DurationStats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    meanSeconds: sorted.length
      ? Math.round((sorted.reduce((a, b) => a + b, 0) / sorted.length) * 10) / 10
      : null,
    p50Seconds: percentile(sorted, 50),
    p90Seconds: percentile(sorted, 90),
  };
}

const seconds = (from: Date, to: Date | undefined) =>
  to ? (to.getTime() - from.getTime()) / 1000 : undefined;

function statsOf(key: string, incidents: IncidentFacts[]): GroupStats {
  const resolved = incidents.filter((i) => i.resolvedAt);
  const autoResolved = resolved.filter((i) => i.resolvedBy !== undefined && isRunbookActor(i.resolvedBy));
  return {
    key,
    incidents: incidents.length,
    resolved: resolved.length,
    mtta: durationStats(
      incidents.map((i) => seconds(i.openedAt, i.acknowledgedAt)).filter((s): s is number => s !== undefined),
    ),
    mttr: durationStats(resolved.map((i) => seconds(i.openedAt, i.resolvedAt)!)),
    slaBreaches: incidents.reduce((n, i) => n + i.slaBreaches, 0),
    escalationExhausted: incidents.filter((i) => i.escalationExhausted).length,
    autoRemediatedShare: resolved.length
      ? Math.round((autoResolved.length / resolved.length) * 1000) / 1000
      : null,
  };
}

/**
 * Counts, MTTA and MTTR (mean, p50, p90), SLA breaches, exhausted escalations,
 * auto-remediated share and the top recurring alerts. Computed here rather
 * than in an aggregation pipeline: FerretDB 1.24 has no $percentile (MongoDB
 * 7 only) and no date arithmetic in $group, so the database only filters and
 * projects ($match on openedAt and a projection), which both servers support.
 */
export function incidentAnalytics(incidents: IncidentFacts[], groupBy: GroupBy) {
  const groups = new Map<string, IncidentFacts[]>();
  for (const incident of incidents) {
    const key = incident[groupBy];
    const group = groups.get(key);
    if (group) group.push(incident);
    else groups.set(key, [incident]);
  }
  const recurring = new Map<string, { service: string; title: string; incidents: number; alerts: number }>();
  for (const incident of incidents) {
    const key = `${incident.service}\n${incident.title}`;
    const entry = recurring.get(key) ?? {
      service: incident.service,
      title: incident.title,
      incidents: 0,
      alerts: 0,
    };
    entry.incidents += 1;
    entry.alerts += incident.alertCount;
    recurring.set(key, entry);
  }
  return {
    groupBy,
    total: statsOf('all', incidents),
    groups: [...groups]
      .map(([key, list]) => statsOf(key, list))
      .sort((a, b) => b.incidents - a.incidents || a.key.localeCompare(b.key)),
    topRecurringAlerts: [...recurring.values()]
      .filter((r) => r.incidents > 1)
      .sort((a, b) => b.incidents - a.incidents || b.alerts - a.alerts)
      .slice(0, 10),
  };
}

/**
 * What `cursor` yields, each kept as `keep` makes it, at most `max` of them:
 * a period with more answers 400 (naming `query.from` and `query.to`) rather
 * than loading them all or answering figures of a part of it. `reader` names
 * what reads them in the message (analytics, insights).
 */
export async function readAtMost<D, T>(
  cursor: AsyncIterable<D> & { close(): Promise<unknown> },
  max: number,
  reader: string,
  keep: (doc: D) => T,
): Promise<T[]> {
  const kept: T[] = [];
  for await (const doc of cursor) {
    if (kept.length === max) {
      await cursor.close();
      const message = `the period holds more than ${max} incidents, more than ${reader} reads at once (ANALYTICS_MAX_INCIDENTS); ask for a shorter period`;
      throw new HttpError(400, 'range_too_large', `Invalid request: query.from, query.to: ${message}`, [
        { field: 'query.from', message },
        { field: 'query.to', message },
      ]);
    }
    kept.push(keep(doc));
  }
  return kept;
}

/**
 * The facts of the incidents opened in [from, to) (ISO-8601): the one MongoDB
 * read analytics makes, through a cursor (a batch at a time) that stops after
 * `max` incidents.
 */
export async function loadIncidentFacts(
  deps: Pick<ApiDeps, 'models'>,
  from: string,
  to: string,
  max: number,
): Promise<IncidentFacts[]> {
  const cursor = deps.models.Incident.find(
    { openedAt: { $gte: new Date(from), $lt: new Date(to) } },
    {
      service: 1,
      severity: 1,
      team: 1,
      title: 1,
      alertCount: 1,
      openedAt: 1,
      acknowledgedAt: 1,
      resolvedAt: 1,
      resolvedBy: 1,
      escalation: 1,
      slaBreaches: 1,
    },
  )
    .limit(max + 1)
    .lean()
    .cursor({ batchSize: 1000 });
  return readAtMost(cursor, max, 'analytics', (doc) => ({
    service: doc.service,
    severity: doc.severity,
    team: doc.team,
    title: doc.title,
    alertCount: doc.alertCount,
    openedAt: doc.openedAt,
    acknowledgedAt: doc.acknowledgedAt,
    resolvedAt: doc.resolvedAt,
    resolvedBy: doc.resolvedBy,
    escalationExhausted: doc.escalation?.exhausted === true,
    slaBreaches: doc.slaBreaches?.length ?? 0,
  }));
}

/** incidentAnalytics of the incidents opened in [from, to), at most `max` of them. */
export async function analyzeIncidents(
  deps: Pick<ApiDeps, 'models'>,
  query: { from: string; to: string; groupBy: GroupBy; max: number },
): Promise<ReturnType<typeof incidentAnalytics>> {
  return incidentAnalytics(await loadIncidentFacts(deps, query.from, query.to, query.max), query.groupBy);
}
