import type { FilterQuery } from 'mongoose';
import type { IncidentSeverity } from '../../domain/incident';
import type { Postmortem, PostmortemStatus } from '../../domain/postmortem';
import { fromPostmortemDocument, type PostmortemDocument } from '../../infra/models';
import type { ApiDeps } from '../deps';
import { NotFoundError } from '../errors';

// The post-mortems' MongoDB reads and writes, for the JSON API and the web UI alike: route files call these.

type Store = Pick<ApiDeps, 'models'>;

/** The post-mortem, or a 404. */
export async function loadPostmortem(deps: Store, id: string): Promise<Postmortem> {
  const doc = await deps.models.Postmortem.findById(id).lean();
  if (!doc) throw new NotFoundError(`No post-mortem ${id}`);
  return fromPostmortemDocument(doc);
}

/** Whether the post-mortem exists, without reading it. */
export async function postmortemExists(deps: Store, id: string): Promise<boolean> {
  return (await deps.models.Postmortem.exists({ _id: id })) !== null;
}

export interface PostmortemListQuery {
  service?: string;
  severity?: IncidentSeverity;
  status?: PostmortemStatus;
  /** ISO-8601; detected at or after. */
  from?: string;
  /** ISO-8601; detected before. */
  to?: string;
  limit: number;
}

/** Post-mortems, latest detected first. */
export async function listPostmortems(deps: Store, query: PostmortemListQuery): Promise<Postmortem[]> {
  const filter: FilterQuery<PostmortemDocument> = {};
  if (query.service) filter.service = query.service;
  if (query.severity) filter.severity = query.severity;
  if (query.status) filter.status = query.status;
  if (query.from || query.to) {
    // Stored as ISO-8601 UTC strings, which order like the instants they name.
    filter['times.detectedAt'] = {
      ...(query.from ? { $gte: new Date(query.from).toISOString() } : {}),
      ...(query.to ? { $lt: new Date(query.to).toISOString() } : {}),
    };
  }
  const docs = await deps.models.Postmortem.find(filter)
    .sort({ 'times.detectedAt': -1 })
    .limit(query.limit)
    .lean();
  return docs.map(fromPostmortemDocument);
}

/** What a reviewer may edit. */
export type PostmortemChanges = Partial<
  Pick<
    Postmortem,
    | 'summary'
    | 'rootCause'
    | 'contributingFactors'
    | 'mitigators'
    | 'lessonsLearned'
    | 'owner'
    | 'actionItems'
    | 'status'
  >
>;

/**
 * Applies the changes if the post-mortem still has the status they were
 * checked against; undefined when it changed meanwhile (or is gone).
 */
export async function updatePostmortemIfStatus(
  deps: Store,
  id: string,
  expectedStatus: PostmortemStatus,
  changes: PostmortemChanges,
): Promise<Postmortem | undefined> {
  const updated = await deps.models.Postmortem.findOneAndUpdate(
    { _id: id, status: expectedStatus },
    { $set: { ...changes, updatedAt: new Date().toISOString() } },
    { new: true, runValidators: true },
  ).lean();
  return updated ? fromPostmortemDocument(updated) : undefined;
}
