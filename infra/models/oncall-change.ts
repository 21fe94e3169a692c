import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One change to the on-call model made at run time: who made which revision
 * of what, and when. Written once, never changed; keyed
 * `<kind>:<id>@<revision>:<epoch ms>` (an id deleted and made again starts at revision 1 again).
 */
export interface OnCallChangeDocument {
  _id: string;
  kind: 'schedule' | 'policy' | 'person' | 'team' | 'service';
  objectId: string;
  revision: number;
  action: 'created' | 'updated' | 'deleted';
  actor: string;
  at: Date;
}

const onCallChangeSchema = new Schema<OnCallChangeDocument>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    objectId: { type: String, required: true },
    revision: { type: Number, required: true },
    action: { type: String, required: true },
    actor: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'oncall_changes', versionKey: false },
);
onCallChangeSchema.index({ kind: 1, objectId: 1, at: 1 });

export function onCallChangeModel(connection: Connection): Model<OnCallChangeDocument> {
  return connection.model<OnCallChangeDocument>('OnCallChange', onCallChangeSchema);
}
