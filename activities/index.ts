import type { Models } from '../models';
import { createDiagnosticsActivities } from './diagnostics';

export interface ActivityDeps {
  models: Models;
}

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createDiagnosticsActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
