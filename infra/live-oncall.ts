import type { OnCallCatalog } from '../domain/oncall';
import type { Logger } from './logger';
import { catalogWith, RuntimeOnCallReader, type RuntimeOnCallModels } from './runtime-oncall';

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
  private readonly reader: RuntimeOnCallReader;
  private readonly mergedWith: ReturnType<typeof catalogWith>;
  private readonly freshMs: number;

  constructor(
    /** The catalog file (config/oncall-catalog.ts): read-only at run time. */
    readonly file: OnCallCatalog,
    models: RuntimeOnCallModels,
    options: { freshMs?: number; timeoutMs?: number; logger?: Logger } = {},
  ) {
    this.merged = file;
    this.mergedWith = catalogWith(file);
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
    return (this.merged = this.mergedWith(await this.reader.recent(this.freshMs, ASSUME_UNAVAILABLE_MS)));
  }

  /** Reads the model now: after a change this process made, so its next request sees it. */
  async refresh(): Promise<OnCallCatalog> {
    return (this.merged = this.mergedWith(await this.reader.readAgain()));
  }
}
