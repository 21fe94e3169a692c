import type { Model } from 'mongoose';
import type { AlertEvent } from '../../domain/incident';
import type { Logger } from '../../infra/logger';
import type { AlertRouteDocument } from '../../infra/models';
import { DEFAULT_MONGO_LOOKUP_TIMEOUT_MS, withMongoTimeout } from '../../infra/mongo';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import type { ApiDeps } from '../deps';

/** The store of an API process, from its dependencies. */
export function createAlertRouteStore(deps: Pick<ApiDeps, 'models' | 'logger' | 'config'>): AlertRouteStore {
  return new AlertRouteStore(deps.models.AlertRoute, deps.logger, {
    lookupTimeoutMs: deps.config.MONGODB_LOOKUP_TIMEOUT_MS,
  });
}

/**
 * The `_id` of an alert's route: its service and dedup key, named as the
 * key's own incident workflow is (injective, at most 240 characters).
 */
export function alertRouteId(service: string, dedupKey: string): string {
  return incidentWorkflowId(service, dedupKey);
}

export interface AlertRouteStoreOptions {
  /** Keys remembered in this process; past this the least recently used are forgotten (MongoDB still has them). */
  maxRemembered?: number;
  /** A key's route, unchanged, is written again (its lastSeenAt) at most this often. */
  rewriteAfterMs?: number;
  /** How long a lookup waits for MongoDB before the request fails with 503. */
  lookupTimeoutMs?: number;
  /** How long a background write may take before it is logged as failed. */
  writeTimeoutMs?: number;
  /** Routes waiting to be written while a write is under way; past this the oldest are not written. */
  maxUnsaved?: number;
}

interface Remembered {
  workflowId: string;
  /** When this process last wrote the route to MongoDB (0: not yet). */
  writtenAt: number;
}

interface UnsavedRoute {
  id: string;
  workflowId: string;
  service: string;
  dedupKey: string;
  summary: string;
  seenAt: Date;
}

const summaryLength = 200;

/**
 * The `alert_routes` collection and an in-process cache of it: where this
 * process sent each grouped alert's triggers. Recording never delays a
 * request: the cache is updated at once and MongoDB in the background, one
 * write at a time, so a storm or an outage cannot pile writes up. Lookups
 * read the cache, then MongoDB by `_id` with a short timeout.
 */
export class AlertRouteStore {
  private readonly remembered = new Map<string, Remembered>();
  private readonly unsaved = new Map<string, UnsavedRoute>();
  private writing: Promise<void> | undefined;
  private readonly maxRemembered: number;
  private readonly rewriteAfterMs: number;
  private readonly lookupTimeoutMs: number;
  private readonly writeTimeoutMs: number;
  private readonly maxUnsaved: number;

  constructor(
    private readonly model: Model<AlertRouteDocument>,
    private readonly logger: Pick<Logger, 'warn'>,
    options: AlertRouteStoreOptions = {},
  ) {
    this.maxRemembered = options.maxRemembered ?? 20_000;
    this.rewriteAfterMs = options.rewriteAfterMs ?? 60_000;
    this.lookupTimeoutMs = options.lookupTimeoutMs ?? DEFAULT_MONGO_LOOKUP_TIMEOUT_MS;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 2_000;
    this.maxUnsaved = options.maxUnsaved ?? 10_000;
  }

  /** Once Temporal has accepted a grouped trigger: where its key's acknowledges and resolves go. */
  record(event: AlertEvent, workflowId: string, now = Date.now()): void {
    const id = alertRouteId(event.service, event.dedupKey);
    const known = this.remembered.get(id);
    const unchanged = known?.workflowId === workflowId;
    if (unchanged && known.writtenAt > 0 && now - known.writtenAt < this.rewriteAfterMs) {
      this.remember(id, known);
      return;
    }
    this.remember(id, { workflowId, writtenAt: unchanged ? known.writtenAt : 0 });
    this.unsaved.delete(id);
    this.unsaved.set(id, {
      id,
      workflowId,
      service: event.service,
      dedupKey: event.dedupKey,
      summary: event.summary.slice(0, summaryLength),
      seenAt: new Date(event.receivedAt),
    });
    if (this.unsaved.size > this.maxUnsaved) {
      this.unsaved.delete(this.unsaved.keys().next().value!);
      this.logger.warn(
        { maxUnsaved: this.maxUnsaved },
        'alert routes waiting for MongoDB: the oldest not written',
      );
    }
    this.writeNext();
  }

  /** A trigger of this key went to its own incident: this process no longer routes its acknowledges elsewhere. */
  forget(service: string, dedupKey: string): void {
    const id = alertRouteId(service, dedupKey);
    this.remembered.delete(id);
    this.unsaved.delete(id);
  }

  /** Where this process last sent the key's grouped triggers, without asking MongoDB. */
  cached(service: string, dedupKey: string): string | undefined {
    return this.remembered.get(alertRouteId(service, dedupKey))?.workflowId;
  }

  /**
   * The workflow holding the key's grouped triggers, or undefined when MongoDB
   * answered that it knows none. Throws MongoUnavailableError when MongoDB did not answer in time.
   */
  async find(service: string, dedupKey: string): Promise<string | undefined> {
    const id = alertRouteId(service, dedupKey);
    const doc = await withMongoTimeout('alert route lookup', this.lookupTimeoutMs, () =>
      this.model.findById(id, { workflowId: 1 }).lean(),
    );
    if (!doc) return undefined;
    this.remember(id, { workflowId: doc.workflowId, writtenAt: Date.now() });
    return doc.workflowId;
  }

  /** Resolves once every route recorded so far has been written or given up (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private remember(id: string, entry: Remembered): void {
    this.remembered.delete(id);
    this.remembered.set(id, entry);
    if (this.remembered.size > this.maxRemembered)
      this.remembered.delete(this.remembered.keys().next().value!);
  }

  /** One write at a time: what is recorded meanwhile goes in the next one. */
  private writeNext(): void {
    if (this.writing || this.unsaved.size === 0) return;
    const batch = [...this.unsaved.values()];
    this.unsaved.clear();
    this.writing = this.write(batch).finally(() => {
      this.writing = undefined;
      this.writeNext();
    });
  }

  private async write(batch: UnsavedRoute[]): Promise<void> {
    const operation = this.model.bulkWrite(
      batch.map((route) => ({
        updateOne: {
          filter: { _id: route.id },
          update: {
            $set: {
              workflowId: route.workflowId,
              service: route.service,
              dedupKey: route.dedupKey,
              summary: route.summary,
              lastSeenAt: route.seenAt,
            },
            $setOnInsert: { firstSeenAt: route.seenAt },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    try {
      await withMongoTimeout('alert route write', this.writeTimeoutMs, () => operation);
      const writtenAt = Date.now();
      for (const route of batch) {
        const known = this.remembered.get(route.id);
        if (known?.workflowId === route.workflowId) known.writtenAt = writtenAt;
      }
    } catch (err) {
      // Not retried as such: the key's next trigger writes its route again.
      this.logger.warn({ err, routes: batch.length }, 'alert routes not saved to MongoDB');
    }
    // The next write waits for this one to end, even past the timeout: one write at a time.
    await operation.catch(() => undefined);
  }
}
