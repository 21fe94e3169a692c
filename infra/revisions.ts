import { setTimeout as sleep } from 'node:timers/promises';
import type { Model, UpdateQuery } from 'mongoose';
import type { RevisionClaimDocument } from './models';
import { isDuplicateKeyError } from './mongo';

/** A claim older than this was left by a writer that died between claiming and letting go: it is taken over. */
const CLAIM_STALE_MS = 30_000;
const MAX_ATTEMPTS = 20;

/** A document changed only by `changeByRevision`. */
export interface Revisioned {
  _id: string;
  revision: number;
}

/** What a change writes: fields to set (and to unset), and what the change answers. */
export interface RevisionChange<T> {
  set: Record<string, unknown>;
  unset?: Record<string, 1>;
  result: T;
}

/**
 * Changes one document by compare-and-set on its `revision`, retried when
 * someone else changed it in between; `change` may throw to refuse, and may
 * run more than once. FerretDB applies an update's filter and its write as
 * two steps, so a filtered update is no compare-and-set there: writers of the
 * same revision would all match. So a writer first claims the revision it is
 * about to write, by inserting `<collection>:<id>@<revision>`: an insert whose
 * `_id` is taken fails on FerretDB and MongoDB alike. Creating the document
 * is an insert too. `what` names the document in the error when it kept changing.
 */
export async function changeByRevision<D extends Revisioned, T>(
  model: Model<D>,
  claims: Model<RevisionClaimDocument>,
  id: string,
  what: string,
  change: (current: D | null) => RevisionChange<T>,
): Promise<T> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const doc = (await model.findById(id).lean()) as D | null;
    const { set, unset, result } = change(doc);
    if (!doc) {
      try {
        await model.create({ ...set, _id: id, revision: 1 });
        return result;
      } catch (err) {
        if (isDuplicateKeyError(err)) continue;
        throw err;
      }
    }
    const revision = doc.revision + 1;
    const claim = `${model.collection.name}:${id}@${revision}`;
    if (!(await claimed(claims, claim))) {
      // Another writer holds it: let it finish before reading again.
      await sleep(5 + Math.random() * 20);
      continue;
    }
    try {
      const written = await model.updateOne({ _id: id, revision: doc.revision }, {
        $set: { ...set, revision },
        ...(unset ? { $unset: unset } : {}),
      } as UpdateQuery<D>);
      if (written.matchedCount === 1) return result;
    } finally {
      // The document is past this revision now (or someone else's), so nobody needs the claim again.
      await claims.deleteOne({ _id: claim });
    }
  }
  throw new Error(`${what} kept changing; try again`);
}

/**
 * Deletes one document if it is still at `revision`, claiming the revision a
 * change would write so that no writer of it slips in between (see
 * `changeByRevision`); answers whether it deleted it.
 */
export async function deleteByRevision<D extends Revisioned>(
  model: Model<D>,
  claims: Model<RevisionClaimDocument>,
  id: string,
  revision: number,
): Promise<boolean> {
  const claim = `${model.collection.name}:${id}@${revision + 1}`;
  // A claim held by another writer means the revision is being replaced: this one is stale.
  if (!(await claimed(claims, claim))) return false;
  try {
    const deleted = await model.deleteOne({ _id: id, revision });
    return deleted.deletedCount === 1;
  } finally {
    await claims.deleteOne({ _id: claim });
  }
}

/** Takes the claim, or says who holds it; a stale one is dropped so the next attempt can take it. */
async function claimed(claims: Model<RevisionClaimDocument>, claim: string): Promise<boolean> {
  try {
    await claims.create({ _id: claim, at: new Date() });
    return true;
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    const held = await claims.findById(claim).lean();
    if (held && Date.now() - held.at.getTime() > CLAIM_STALE_MS)
      await claims.deleteOne({ _id: claim, at: held.at });
    return false;
  }
}
