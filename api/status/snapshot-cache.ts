import type { StatusSnapshot } from '../../domain/status-page';
import { withMongoTimeout } from '../../infra/mongo';

export interface SnapshotCacheOptions {
  /** A snapshot this young is served without asking MongoDB again. */
  freshMs: number;
  /** How long one read of the page's data waits for MongoDB. */
  lookupTimeoutMs: number;
  /** Told when a refresh failed: the last snapshot goes on being served. */
  onRefreshFailed: (err: unknown) => void;
}

interface Held {
  snapshot: StatusSnapshot;
  builtAt: number;
  /** Each form the page is served in, rendered once per snapshot. */
  rendered: Map<string, string>;
}

/**
 * The public status page's data, read from MongoDB at most once per
 * `freshMs` however many readers come: an older copy is served at once while
 * one refresh runs behind it, and when MongoDB does not answer, the last copy
 * stays in service for as long as it takes. (infra/last-good-cache.ts has a
 * reader wait for its lookup once the copy is no longer fresh, and drops it
 * after a grace period: right for credentials, not for a page that must answer
 * a crowd during an outage.) Only the very first read waits for MongoDB.
 */
export class StatusSnapshotCache {
  private held: Held | undefined;
  private refreshing: Promise<Held> | undefined;
  /** No refresh starts before this, after one failed: a crowd must not turn into a retry storm. */
  private retryAfter = 0;

  constructor(
    private readonly load: () => Promise<StatusSnapshot>,
    private readonly options: SnapshotCacheOptions,
  ) {}

  /** The form `kind` of the current snapshot, rendered by `render` the first time it is asked for. */
  async rendered(kind: string, render: (snapshot: StatusSnapshot) => string): Promise<string> {
    const held = await this.current();
    let text = held.rendered.get(kind);
    if (text === undefined) {
      text = render(held.snapshot);
      held.rendered.set(kind, text);
    }
    return text;
  }

  async snapshot(): Promise<StatusSnapshot> {
    return (await this.current()).snapshot;
  }

  private async current(): Promise<Held> {
    const held = this.held;
    if (!held) return this.refresh();
    const now = Date.now();
    if (now - held.builtAt >= this.options.freshMs && now >= this.retryAfter) {
      this.refresh().catch(() => undefined);
    }
    return held;
  }

  /**
   * A fresh read that began after the caller's write: a read already under
   * way may have begun before it, so it is waited for and another one made.
   */
  async refreshAfterWrite(): Promise<void> {
    await this.refreshing?.catch(() => undefined);
    await this.refresh();
  }

  /** Reads the page's data now (one read at a time). */
  refresh(): Promise<Held> {
    this.refreshing ??= (async () => {
      try {
        const snapshot = await withMongoTimeout('the status page', this.options.lookupTimeoutMs, this.load);
        this.held = { snapshot, builtAt: Date.now(), rendered: new Map() };
        this.retryAfter = 0;
        return this.held;
      } catch (err) {
        this.retryAfter = Date.now() + Math.min(this.options.freshMs, 5_000);
        this.options.onRefreshFailed(err);
        throw err;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}
