import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A writer's claim on the next revision of a versioned document
 * (`<collection>:<id>@<revision>`), held while it writes that revision: see
 * `changeByRevision` in infra/revisions.ts.
 */
export interface RevisionClaimDocument {
  _id: string;
  at: Date;
}

const revisionClaimSchema = new Schema<RevisionClaimDocument>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'revision_claims', versionKey: false },
);

export function revisionClaimModel(connection: Connection): Model<RevisionClaimDocument> {
  return connection.model<RevisionClaimDocument>('RevisionClaim', revisionClaimSchema);
}
