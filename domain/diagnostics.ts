/** Input of the round-trip diagnostics workflow (JSON-safe: timestamps as ISO strings). */
export interface RoundTripInput {
  checkId: string;
  requestedAt: string;
}

/** What the round-trip activity stored, as returned to the API. */
export interface RoundTripResult {
  checkId: string;
  workflowId: string;
  requestedAt: string;
  recordedAt: string;
}
