import type { FilterQuery } from 'mongoose';
import {
  incidentStatuses,
  type Incident,
  type IncidentSeverity,
  type IncidentStatus,
  type TimelineEntry,
} from '../../domain/incident';
import { fromIncidentDocument, type IncidentDocument } from '../../infra/models';
import { DEFAULT_MONGO_LOOKUP_TIMEOUT_MS, withMongoTimeout } from '../../infra/mongo';
import { readLatestTimeline, readWholeTimeline } from '../../infra/timeline-store';
import type { ApiDeps } from '../deps';
import { NotFoundError } from '../errors';

// The incidents' MongoDB reads, for the JSON API and the web UI alike: route files call these.
// Every read is bounded, so a hung MongoDB makes a request fail (503) or fall back, never hang.

type Store = Pick<ApiDeps, 'models'> & {
  config?: Partial<Pick<ApiDeps['config'], 'MONGODB_LOOKUP_TIMEOUT_MS'>>;
};

/** Lists and timelines may scan: a longer bound than a lookup by id, which is on the paging path. */
const READ_TIMEOUT_MS = 10_000;

const lookupTimeoutMs = (deps: Store) =>
  deps.config?.MONGODB_LOOKUP_TIMEOUT_MS ?? DEFAULT_MONGO_LOOKUP_TIMEOUT_MS;

const openStatuses = incidentStatuses.filter((s) => s !== 'resolved');

/** The stored incident, or a 404. */
export async function loadStoredIncident(deps: Store, incidentId: string): Promise<Incident> {
  const doc = await withMongoTimeout('reading an incident', lookupTimeoutMs(deps), () =>
    deps.models.Incident.findById(incidentId).lean(),
  );
  if (!doc) throw new NotFoundError(`No incident ${incidentId}`);
  return fromIncidentDocument(doc);
}

/** Where a page of the incident list ends: the sort key of its last incident. */
export interface IncidentPageKey {
  openedAt: Date;
  id: string;
}

export interface IncidentListQuery {
  status?: IncidentStatus[];
  service?: string[];
  severity?: IncidentSeverity[];
  /** ISO-8601; opened at or after. */
  from?: string;
  /** ISO-8601; opened before. */
  to?: string;
  limit: number;
  /** Continue after this key (from the previous page's `next`). */
  after?: IncidentPageKey;
}

/** One page of incidents, newest opened first; `next` is set when more follow. */
export async function listIncidents(
  deps: Store,
  query: IncidentListQuery,
): Promise<{ incidents: Incident[]; next: IncidentPageKey | null }> {
  const filter: FilterQuery<IncidentDocument> = {};
  if (query.status) filter.status = { $in: query.status };
  if (query.service) filter.service = { $in: query.service };
  if (query.severity) filter.severity = { $in: query.severity };
  if (query.from || query.to) {
    filter.openedAt = {
      ...(query.from ? { $gte: new Date(query.from) } : {}),
      ...(query.to ? { $lt: new Date(query.to) } : {}),
    };
  }
  const conditions: FilterQuery<IncidentDocument>[] = [filter];
  if (query.after) {
    const { openedAt, id } = query.after;
    conditions.push({ $or: [{ openedAt: { $lt: openedAt } }, { openedAt, _id: { $lt: id } }] });
  }
  // One more than the page, to know whether another page follows.
  const docs = await withMongoTimeout('listing incidents', READ_TIMEOUT_MS, () =>
    deps.models.Incident.find(conditions.length > 1 ? { $and: conditions } : filter)
      .sort({ openedAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean(),
  );
  const page = docs.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    incidents: page.map(fromIncidentDocument),
    next: docs.length > query.limit && last ? { openedAt: last.openedAt, id: last._id } : null,
  };
}

/** Narrows the web UI's board; each list matches any of its values. */
export interface OpenIncidentFilter {
  status?: IncidentStatus[];
  severity?: IncidentSeverity[];
  service?: string[];
  team?: string[];
}

/** The open incidents, newest first (at most 200): the web UI's board. */
export async function listOpenIncidents(deps: Store, filter: OpenIncidentFilter = {}): Promise<Incident[]> {
  const chosen = filter.status?.filter((s) => s !== 'resolved') ?? [];
  const status = chosen.length > 0 ? chosen : openStatuses;
  const docs = await withMongoTimeout('listing open incidents', READ_TIMEOUT_MS, () =>
    deps.models.Incident.find({
      status: { $in: status },
      ...(filter.severity?.length ? { severity: { $in: filter.severity } } : {}),
      ...(filter.service?.length ? { service: { $in: filter.service } } : {}),
      ...(filter.team?.length ? { team: { $in: filter.team } } : {}),
    })
      .sort({ openedAt: -1, _id: -1 })
      .limit(200)
      .lean(),
  );
  return docs.map(fromIncidentDocument);
}

/** The 50 most recently resolved incidents, latest first. */
export async function listResolvedIncidents(deps: Store): Promise<Incident[]> {
  const docs = await withMongoTimeout('listing resolved incidents', READ_TIMEOUT_MS, () =>
    deps.models.Incident.find({ status: 'resolved' }).sort({ resolvedAt: -1, _id: -1 }).limit(50).lean(),
  );
  return docs.map(fromIncidentDocument);
}

/** How many timeline entries a page holds unless asked, and at most. */
export const TIMELINE_PAGE_DEFAULT = 500;
export const TIMELINE_PAGE_MAX = 1000;

/** How many entries the incident document says are saved (0 for an unknown incident). */
async function savedTimelineLength(deps: Store, incidentId: string): Promise<number> {
  const doc = await deps.models.Incident.findById(incidentId, { timelineLength: 1 }).lean<{
    timelineLength?: number;
  }>();
  return doc?.timelineLength ?? 0;
}

/**
 * One page of the incident's timeline: its latest `limit` entries before
 * `before` (a `seq`; all when unset), oldest first. `nextBefore` is what to pass
 * as `before` for the entries older than these, null when there are none.
 * Empty for an unknown incident.
 */
export async function readTimeline(
  deps: Store,
  incidentId: string,
  page: { limit: number; before?: number } = { limit: TIMELINE_PAGE_DEFAULT },
): Promise<{ entries: TimelineEntry[]; nextBefore: number | null }> {
  const latest = await withMongoTimeout('reading a timeline', READ_TIMEOUT_MS, async () =>
    readLatestTimeline(deps.models.TimelinePage, incidentId, {
      knownLength: await savedTimelineLength(deps, incidentId),
      // One more than the page, to know whether older entries follow.
      count: page.limit + 1,
      ...(page.before !== undefined ? { before: page.before } : {}),
    }),
  );
  const entries = latest.slice(-page.limit);
  return { entries, nextBefore: latest.length > page.limit ? entries[0]!.seq : null };
}

/** The incident's runbook step records (its latest TIMELINE_PAGE_MAX), oldest first: the web UI's runbook section. */
export async function readRunbookSteps(deps: Store, incidentId: string): Promise<TimelineEntry[]> {
  const whole = await withMongoTimeout('reading runbook steps', READ_TIMEOUT_MS, async () =>
    readWholeTimeline(deps.models.TimelinePage, incidentId, await savedTimelineLength(deps, incidentId)),
  );
  return whole.filter((entry) => entry.type === 'runbook.step').slice(-TIMELINE_PAGE_MAX);
}
