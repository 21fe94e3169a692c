import { Schema, type Connection, type Model } from 'mongoose';
import type { ContactMethod } from '../../domain/contact-methods';
import type { NotificationRules } from '../../domain/notification-rules';

/**
 * A person's contact methods and notification rules, in one document keyed by the catalog person id
 * (FerretDB finds a document by key only for a bare `_id`): a change is a
 * compare-and-set on `revision`, as for schedule overrides. The methods are
 * stored as plain objects (their shape differs by type; validated before
 * they are written); none has a field name with a `.` or a leading `$`.
 */
export interface ContactMethodsDocument {
  _id: string;
  revision: number;
  contactMethods: ContactMethod[];
  /** Absent until the person sets rules: the default rules apply. */
  notificationRules?: NotificationRules;
}

const contactMethodsSchema = new Schema<ContactMethodsDocument>(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    contactMethods: { type: Schema.Types.Mixed, default: [] },
    notificationRules: { type: Schema.Types.Mixed },
  },
  { collection: 'contact_methods', versionKey: false },
);

export function contactMethodsModel(connection: Connection): Model<ContactMethodsDocument> {
  return connection.model<ContactMethodsDocument>('ContactMethods', contactMethodsSchema);
}
