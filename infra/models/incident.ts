import { Schema, type Connection, type Model } from 'mongoose';
import type { Incident } from '../../domain/incident';
import { fromStoredPairs, toStoredPairs, type StoredPair } from './string-map';

/**
 * Every field of a stored incident, listed once: the schema, the date
 * conversions and the fields a save clears when they are gone all come from here.
 */
const incidentFields = {
  workflowId: { type: String, required: true },
  runId: { type: String, required: true },
  service: { type: String, required: true },
  dedupKey: { type: String, required: true },
  integration: { type: String, required: true },
  title: { type: String, required: true },
  status: { type: String, required: true },
  severity: { type: String, required: true },
  priority: { type: String, required: true },
  major: { type: Boolean, required: true },
  team: { type: String, required: true },
  commander: { type: String },
  triage: { type: Schema.Types.Mixed, required: true },
  escalation: { type: Schema.Types.Mixed, required: true },
  alertCount: { type: Number, required: true },
  firstAlertAt: { type: Date, required: true },
  lastAlertAt: { type: Date, required: true },
  openedAt: { type: Date, required: true },
  acknowledgedAt: { type: Date },
  acknowledgedBy: { type: String },
  snoozedUntil: { type: Date },
  resolvedAt: { type: Date },
  resolvedBy: { type: String },
  resolutionNote: { type: String },
  labels: { type: Schema.Types.Mixed, default: [] },
  annotations: { type: Schema.Types.Mixed, default: [] },
  links: { type: Schema.Types.Mixed, default: [] },
  mitigatedAt: { type: Date },
  runbookRuns: { type: Schema.Types.Mixed, default: [] },
  unlistedRunbookRuns: { type: Number },
  slaBreaches: { type: Schema.Types.Mixed, default: [] },
  approvals: { type: Schema.Types.Mixed, default: [] },
  unlistedApprovals: { type: Number },
  response: { type: Schema.Types.Mixed },
  pages: { type: Schema.Types.Mixed },
  alerts: { type: Schema.Types.Mixed },
  unlistedAlerts: { type: Schema.Types.Mixed },
  grouping: { type: Schema.Types.Mixed },
  chatChannels: { type: [String] },
  maintenance: { type: Schema.Types.Mixed },
  version: { type: Number, required: true },
  timelineLength: { type: Number, required: true },
} as const satisfies Record<
  Exclude<keyof Incident, 'incidentId'>,
  { type: unknown; required?: true; default?: unknown }
>;

type Fields = typeof incidentFields;
type DateField = { [K in keyof Fields]: Fields[K]['type'] extends DateConstructor ? K : never }[keyof Fields];
type RequiredDateField = { [K in DateField]: Fields[K] extends { required: true } ? K : never }[DateField];

const fieldNames = Object.keys(incidentFields) as Array<keyof Fields>;
const dateFields = fieldNames.filter((f) => incidentFields[f].type === Date) as DateField[];
/** Optional fields with no default: a save `$unset`s them when the incident no longer has them. */
export const optionalIncidentFields = fieldNames.filter(
  (f) => !('required' in incidentFields[f]) && !('default' in incidentFields[f]),
);

/** Maps whose names come from alerts, stored as name/value pairs (see string-map.ts). */
const pairFields = ['labels', 'annotations'] as const satisfies Array<keyof Fields>;
type PairField = (typeof pairFields)[number];

/**
 * An incident as stored: the workflow's Incident with its timestamps as Dates,
 * its labels and annotations as pairs, keyed by incidentId.
 */
export type IncidentDocument = Omit<Incident, DateField | PairField | 'incidentId'> & {
  _id: string;
  updatedAt: Date;
} & { [K in PairField]: StoredPair[] } & { [K in RequiredDateField]: Date } & {
  [K in Exclude<DateField, RequiredDateField>]?: Date;
};

const incidentSchema = new Schema<IncidentDocument>(
  {
    _id: { type: String, required: true },
    ...incidentFields,
    updatedAt: { type: Date, required: true },
  },
  { collection: 'incidents', versionKey: false, minimize: false },
);
incidentSchema.index({ openedAt: -1 });
incidentSchema.index({ status: 1, openedAt: -1 });
incidentSchema.index({ service: 1, openedAt: -1 });

export function incidentModel(connection: Connection): Model<IncidentDocument> {
  return connection.model<IncidentDocument>('Incident', incidentSchema);
}

export function toIncidentDocument(incident: Incident): IncidentDocument {
  const { incidentId, ...rest } = incident;
  const doc: Record<string, unknown> = { ...rest, _id: incidentId, updatedAt: new Date() };
  for (const field of dateFields) {
    const value = incident[field];
    if (value === undefined) delete doc[field];
    else doc[field] = new Date(value);
  }
  for (const field of pairFields) doc[field] = toStoredPairs(incident[field] ?? {});
  return doc as IncidentDocument;
}

export function fromIncidentDocument(doc: IncidentDocument): Incident {
  const { _id, updatedAt: _updatedAt, ...rest } = doc;
  const incident: Record<string, unknown> = { ...rest, incidentId: _id };
  for (const field of dateFields) {
    const value = doc[field];
    if (value instanceof Date) incident[field] = value.toISOString();
  }
  for (const field of pairFields) incident[field] = fromStoredPairs(doc[field]);
  return incident as unknown as Incident;
}
