import { createHash } from 'node:crypto';
import type { Models } from './models';
import { withMongoTimeout } from './mongo';

/**
 * Whose turn it is on a round-robin level: how many incidents the level has
 * paged before, counted in MongoDB (one `$inc` by `_id`). While MongoDB does
 * not answer within `timeoutMs`, a turn from the incident's id stands in, so
 * the page goes out at once and incidents still spread across the level.
 */
export async function nextTurn(
  models: Pick<Models, 'RoundRobinTurns'>,
  levelId: string,
  incidentKey: string,
  timeoutMs: number,
): Promise<number> {
  try {
    const before = await withMongoTimeout('taking a round-robin turn', timeoutMs, () =>
      models.RoundRobinTurns.findOneAndUpdate(
        { _id: levelId },
        { $inc: { turns: 1 } },
        { upsert: true, new: false },
      ).lean(),
    );
    return before?.turns ?? 0;
  } catch {
    return createHash('sha256').update(incidentKey).digest().readUInt32BE(0);
  }
}
