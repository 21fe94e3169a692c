import type { RoundTripInput, RoundTripResult } from '../domain/diagnostics';
import type { Models } from '../infra/models';

export function createDiagnosticsActivities(deps: { models: Pick<Models, 'RoundTripCheck'> }) {
  return {
    /**
     * Records a round-trip check. Keyed by checkId, so a retried attempt
     * rewrites the same document instead of adding another.
     */
    async recordRoundTrip(input: RoundTripInput & { workflowId: string }): Promise<RoundTripResult> {
      const recordedAt = new Date();
      await deps.models.RoundTripCheck.updateOne(
        { _id: input.checkId },
        {
          $set: { workflowId: input.workflowId, requestedAt: new Date(input.requestedAt), recordedAt },
          $inc: { attempts: 1 },
        },
        { upsert: true },
      );
      return {
        checkId: input.checkId,
        workflowId: input.workflowId,
        requestedAt: input.requestedAt,
        recordedAt: recordedAt.toISOString(),
      };
    },
  };
}
