import { MongoUnavailableError, withMongoTimeout } from './mongo';

export interface LastGoodCacheOptions {
  /** A verified answer is used without asking MongoDB again for this long. */
  freshMs: number;
  /**
   * While MongoDB does not answer, the last verified answer still serves for
   * this long after MongoDB last confirmed it; 0 = never.
   */
  graceMs: number;
  /** How long one lookup waits for MongoDB. */
  lookupTimeoutMs: number;
}

interface Entry<T> {
  value: T;
  verifiedAt: number;
  /** The answer's own end (a session's expiry), if it has one. */
  expiresAt?: number;
  /** When onStale was last told about this entry: once a minute is enough for a log. */
  staleReportedAt?: number;
}

const STALE_REPORT_EVERY_MS = 60_000;

/** After a lookup got no answer, the last good copy answers at once for this long (one lookup at a time checks). */
const ASSUME_UNAVAILABLE_MS = 5_000;

/**
 * Credentials checked against MongoDB, remembered so the paging path does not
 * depend on MongoDB answering: a lookup waits at most `lookupTimeoutMs`, and
 * when MongoDB does not answer, an answer it gave within `graceMs` stands in.
 * MongoDB's "no such thing" is an answer: it drops what was remembered. When
 * there is no answer and nothing to fall back to, `get` throws MongoUnavailableError.
 */
export class LastGoodCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly inflight = new Map<string, Promise<T | undefined>>();
  /** Keys forgotten while their lookup was under way: that lookup's answer predates the forgetting. */
  private readonly forgotten = new Set<string>();
  private unavailableUntil = 0;

  constructor(
    private readonly what: string,
    private readonly options: LastGoodCacheOptions,
    /** Told when a remembered answer stands in for MongoDB's (at most once a minute per entry). */
    private readonly onStale: (value: T, verifiedAt: Date) => void = () => undefined,
  ) {}

  async get(
    key: string,
    lookup: () => Promise<{ value: T; expiresAt?: number } | undefined>,
  ): Promise<T | undefined> {
    const now = Date.now();
    let entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= now) {
      this.entries.delete(key);
      entry = undefined;
    }
    if (entry && now - entry.verifiedAt < this.options.freshMs) return entry.value;
    const fallback = entry && now - entry.verifiedAt < this.options.graceMs ? entry : undefined;
    const answer = this.lookup(key, lookup);
    if (fallback && now < this.unavailableUntil) {
      // The lookup goes on in the background: an answer updates or drops the entry.
      answer.catch(() => undefined);
      this.reportStale(fallback);
      return fallback.value;
    }
    try {
      return await answer;
    } catch (err) {
      if (!(err instanceof MongoUnavailableError) || !fallback) throw err;
      this.reportStale(fallback);
      return fallback.value;
    }
  }

  private reportStale(entry: Entry<T>): void {
    const now = Date.now();
    if (entry.staleReportedAt !== undefined && now - entry.staleReportedAt < STALE_REPORT_EVERY_MS) return;
    entry.staleReportedAt = now;
    this.onStale(entry.value, new Date(entry.verifiedAt));
  }

  /** Drops a remembered answer now (signing out), including one a lookup under way would bring. */
  forget(key: string): void {
    this.entries.delete(key);
    if (this.inflight.has(key)) this.forgotten.add(key);
  }

  private lookup(
    key: string,
    lookup: () => Promise<{ value: T; expiresAt?: number } | undefined>,
  ): Promise<T | undefined> {
    const running = this.inflight.get(key);
    if (running) return running;
    const answer = (async () => {
      try {
        const found = await withMongoTimeout(this.what, this.options.lookupTimeoutMs, lookup);
        this.unavailableUntil = 0;
        if (!found || this.forgotten.has(key)) {
          this.entries.delete(key);
          return undefined;
        }
        this.prune();
        this.entries.set(key, { value: found.value, verifiedAt: Date.now(), expiresAt: found.expiresAt });
        return found.value;
      } catch (err) {
        if (err instanceof MongoUnavailableError) this.unavailableUntil = Date.now() + ASSUME_UNAVAILABLE_MS;
        throw err;
      } finally {
        this.inflight.delete(key);
        this.forgotten.delete(key);
      }
    })();
    this.inflight.set(key, answer);
    return answer;
  }

  /** Keeps the map to entries that could still be used. */
  private prune(): void {
    if (this.entries.size < 1000) return;
    const oldest = Date.now() - Math.max(this.options.freshMs, this.options.graceMs);
    for (const [key, entry] of this.entries) if (entry.verifiedAt <= oldest) this.entries.delete(key);
  }
}
