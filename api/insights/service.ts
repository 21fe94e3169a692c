import { z } from 'zod';
import {
  computeInsights,
  weekStart,
  type FlappingRule,
  type InsightIncident,
  type Insights,
} from '../../domain/insights';
import { readAtMost } from '../analytics/queries';
import type { ApiDeps } from '../deps';

const WEEK_MS = 7 * 86_400_000;

/** The period `weeks` ISO weeks long that ends now: from the Monday `weeks - 1` weeks before this one. */
export function lastWeeks(weeks: number, now = new Date()): { from: string; to: string } {
  return {
    from: new Date(weekStart(now).getTime() - (weeks - 1) * WEEK_MS).toISOString(),
    to: now.toISOString(),
  };
}

/** The longest period insights chart: a year of ISO weeks. */
export const INSIGHTS_MAX_WEEKS = 53;

/**
 * The period (`from` and `to`, or the last `weeks` ISO weeks, 8 unless said)
 * and the flapping rule (`flapCount` incidents of one alert within
 * `flapWindowHours`): the API's query, and the web UI's and CLI's.
 */
export const insightsQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    weeks: z.coerce.number().int().min(1).max(INSIGHTS_MAX_WEEKS).optional(),
    flapCount: z.coerce.number().int().min(2).max(1000).default(3),
    flapWindowHours: z.coerce
      .number()
      .positive()
      .max(24 * 31)
      .default(24),
  })
  .superRefine((q, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (q.from === undefined && q.to === undefined) return;
    if (q.from === undefined || q.to === undefined) return problem('to', 'from and to go together');
    if (q.weeks !== undefined) return problem('weeks', 'give either from and to, or weeks');
    const span = Date.parse(q.to) - Date.parse(q.from);
    if (span <= 0) return problem('to', 'from must be before to');
    if (span > INSIGHTS_MAX_WEEKS * 7 * 86_400_000)
      problem('to', `the period may be at most ${INSIGHTS_MAX_WEEKS} weeks long`);
  })
  .transform(({ from, to, weeks, flapCount, flapWindowHours }) => ({
    ...(from && to ? { from, to } : lastWeeks(weeks ?? 8)),
    flapping: { minIncidents: flapCount, windowSeconds: Math.round(flapWindowHours * 3600) },
  }));

/**
 * The insight facts of the incidents opened in [from, to): one `find` on
 * `openedAt` (indexed) with a projection, read through a cursor a batch at a
 * time and stopped past `max`. Every figure is then worked out in
 * domain/insights.ts: FerretDB has no date arithmetic in `$group` (nor
 * `$dateTrunc`, `$isoWeek` or `$percentile`), so a pipeline grouping by week
 * would run on MongoDB only; a filter and a projection run on both.
 */
export async function loadInsightIncidents(
  deps: Pick<ApiDeps, 'models'>,
  from: string,
  to: string,
  max: number,
): Promise<InsightIncident[]> {
  const cursor = deps.models.Incident.find(
    { openedAt: { $gte: new Date(from), $lt: new Date(to) } },
    {
      service: 1,
      dedupKey: 1,
      title: 1,
      severity: 1,
      alertCount: 1,
      openedAt: 1,
      acknowledgedAt: 1,
      resolvedAt: 1,
      'triage.sla': 1,
      pages: 1,
    },
  )
    .limit(max + 1)
    .lean()
    .cursor({ batchSize: 1000 });
  return readAtMost(cursor, max, 'insights', (doc) => ({
    service: doc.service,
    dedupKey: doc.dedupKey,
    title: doc.title,
    severity: doc.severity,
    alertCount: doc.alertCount,
    openedAt: doc.openedAt.toISOString(),
    ...(doc.acknowledgedAt ? { acknowledgedAt: doc.acknowledgedAt.toISOString() } : {}),
    ...(doc.resolvedAt ? { resolvedAt: doc.resolvedAt.toISOString() } : {}),
    ...(doc.triage?.sla ? { sla: doc.triage.sla } : {}),
    pages: (doc.pages ?? []).map((p) => ({ at: p.at, people: p.people ?? [] })),
  }));
}

export type InsightsAnswer = { from: string; to: string } & Insights;

/** Every figure of the insights of [from, to): the API's, the CLI's and the web UI's one answer. */
export async function insightsOf(
  deps: Pick<ApiDeps, 'models' | 'onCall' | 'config' | 'slaTargets'>,
  query: { from: string; to: string; flapping: FlappingRule },
): Promise<InsightsAnswer> {
  const [incidents, catalog] = await Promise.all([
    loadInsightIncidents(deps, query.from, query.to, deps.config.ANALYTICS_MAX_INCIDENTS),
    deps.onCall.fresh(),
  ]);
  const from = new Date(query.from);
  const to = new Date(query.to);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    ...computeInsights(incidents, {
      from,
      to,
      people: catalog.people.map((p) => ({
        id: p.id,
        name: p.name,
        ...(p.timeZone ? { timeZone: p.timeZone } : {}),
      })),
      slaTargets: deps.slaTargets,
      flapping: query.flapping,
    }),
  };
}
