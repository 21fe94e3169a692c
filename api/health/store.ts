import type { ApiDeps } from '../deps';
import { NotFoundError } from '../errors';

// The operators' endpoints' MongoDB reads (round-trip checks): route files call these.

type Store = Pick<ApiDeps, 'models'>;

/** A round-trip check as the API returns it: times as ISO-8601. */
export interface RoundTripCheckRecord {
  checkId: string;
  workflowId: string;
  requestedAt: string;
  recordedAt: string;
}

/** The round-trip check the diagnostics workflow recorded, or a 404. */
export async function loadRoundTripCheck(deps: Store, checkId: string): Promise<RoundTripCheckRecord> {
  const check = await deps.models.RoundTripCheck.findById(checkId).lean();
  if (!check) throw new NotFoundError(`No round-trip check ${checkId}`);
  return {
    checkId: check._id,
    workflowId: check.workflowId,
    requestedAt: check.requestedAt.toISOString(),
    recordedAt: check.recordedAt.toISOString(),
  };
}
