import type { Model } from 'mongoose';
import type { TimelineEntry } from '../domain/incident';
import { isDuplicateKeyError } from './mongo';
import {
  TIMELINE_PAGE_SIZE,
  timelineEntryField,
  timelinePageId,
  timelinePageOf,
  type TimelinePageDocument,
} from './models/timeline-page';

type TimelinePages = Model<TimelinePageDocument>;

/** Pages fetched at once: enough to overlap the round trips, few enough to leave the pool to others. */
const READ_CONCURRENCY = 8;

/**
 * Saves timeline entries into their pages: one upsert per page touched. Safe
 * to repeat and to race: each entry has a field of its own, and an upsert
 * that lost the race to create its page is tried again, now as an update.
 */
export async function saveTimelineEntries(
  pages: TimelinePages,
  incidentId: string,
  entries: readonly TimelineEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const fieldsByPage = new Map<number, Record<string, string>>();
  for (const entry of entries) {
    const page = timelinePageOf(entry.seq);
    const fields = fieldsByPage.get(page) ?? {};
    fields[`entries.${timelineEntryField(entry.seq)}`] = JSON.stringify(entry);
    fieldsByPage.set(page, fields);
  }
  const writes = [...fieldsByPage].map(([page, fields]) => ({
    updateOne: {
      filter: { _id: timelinePageId(incidentId, page) },
      update: { $set: { incidentId, page, ...fields } },
      upsert: true,
    },
  }));
  for (let attempt = 1; ; attempt++) {
    try {
      await pages.bulkWrite(writes, { ordered: false });
      return;
    } catch (err) {
      if (!isDuplicateKeyError(err) || attempt >= 3) throw err;
    }
  }
}

async function readPages(
  pages: TimelinePages,
  incidentId: string,
  numbers: readonly number[],
): Promise<(TimelinePageDocument | null)[]> {
  const found: (TimelinePageDocument | null)[] = [];
  for (let i = 0; i < numbers.length; i += READ_CONCURRENCY) {
    found.push(
      ...(await Promise.all(
        numbers
          .slice(i, i + READ_CONCURRENCY)
          .map((page) => pages.findById(timelinePageId(incidentId, page)).lean<TimelinePageDocument>()),
      )),
    );
  }
  return found;
}

function entriesOf(page: TimelinePageDocument | null): TimelineEntry[] {
  return page ? Object.values(page.entries).map((json) => JSON.parse(json) as TimelineEntry) : [];
}

const bySeq = (a: TimelineEntry, b: TimelineEntry) => a.seq - b.seq;

/**
 * The number of the incident's last page: the one holding entry
 * `knownLength` (entries count from 1; the incident document's count trails
 * the saved entries by at most one save) or a later one that exists.
 */
async function lastPageOf(pages: TimelinePages, incidentId: string, knownLength: number): Promise<number> {
  let last = timelinePageOf(knownLength);
  while (await pages.exists({ _id: timelinePageId(incidentId, last + 1) })) last += 1;
  return last;
}

/** Every saved entry of the incident's timeline, oldest first. */
export async function readWholeTimeline(
  pages: TimelinePages,
  incidentId: string,
  knownLength: number,
): Promise<TimelineEntry[]> {
  const last = await lastPageOf(pages, incidentId, knownLength);
  const found = await readPages(
    pages,
    incidentId,
    Array.from({ length: last + 1 }, (_, page) => page),
  );
  return found.flatMap(entriesOf).sort(bySeq);
}

/** The latest `count` entries before `before` (a seq; all when unset), oldest first. */
export async function readLatestTimeline(
  pages: TimelinePages,
  incidentId: string,
  options: { knownLength: number; count: number; before?: number },
): Promise<TimelineEntry[]> {
  const last = await lastPageOf(pages, incidentId, options.knownLength);
  const before = options.before ?? Infinity;
  let page = Math.min(last, timelinePageOf(Math.max(0, before - 1)));
  const collected: TimelineEntry[] = [];
  while (page >= 0 && collected.length < options.count) {
    // The pages the missing entries need (one more: the first may hold fewer), a batch at a time.
    const needed = Math.ceil((options.count - collected.length) / TIMELINE_PAGE_SIZE) + 1;
    const numbers = Array.from({ length: Math.min(READ_CONCURRENCY, needed, page + 1) }, (_, i) => page - i);
    const found = await readPages(pages, incidentId, numbers);
    collected.push(...found.flatMap(entriesOf).filter((entry) => entry.seq < before));
    page -= numbers.length;
  }
  return collected.sort(bySeq).slice(-options.count);
}
