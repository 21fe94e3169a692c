import { ModelChangeRefused } from '../../infra/runtime-model';
import { ConflictError, NotFoundError } from '../errors';

/** A refused change to a stored on-call object as the API answers it: 404, or 409 with the revision stored now. */
export function modelRefusal(err: unknown): unknown {
  if (!(err instanceof ModelChangeRefused)) return err;
  if (err.kind === 'not-found') return new NotFoundError(err.message);
  return new ConflictError(err.message, err.current === undefined ? undefined : { revision: err.current });
}

/** Runs a change to a stored object, its refusals answered as the API answers them. */
export async function answeringRefusals<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (err) {
    throw modelRefusal(err);
  }
}
