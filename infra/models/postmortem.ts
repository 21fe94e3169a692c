import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { Schema, type Connection, type Model, type mongo } from 'mongoose';
import {
  actionItemStatuses,
  postmortemStatuses,
  type Postmortem,
  type PostmortemTimelineEntry,
} from '../../domain/postmortem';
import { incidentSeverities, priorities } from '../../domain/incident';
import { fromStoredPairs, toStoredPairs, type StoredPair } from './string-map';

/**
 * A stored post-mortem: the domain object keyed by postmortemId, labels and
 * annotations as name/value pairs (string-map.ts). Timestamps are ISO-8601 UTC strings.
 * The timeline, which nobody edits or queries and may run to hundreds of
 * thousands of lines, is its JSON gzipped, as binary data: a MongoDB-wire
 * server such as FerretDB decodes and validates a nested document field by
 * field and escapes every quote of a JSON string on the way in and out, so as
 * documents, or as one JSON string, the timeline would be most of the cost of
 * saving and reading a long post-mortem; its lines repeat their keys and
 * kinds, so gzipped it is a small fraction of the bytes.
 */
export type PostmortemDocument = Omit<Postmortem, 'postmortemId' | 'labels' | 'annotations' | 'timeline'> & {
  _id: string;
  labels?: StoredPair[];
  annotations?: StoredPair[];
  timeline: StoredTimeline;
};

/**
 * The timeline as stored: gzipped JSON (binary data, read back as a Binary or
 * a Buffer) or, in drafts made before it was compressed, the JSON itself.
 */
type StoredTimeline = Buffer | mongo.Binary | string;

function toStoredTimeline(timeline: PostmortemTimelineEntry[]): Buffer {
  // The fastest level: the JSON of a timeline is repetitive enough that more effort saves little.
  return gzipSync(JSON.stringify(timeline), { level: constants.Z_BEST_SPEED });
}

function fromStoredTimeline(stored: StoredTimeline): PostmortemTimelineEntry[] {
  if (typeof stored === 'string') return JSON.parse(stored) as PostmortemTimelineEntry[];
  const gzipped = Buffer.isBuffer(stored) ? stored : stored.value();
  return JSON.parse(gunzipSync(gzipped).toString('utf8')) as PostmortemTimelineEntry[];
}

const actionItemSchema = new Schema(
  {
    title: { type: String, required: true, minlength: 1, maxlength: 500 },
    owner: { type: String, required: true, minlength: 1, maxlength: 100 },
    dueDate: { type: String, match: /^\d{4}-\d{2}-\d{2}$/ },
    status: { type: String, required: true, enum: actionItemStatuses },
    link: { type: String, maxlength: 2000 },
  },
  { _id: false },
);

const postmortemSchema = new Schema<PostmortemDocument>(
  {
    _id: { type: String, required: true },
    incidentId: { type: String, required: true },
    title: { type: String, required: true },
    summary: { type: String, required: true, maxlength: 20_000 },
    service: { type: String, required: true },
    severity: { type: String, required: true, enum: incidentSeverities },
    priority: { type: String, required: true, enum: priorities },
    team: { type: String, required: true },
    major: { type: Boolean, required: true },
    response: { type: Schema.Types.Mixed },
    alerts: { type: Schema.Types.Mixed },
    labels: { type: Schema.Types.Mixed, default: [] },
    annotations: { type: Schema.Types.Mixed, default: [] },
    status: { type: String, required: true, enum: postmortemStatuses },
    owner: { type: String, required: true },
    times: { type: Schema.Types.Mixed, required: true },
    durationSeconds: { type: Number, required: true, min: 0 },
    metrics: { type: Schema.Types.Mixed, required: true },
    timeline: { type: Schema.Types.Mixed, required: true },
    responders: { type: Schema.Types.Mixed, default: [] },
    runbooks: { type: Schema.Types.Mixed, default: [] },
    slaBreaches: { type: Schema.Types.Mixed, default: [] },
    rootCause: { type: String, default: '', maxlength: 20_000 },
    contributingFactors: { type: [String], default: [] },
    mitigators: { type: [String], default: [] },
    lessonsLearned: { type: String, default: '', maxlength: 20_000 },
    actionItems: { type: [actionItemSchema], default: [] },
    prompts: { type: Schema.Types.Mixed, default: {} },
    reminders: { type: Schema.Types.Mixed, default: [] },
    generatedAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
  },
  { collection: 'postmortems', versionKey: false, minimize: false },
);
postmortemSchema.index({ 'times.detectedAt': -1 });
postmortemSchema.index({ service: 1, 'times.detectedAt': -1 });

/** The post-mortem as stored. */
export function toPostmortemDocument(pm: Postmortem): PostmortemDocument {
  const { postmortemId, labels, annotations, timeline, ...rest } = pm;
  return {
    ...rest,
    _id: postmortemId,
    labels: toStoredPairs(labels),
    annotations: toStoredPairs(annotations),
    timeline: toStoredTimeline(timeline),
  };
}

export function postmortemModel(connection: Connection): Model<PostmortemDocument> {
  return connection.model<PostmortemDocument>('Postmortem', postmortemSchema);
}

/** The stored document as the domain object; empty lists may come back missing (an upsert drops them), so they are filled in. */
export function fromPostmortemDocument(doc: PostmortemDocument): Postmortem {
  const { _id, labels, annotations, timeline, ...rest } = doc;
  return {
    ...rest,
    postmortemId: _id,
    labels: fromStoredPairs(labels),
    annotations: fromStoredPairs(annotations),
    // Drafts made before incidents' mitigatedAt was read back as a string hold a Date there.
    times: Object.fromEntries(
      Object.entries(rest.times).map(([k, v]: [string, unknown]) => [
        k,
        v instanceof Date ? v.toISOString() : v,
      ]),
    ) as Postmortem['times'],
    timeline: fromStoredTimeline(timeline),
    responders: rest.responders ?? [],
    runbooks: rest.runbooks ?? [],
    slaBreaches: rest.slaBreaches ?? [],
    contributingFactors: rest.contributingFactors ?? [],
    mitigators: rest.mitigators ?? [],
    actionItems: rest.actionItems ?? [],
    reminders: rest.reminders ?? [],
    prompts: rest.prompts ?? {},
  };
}
