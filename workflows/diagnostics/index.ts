import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { RoundTripInput, RoundTripResult } from '../../domain/diagnostics';

const { recordRoundTrip } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
  },
});

/** API → workflow → activity → MongoDB: the thinnest slice through every layer. */
export async function roundTripWorkflow(input: RoundTripInput): Promise<RoundTripResult> {
  return await recordRoundTrip({ ...input, workflowId: workflowInfo().workflowId });
}
