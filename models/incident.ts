import { Schema, type Connection, type Model } from 'mongoose';
import type { Incident } from '../domain/incident';

const dateFields = [
  'firstAlertAt',
  'lastAlertAt',
  'openedAt',
  'acknowledgedAt',
  'snoozedUntil',
  'resolvedAt',
  'mitigatedAt',
] as const;
type DateField = (typeof dateFields)[number];

/** An incident as stored: the workflow's Incident with its timestamps as Dates, keyed by incidentId. */
export type IncidentDocument = Omit<Incident, DateField | 'incidentId'> & {
  _id: string;
  firstAlertAt: Date;
  lastAlertAt: Date;
  openedAt: Date;
  acknowledgedAt?: Date;
  snoozedUntil?: Date;
  resolvedAt?: Date;
  mitigatedAt?: Date;
  updatedAt: Date;
};

const incidentSchema = new Schema<IncidentDocument>(
  {
    _id: { type: String, required: true },
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
    commander: String,
    triage: { type: Schema.Types.Mixed, required: true },
    escalation: { type: Schema.Types.Mixed, required: true },
    alertCount: { type: Number, required: true },
    firstAlertAt: { type: Date, required: true },
    lastAlertAt: { type: Date, required: true },
    openedAt: { type: Date, required: true },
    acknowledgedAt: Date,
    acknowledgedBy: String,
    snoozedUntil: Date,
    resolvedAt: Date,
    resolvedBy: String,
    resolutionNote: String,
    labels: { type: Schema.Types.Mixed, default: {} },
    links: { type: Schema.Types.Mixed, default: [] },
    mitigatedAt: Date,
    runbookRuns: { type: Schema.Types.Mixed, default: [] },
    slaBreaches: { type: Schema.Types.Mixed, default: [] },
    approvals: { type: Schema.Types.Mixed, default: [] },
    version: { type: Number, required: true },
    timelineLength: { type: Number, required: true },
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
  return doc as IncidentDocument;
}

export function fromIncidentDocument(doc: IncidentDocument): Incident {
  const { _id, updatedAt: _updatedAt, ...rest } = doc;
  const incident: Record<string, unknown> = { ...rest, incidentId: _id };
  for (const field of dateFields) {
    const value = doc[field];
    if (value instanceof Date) incident[field] = value.toISOString();
  }
  return incident as unknown as Incident;
}
