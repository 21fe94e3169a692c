import { createHash, randomBytes } from 'node:crypto';
import type { CalendarFeedDocument, Models } from './models';

type FeedModels = Pick<Models, 'CalendarFeed'>;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** Feed tokens: `fc_` and 256 random bits, so guessing one is hopeless. */
const TOKEN_PATTERN = /^fc_[A-Za-z0-9_-]{43}$/;

/** Makes a feed and answers its token, shown once (only its SHA-256 is stored). */
export async function createCalendarFeed(
  models: FeedModels,
  feed: { kind: CalendarFeedDocument['kind']; targetId: string },
  createdBy: string,
): Promise<{ feedId: string; token: string }> {
  const token = `fc_${randomBytes(32).toString('base64url')}`;
  const feedId = `CAL-${randomBytes(6).toString('hex').toUpperCase()}`;
  await models.CalendarFeed.create({ _id: digest(token), feedId, ...feed, createdBy, createdAt: new Date() });
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

export async function listCalendarFeeds(models: FeedModels): Promise<Omit<CalendarFeedDocument, '_id'>[]> {
  const docs = await models.CalendarFeed.find({}).sort({ createdAt: 1 }).lean();
  return docs.map(({ _id: _, ...feed }) => feed);
}

/** Revokes a feed by its public id; answers whether there was one. */
export async function revokeCalendarFeed(models: FeedModels, feedId: string): Promise<boolean> {
  return (await models.CalendarFeed.deleteOne({ feedId })).deletedCount === 1;
}
