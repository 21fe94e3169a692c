import { Schema, type Connection, type Model } from 'mongoose';
import type { ComponentState, PublicUpdate, PublicUpdateStatus } from '../../domain/status-page';

/**
 * A component of the public status page, keyed by its id (read by a bare
 * `_id`): the services whose incidents set its state, where it is listed, and
 * the state a responder set over it until they clear it. Changed by
 * compare-and-set on `revision` (infra/revisions.ts).
 */
export interface StatusComponentDocument {
  _id: string;
  revision: number;
  name: string;
  description?: string;
  services: string[];
  order: number;
  override?: ComponentState;
  /** Who set the override, and when. */
  overrideBy?: string;
  overrideAt?: Date;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
}

const statusComponentSchema = new Schema<StatusComponentDocument>(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    name: { type: String, required: true },
    description: { type: String },
    services: { type: [String], required: true },
    order: { type: Number, required: true },
    override: { type: String },
    overrideBy: { type: String },
    overrideAt: { type: Date },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'status_components', versionKey: false },
);

/**
 * A public incident: what readers of the status page are told, written by
 * responders. A collection of its own, apart from the incident and its
 * timeline: the page reads only this, so an internal note cannot reach it.
 * `status` is its latest update's, kept for the page's queries.
 */
export interface PublicIncidentDocument {
  _id: string;
  revision: number;
  title: string;
  components: string[];
  /** The Fireline incident it is about, if any: for responders, never shown publicly. */
  incidentId?: string;
  status: PublicUpdateStatus;
  updates: PublicUpdate[];
  createdBy: string;
  createdAt: Date;
  resolvedAt?: Date;
  updatedAt: Date;
}

const publicUpdateSchema = new Schema<PublicUpdate>(
  {
    status: { type: String, required: true },
    body: { type: String, required: true },
    at: { type: String, required: true },
    author: { type: String, required: true },
  },
  { _id: false },
);

const publicIncidentSchema = new Schema<PublicIncidentDocument>(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    title: { type: String, required: true },
    components: { type: [String], required: true },
    incidentId: { type: String },
    status: { type: String, required: true },
    updates: { type: [publicUpdateSchema], required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    resolvedAt: { type: Date },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'public_incidents', versionKey: false },
);
publicIncidentSchema.index({ createdAt: -1 });

export function statusComponentModel(connection: Connection): Model<StatusComponentDocument> {
  return connection.model<StatusComponentDocument>('StatusComponent', statusComponentSchema);
}

export function publicIncidentModel(connection: Connection): Model<PublicIncidentDocument> {
  return connection.model<PublicIncidentDocument>('PublicIncident', publicIncidentSchema);
}

/**
 * An email subscriber of the status page, keyed by the SHA-256 of the token
 * of its confirmation link, which only the address's owner received. Mailed
 * only once `confirmed`. `unsubscribeToken` is in every mail's unsubscribe
 * link, so it is kept as it is: it can do nothing but end this subscription.
 */
export interface StatusSubscriberDocument {
  _id: string;
  email: string;
  confirmed: boolean;
  unsubscribeToken: string;
  createdAt: Date;
  confirmedAt?: Date;
}

const statusSubscriberSchema = new Schema<StatusSubscriberDocument>(
  {
    _id: { type: String, required: true },
    email: { type: String, required: true },
    confirmed: { type: Boolean, required: true },
    unsubscribeToken: { type: String, required: true },
    createdAt: { type: Date, required: true },
    confirmedAt: { type: Date },
  },
  { collection: 'status_subscribers', versionKey: false },
);
statusSubscriberSchema.index({ email: 1 });
statusSubscriberSchema.index({ unsubscribeToken: 1 }, { unique: true });

export function statusSubscriberModel(connection: Connection): Model<StatusSubscriberDocument> {
  return connection.model<StatusSubscriberDocument>('StatusSubscriber', statusSubscriberSchema);
}
