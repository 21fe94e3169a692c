import mongoose from 'mongoose';

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
