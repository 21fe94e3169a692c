import { createHash, randomBytes } from 'node:crypto';
import type { CalendarFeedDocument, Models } from './models';

type FeedModels = Pick<Models, 'CalendarFeed'>;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** Feed tokens: `fc_` and 256 random bits, so guessing one is hopeless. */
const TOKEN_PATTERN = /^fc_[A-Za-z0-9_-]{43}$/;

/** How many feeds one API key may have at a time: each is a standing secret URL to someone's shifts. */
export const MAX_FEEDS_PER_KEY = 20;

/** A key that has MAX_FEEDS_PER_KEY feeds already asked for another. */
export class FeedLimitReached extends Error {
  override readonly name = 'FeedLimitReached';
  constructor(readonly limit: number) {
    super(
      `this API key has ${limit} calendar feeds, the most one key may have: ` +
        'revoke one (DELETE /v1/calendar-feeds/{feedId}) before making another',
    );
  }
}

/**
 * Makes a feed and answers its token, shown once (only its SHA-256 is stored).
 * A key may have at most `limit` feeds: counted before the insert, and again
 * after it, so that keys racing past the limit take their feeds back instead
 * of keeping them (there are no transactions to make the count and the insert one).
 */
export async function createCalendarFeed(
  models: FeedModels,
  feed: { kind: CalendarFeedDocument['kind']; targetId: string },
  creator: { actor: string; keyId: string },
  limit = MAX_FEEDS_PER_KEY,
): Promise<{ feedId: string; token: string }> {
  const ofKey = { createdByKey: creator.keyId };
  if ((await models.CalendarFeed.countDocuments(ofKey)) >= limit) throw new FeedLimitReached(limit);
  const token = `fc_${randomBytes(32).toString('base64url')}`;
  const feedId = `CAL-${randomBytes(6).toString('hex').toUpperCase()}`;
  await models.CalendarFeed.create({
    _id: digest(token),
    feedId,
    ...feed,
    createdBy: creator.actor,
    createdByKey: creator.keyId,
    createdAt: new Date(),
  });
  if ((await models.CalendarFeed.countDocuments(ofKey)) > limit) {
    await models.CalendarFeed.deleteOne({ _id: digest(token) });
    throw new FeedLimitReached(limit);
  }
  return { feedId, token };
}

/** The feed a token opens, if any (looked up by its digest, the document's `_id`). */
export async function findCalendarFeed(
  models: FeedModels,
  token: string,
): Promise<CalendarFeedDocument | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  return (await models.CalendarFeed.findById(digest(token)).lean()) ?? undefined;
}

export async function listCalendarFeeds(
  models: FeedModels,
): Promise<Omit<CalendarFeedDocument, '_id' | 'createdByKey'>[]> {
  const docs = await models.CalendarFeed.find({}).sort({ createdAt: 1 }).lean();
  return docs.map(({ _id: _, createdByKey: __, ...feed }) => feed);
}

/** Revokes a feed by its public id; answers whether there was one. */
export async function revokeCalendarFeed(models: FeedModels, feedId: string): Promise<boolean> {
  return (await models.CalendarFeed.deleteOne({ feedId })).deletedCount === 1;
}
