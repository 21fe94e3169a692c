import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A page of one incident's timeline: entries `page * TIMELINE_PAGE_SIZE` up
 * to the next page, keyed `<incidentId>:p<page>`. Readers fetch pages by
 * `_id` alone, the only lookup MongoDB-wire servers such as FerretDB make by
 * key (any other filter scans the collection), and each entry is one JSON
 * string under `entries.s<seq>`: such a server decodes a nested document
 * field by field, a string at once, so a page reads many times faster. An
 * entry is written by `$set` on its own field, so a retried save rewrites
 * the same value and never another entry.
 */
export interface TimelinePageDocument {
  _id: string;
  incidentId: string;
  page: number;
  entries: Record<string, string>;
}

/** At most 100 entries of at most about 100 KiB each (the alert limits): well inside a 16 MiB document. */
export const TIMELINE_PAGE_SIZE = 100;

const timelinePageSchema = new Schema<TimelinePageDocument>(
  {
    _id: { type: String, required: true },
    incidentId: { type: String, required: true },
    page: { type: Number, required: true },
    entries: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'incident_timeline_pages', versionKey: false, minimize: false },
);

export function timelinePageModel(connection: Connection): Model<TimelinePageDocument> {
  return connection.model<TimelinePageDocument>('TimelinePage', timelinePageSchema);
}

export function timelinePageOf(seq: number): number {
  return Math.floor(seq / TIMELINE_PAGE_SIZE);
}

export function timelinePageId(incidentId: string, page: number): string {
  return `${incidentId}:p${String(page).padStart(5, '0')}`;
}

/** The field of `entries` that holds entry `seq`. */
export function timelineEntryField(seq: number): string {
  return `s${String(seq).padStart(6, '0')}`;
}
