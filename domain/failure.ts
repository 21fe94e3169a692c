/**
 * What went wrong, in words a responder can act on. For a Temporal activity or
 * child-workflow failure the cause is the useful part ("HTTP 503",
 * "environment variable … is not set"), not the wrapper ("Activity task failed").
 */
export function failureMessage(err: unknown): string {
  if (err instanceof Error && err.cause instanceof Error) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
