import type { Connection } from 'mongoose';
import { roundTripCheckModel } from './round-trip-check';

export type { RoundTripCheck } from './round-trip-check';

/** All mongoose models of Fireline, bound to one connection. */
export function createModels(connection: Connection) {
  return {
    RoundTripCheck: roundTripCheckModel(connection),
  };
}

export type Models = ReturnType<typeof createModels>;

/** Creates the indexes every model declares; run once at boot by the worker and the API. */
export async function ensureIndexes(models: Models): Promise<void> {
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
}
