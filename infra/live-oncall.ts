import type { OnCallCatalog } from '../domain/oncall';
import { withRuntimeOnCall } from '../domain/runtime-schedules';
import type { Logger } from './logger';
import { RuntimeOnCallReader, type RuntimeOnCallModels } from './runtime-oncall';

/** After a read got no answer, the last copy serves at once for this long before MongoDB is asked again. */
const ASSUME_UNAVAILABLE_MS = 5_000;

/**
 * The API's view of the whole on-call model (the catalog file with what was
 * made at run time): who a key or a Slack user acts as, and their rights,
 * come from it on every request. Read again when older than `freshMs`, one
 * read at a time, waiting at most `timeoutMs`; while MongoDB does not answer,
 * the last copy read serves, so acknowledging never waits on MongoDB.
 */
export class LiveOnCallModel {
  private merged: OnCallCatalog;
  private readAt = 0;
  private unavailableUntil = 0;
  private inflight: Promise<OnCallCatalog> | undefined;
  private readonly reader: RuntimeOnCallReader;
  private readonly freshMs: number;

  constructor(
    /** The catalog file (config/oncall-catalog.ts): read-only at run time. */
    readonly file: OnCallCatalog,
    models: RuntimeOnCallModels,
    options: { freshMs?: number; timeoutMs?: number; logger?: Logger } = {},
  ) {
    this.merged = file;
    this.freshMs = options.freshMs ?? 1_000;
    this.reader = new RuntimeOnCallReader(models, {
      timeoutMs: options.timeoutMs ?? 1_000,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  /** The model as last read; never waits. */
  get catalog(): OnCallCatalog {
    return this.merged;
  }

  /** The model, read again first if the copy is older than `freshMs` (and MongoDB was answering). */
  async fresh(): Promise<OnCallCatalog> {
    const now = Date.now();
    if (now - this.readAt < this.freshMs || now < this.unavailableUntil) return this.merged;
    return this.read();
  }

  /** Reads the model now: after a change this process made, so its next request sees it. */
  async refresh(): Promise<OnCallCatalog> {
    // A read under way may have started before the change.
    await this.inflight;
    return this.read();
  }

  /** One read at a time: requests arriving meanwhile share it. */
  private read(): Promise<OnCallCatalog> {
    this.inflight ??= (async () => {
      try {
        const runtime = await this.reader.current();
        this.merged = withRuntimeOnCall(this.file, runtime);
        if (this.reader.answered) this.readAt = Date.now();
        else this.unavailableUntil = Date.now() + ASSUME_UNAVAILABLE_MS;
        return this.merged;
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }
}
