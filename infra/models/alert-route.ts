import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Where an alert's triggers went when a grouping rule put them into an
 * incident: an acknowledge or resolve without the trigger's fields (a
 * PagerDuty acknowledge has no labels) finds the incident here.
 */
export interface AlertRouteDocument {
  /** `alertRouteId(service, dedupKey)`: read by a bare `_id`, which every MongoDB-wire server looks up by key. */
  _id: string;
  /** The grouped incident (`incident-group:…`) or the time-based group's router (`alert-group:…`). */
  workflowId: string;
  service: string;
  dedupKey: string;
  /** The latest trigger's summary, cut short. */
  summary: string;
  firstSeenAt: Date;
  /** Updated at most about once a minute per API process: a storm does not rewrite it per trigger. */
  lastSeenAt: Date;
}

const alertRouteSchema = new Schema<AlertRouteDocument>(
  {
    _id: { type: String, required: true },
    workflowId: { type: String, required: true },
    service: { type: String, required: true },
    dedupKey: { type: String, required: true },
    summary: { type: String, default: '' },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
  },
  { collection: 'alert_routes', versionKey: false },
);
// An incident's alerts, all of them (its workflow state keeps only what fits its budget).
alertRouteSchema.index({ workflowId: 1 });

export function alertRouteModel(connection: Connection): Model<AlertRouteDocument> {
  return connection.model<AlertRouteDocument>('AlertRoute', alertRouteSchema);
}
