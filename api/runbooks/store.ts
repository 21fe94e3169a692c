import type { DrillReportDocument } from '../../infra/models';
import type { ApiDeps } from '../deps';
import { NotFoundError } from '../errors';

// The runbooks' MongoDB reads (drill reports, which the drill's workflow stores): route files call these.

/** A stored drill report as the API returns it: times as ISO-8601. */
export type DrillReport = Omit<DrillReportDocument, '_id' | 'startedAt' | 'endedAt'> & {
  drillId: string;
  startedAt: string;
  endedAt: string;
};

/** The drill's report, or a 404. */
export async function loadDrillReport(deps: Pick<ApiDeps, 'models'>, drillId: string): Promise<DrillReport> {
  const doc = await deps.models.DrillReport.findById(drillId).lean();
  if (!doc) throw new NotFoundError(`No drill ${drillId}`);
  const { _id, startedAt, endedAt, ...rest } = doc;
  return { drillId: _id, ...rest, startedAt: startedAt.toISOString(), endedAt: endedAt.toISOString() };
}
