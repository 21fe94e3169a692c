/** A round-trip check's workflow id: `diagnostics-round-trip-<checkId>`. */
export function roundTripWorkflowId(checkId: string): string {
  return `diagnostics-round-trip-${checkId}`;
}
