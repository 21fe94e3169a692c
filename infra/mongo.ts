import mongoose from 'mongoose';
import type { Logger } from './logger';

/**
 * One mongoose connection per process. Fireline's mongoose code must run on
 * MongoDB >= 6 and on FerretDB alike: no multi-document transactions and no
 * change streams anywhere.
 */
export async function connectMongo(uri: string): Promise<mongoose.Connection> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5_000,
    // Indexes are created explicitly at boot (ensureIndexes), not lazily per model.
    autoIndex: false,
  });
  await connection.asPromise();
  return connection;
}

/**
 * MongoDB did not answer in time, or could not be reached: as opposed to an
 * answer (a document, or none). Callers on the paging path fall back to what
 * they last read; the API answers 503 with Retry-After when there is nothing to fall back to.
 */
export class MongoUnavailableError extends Error {
  constructor(what: string, cause?: unknown) {
    super(`MongoDB did not answer: ${what}`, cause === undefined ? undefined : { cause });
    this.name = 'MongoUnavailableError';
  }
}

/** How long a read on the paging path waits for MongoDB unless configured (MONGODB_LOOKUP_TIMEOUT_MS). */
export const DEFAULT_MONGO_LOOKUP_TIMEOUT_MS = 1_500;

/**
 * Waits at most `timeoutMs` for a MongoDB operation; a timeout or any failure
 * to get an answer becomes a MongoUnavailableError. The race is needed because
 * a hung server (process stopped, network black hole) leaves the socket open
 * and silent: the driver's own timeouts (maxTimeMS is server-side; mongoose's
 * buffering covers only a disconnected client) never fire then. The operation
 * itself is left to finish or fail on its own.
 */
export async function withMongoTimeout<T>(
  what: string,
  timeoutMs: number,
  work: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new MongoUnavailableError(`${what} (no answer within ${timeoutMs} ms)`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work(), timeout]);
  } catch (err) {
    if (err instanceof MongoUnavailableError || isDocumentRefusal(err)) throw err;
    throw new MongoUnavailableError(`${what} (${err instanceof Error ? err.message : String(err)})`, err);
  } finally {
    clearTimeout(timer);
  }
}

/** A connection that (re)connects in the background; `close` also stops the retries. */
export interface BackgroundMongoConnection {
  /** Usable at once: mongoose buffers commands until it is connected (bound your reads). */
  connection: mongoose.Connection;
  /** Resolves once connected and `onConnected` has succeeded (never rejects). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects without making the caller wait for MongoDB, so a process can
 * start and serve what needs only Temporal while MongoDB is unreachable. Until
 * the first connection succeeds it retries (backing off to `maxRetryMs`); then
 * `onConnected` runs (building indexes, say), retried the same way until it
 * succeeds. Once connected, the driver itself reconnects after later outages.
 */
export function connectMongoInBackground(
  uri: string,
  options: {
    logger: Pick<Logger, 'info' | 'warn'>;
    onConnected?: (connection: mongoose.Connection) => Promise<void>;
    maxRetryMs?: number;
  },
): BackgroundMongoConnection {
  const maxRetryMs = options.maxRetryMs ?? 5_000;
  const connectOptions = { serverSelectionTimeoutMS: 5_000, autoIndex: false };
  // No URI to a log: it may carry a password.
  const connection = mongoose.createConnection();
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let wake: () => void = () => undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      retryTimer = setTimeout(resolve, ms);
    });

  /** Runs `work` until it succeeds or the connection is closed; answers whether it succeeded. */
  const untilDone = async (work: () => Promise<unknown>, failed: string): Promise<boolean> => {
    for (let attempt = 1; !closed; attempt++) {
      try {
        await work();
        return true;
      } catch (err) {
        if (closed) return false;
        const retryMs = Math.min(maxRetryMs, 500 * 2 ** Math.min(attempt, 10));
        options.logger.warn(
          { err: err instanceof Error ? err.message : String(err), attempt, retryMs },
          failed,
        );
        await pause(retryMs);
      }
    }
    return false;
  };

  const run = async () => {
    const connected = await untilDone(
      () => connection.openUri(uri, connectOptions),
      'MongoDB is unreachable; serving without it and connecting again',
    );
    if (!connected) return;
    options.logger.info('connected to MongoDB');
    const onConnected = options.onConnected;
    if (onConnected)
      await untilDone(() => onConnected(connection), 'MongoDB start-up work failed; trying again');
  };
  const ready = run();

  return {
    connection,
    ready,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      wake();
      await connection.close();
    },
  };
}

export async function pingMongo(connection: mongoose.Connection): Promise<void> {
  if (connection.readyState !== mongoose.ConnectionStates.connected || !connection.db) {
    throw new Error(`MongoDB connection is ${mongoose.ConnectionStates[connection.readyState]}`);
  }
  await connection.db.admin().command({ ping: 1 });
}

/** MongoDB's duplicate-key error (E11000): how a conditional upsert says "a newer document is there". */
export function isDuplicateKeyError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !('code' in err) || err.code !== 11000) return false;
  // A bulk write reports 11000 if any of its writes hit one: only when all did is it a duplicate-key error.
  const writeErrors = 'writeErrors' in err ? err.writeErrors : undefined;
  return (
    !Array.isArray(writeErrors) ||
    writeErrors.every((w: unknown) => typeof w === 'object' && w !== null && 'code' in w && w.code === 11000)
  );
}

/**
 * Server error codes meaning "this document will never be accepted", as
 * opposed to a server that is away or busy: BadValue, TypeMismatch,
 * FailedToParse, DollarPrefixedFieldName, InvalidDBRef, EmptyFieldName,
 * DottedFieldName, DocumentValidationFailure, BSONObjectTooLarge, KeyTooLong.
 */
const documentRefusalCodes = new Set([2, 9, 14, 52, 55, 56, 57, 121, 10334, 17280]);

/**
 * Whether MongoDB (or the driver, before sending) refused the document itself,
 * so retrying the same write can never succeed.
 */
export function isDocumentRefusal(err: unknown): boolean {
  if (err instanceof mongoose.Error.ValidationError || err instanceof mongoose.Error.CastError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const name = (err as { name?: unknown }).name;
  // The driver's serializer refuses what BSON cannot hold (a key with a NUL, a document over 16 MB).
  if (name === 'BSONError') return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number' && documentRefusalCodes.has(code)) return true;
  const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
  return (
    Array.isArray(writeErrors) &&
    writeErrors.length > 0 &&
    writeErrors.every(
      (w: unknown) => isDocumentRefusal(w) || isDocumentRefusal((w as { err?: unknown })?.err),
    )
  );
}
