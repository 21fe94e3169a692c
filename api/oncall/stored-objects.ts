// What schedules and escalation policies made at run time have in common as
// the API shows and guards them: who manages one, its revision stamp, and the
// refusals of a change.
import type { ImportSource, RevisionStamp, ScheduleManager } from '../../domain/runtime-schedules';
import { ModelChangeRefused } from '../../infra/runtime-model';
import { ConflictError, NotFoundError } from '../errors';

/** A stored object as the merged catalog holds it; one of the catalog file has no revision. */
export type MaybeStored = Partial<RevisionStamp> & { managedBy?: ScheduleManager; source?: ImportSource };

/** Who manages an object, and for a stored one its revision stamp and source, as the API shows them. */
export type ManagedFields =
  { managedBy: 'file' } | ({ managedBy: ScheduleManager; source?: ImportSource } & RevisionStamp);

export function managedFields(object: MaybeStored): ManagedFields {
  if (object.revision === undefined) return { managedBy: 'file' };
  const { revision, createdBy, createdAt, updatedBy, updatedAt } = object as RevisionStamp;
  return {
    managedBy: object.managedBy ?? 'api',
    revision,
    createdBy,
    createdAt,
    updatedBy,
    updatedAt,
    ...(object.source ? { source: object.source } : {}),
  };
}

/**
 * Refuses a change to an object of the catalog file (its team changes it
 * there), or to one a configuration file manages that does not come from
 * `fireline config apply` (`by`).
 */
export function refuseManaged(
  title: string,
  inFile: boolean,
  /** As the merged catalog holds it: one of the catalog file carries no manager. */
  stored: object | undefined,
  by: ScheduleManager | undefined,
): void {
  if (inFile)
    throw new ConflictError(
      `${title} is managed by the catalog file (config/oncall-catalog.ts): change it there`,
      {
        managedBy: 'file',
      },
    );
  if ((stored as MaybeStored | undefined)?.managedBy === 'config' && by !== 'config')
    throw new ConflictError(
      `${title} is managed by a configuration file (fireline config apply): change it there`,
      {
        managedBy: 'config',
      },
    );
}

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
