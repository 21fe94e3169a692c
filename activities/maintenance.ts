import { type MaintenanceHold, type MaintenanceScope, maintenanceHoldFor } from '../domain/maintenance';
import type { RuntimeOnCallReader } from '../infra/runtime-oncall';

export interface MaintenanceActivityDeps {
  /** The maintenance windows come with the rest of the on-call model made at run time. */
  runtimeOnCall: Pick<RuntimeOnCallReader, 'recent' | 'readAgain'>;
}

/** How old a read of the windows may be when an incident opens. */
const WINDOWS_FRESH_MS = 1000;
/** After a read MongoDB did not answer, how long the last read serves without asking again. */
const RETRY_AFTER_FAILURE_MS = 5000;

/**
 * The maintenance window holding a new incident, if any. A window made a
 * second ago counts: openings share a read made within the last second, or
 * wait for the next (one at a time); while MongoDB does not answer, the
 * windows last read serve, and it is asked again only every few seconds.
 */
export async function holdForNewIncident(
  deps: MaintenanceActivityDeps,
  scope: MaintenanceScope,
): Promise<MaintenanceHold | undefined> {
  const runtime = await deps.runtimeOnCall.recent(WINDOWS_FRESH_MS, RETRY_AFTER_FAILURE_MS);
  return maintenanceHoldFor(runtime.maintenance ?? [], scope, new Date());
}

export function createMaintenanceActivities(deps: MaintenanceActivityDeps) {
  return {
    /**
     * Which maintenance window, if any, holds an incident of this scope at
     * `at`: asked when the window holding it ends (or changed), from a fresh
     * read of the windows (the last one read while MongoDB does not answer).
     */
    async maintenanceHoldFor(input: MaintenanceScope & { at: string }): Promise<MaintenanceHold | undefined> {
      const windows = (await deps.runtimeOnCall.readAgain()).maintenance ?? [];
      return maintenanceHoldFor(windows, input, new Date(input.at));
    },
  };
}
