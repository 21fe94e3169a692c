import { createHash, randomBytes } from 'node:crypto';
import { principalOfKeyId, type Principal } from './api-keys';
import { LastGoodCache } from './last-good-cache';
import type { Logger } from './logger';
import type { Models } from './models';
import { DEFAULT_MONGO_LOOKUP_TIMEOUT_MS, MongoUnavailableError, withMongoTimeout } from './mongo';

/** A session id as the browser holds it: 32 random bytes, base64url. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** How often a sign-out MongoDB did not take is tried again. */
const REVOKE_RETRY_MS = 10_000;

export interface UiSessionStoreOptions {
  /** A session lasts this long from sign-in (its key may be revoked sooner). */
  ttlMs: number;
  /** A verified session is trusted without a lookup for this long (another replica's sign-out takes effect within it). */
  cacheMs: number;
  /** While MongoDB does not answer, a session verified within this long still works. */
  outageGraceMs: number;
  lookupTimeoutMs?: number;
  logger: Pick<Logger, 'warn' | 'info'>;
}

/**
 * The web UI's sessions, kept server-side: the cookie holds a random id, MongoDB
 * its SHA-256 with the key it acts as and its expiry. Signing out deletes it,
 * so a copied cookie stops working; a revoked key ends its sessions. Like API
 * keys, a session verified before keeps working while MongoDB does not answer
 * (see LastGoodCache), so a responder can act from the web UI during an outage.
 */
export class UiSessionStore {
  private readonly cache: LastGoodCache<Principal>;
  private readonly lookupTimeoutMs: number;

  constructor(
    private readonly models: Pick<Models, 'UiSession' | 'ApiKey'>,
    private readonly options: UiSessionStoreOptions,
  ) {
    this.lookupTimeoutMs = options.lookupTimeoutMs ?? DEFAULT_MONGO_LOOKUP_TIMEOUT_MS;
    this.cache = new LastGoodCache<Principal>(
      'web UI session lookup',
      { freshMs: options.cacheMs, graceMs: options.outageGraceMs, lookupTimeoutMs: this.lookupTimeoutMs },
      (principal, verifiedAt) =>
        options.logger.warn(
          { keyId: principal.keyId, verifiedAt },
          'MongoDB did not answer: a web UI session goes on as last verified',
        ),
    );
  }

  /** Starts a session for a verified principal; its id is for the cookie only. Throws MongoUnavailableError. */
  async create(principal: Principal): Promise<{ sessionId: string; expiresAt: Date }> {
    const sessionId = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.options.ttlMs);
    await withMongoTimeout('saving a web UI session', this.lookupTimeoutMs, () =>
      this.models.UiSession.create({
        _id: digestOf(sessionId),
        keyId: principal.keyId,
        createdAt: now,
        expiresAt,
      }),
    );
    // Housekeeping beside the sign-in, never in its way.
    this.models.UiSession.deleteMany({ expiresAt: { $lte: now } }).catch((err: unknown) =>
      this.options.logger.warn({ err }, 'could not delete expired web UI sessions'),
    );
    return { sessionId, expiresAt };
  }

  /**
   * The principal the session acts as, or undefined (unknown, expired, signed
   * out, key revoked). Throws MongoUnavailableError when MongoDB does not answer and the session
   * was not verified within the grace time.
   */
  async verify(sessionId: string): Promise<Principal | undefined> {
    if (!SESSION_ID.test(sessionId)) return undefined;
    const digest = digestOf(sessionId);
    return this.cache.get(digest, async () => {
      const session = await this.models.UiSession.findById(digest).lean();
      if (!session || session.expiresAt.getTime() <= Date.now()) return undefined;
      const principal = await principalOfKeyId(this.models, session.keyId);
      return principal && { value: principal, expiresAt: session.expiresAt.getTime() };
    });
  }

  /**
   * Ends the session: at once in this process, and in MongoDB, which other
   * processes ask. When MongoDB does not answer, the deletion is retried in the
   * background until it is done or the session has expired anyway.
   */
  async revoke(sessionId: string): Promise<void> {
    if (!SESSION_ID.test(sessionId)) return;
    const digest = digestOf(sessionId);
    this.cache.forget(digest);
    const remove = () =>
      withMongoTimeout('deleting a web UI session', this.lookupTimeoutMs, () =>
        this.models.UiSession.deleteOne({ _id: digest }),
      );
    try {
      await remove();
    } catch (err) {
      if (!(err instanceof MongoUnavailableError)) throw err;
      this.options.logger.warn(
        'MongoDB did not answer: a sign-out is retried until MongoDB has deleted the session',
      );
      const giveUpAt = Date.now() + this.options.ttlMs;
      const retry = () => {
        remove().then(
          () => this.options.logger.info('a sign-out delayed by MongoDB is done'),
          () => {
            if (Date.now() < giveUpAt) setTimeout(retry, REVOKE_RETRY_MS).unref();
          },
        );
      };
      setTimeout(retry, REVOKE_RETRY_MS).unref();
    }
  }
}

function digestOf(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}
