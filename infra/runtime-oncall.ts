import type { OnCallCatalog } from '../domain/oncall';
import { noRuntimeOnCall, type RuntimeOnCall, withRuntimeOnCall } from '../domain/runtime-schedules';
import type { Logger } from './logger';
import type { Models } from './models';
import { withMongoTimeout } from './mongo';
import { listWindowsNotOver } from './maintenance-windows';
import { listRuntimeOverrides } from './oncall-overrides';
import { listRuntimePolicies } from './runtime-policies';
import { listRuntimeSchedules } from './runtime-schedules';
import { peopleStore, teamStore } from './runtime-people';
import { serviceStore } from './runtime-services';
import type { JsonStateFile } from './state-file';

export type RuntimeOnCallModels = Pick<
  Models,
  | 'ScheduleOverrides'
  | 'OnCallSchedules'
  | 'OnCallPolicies'
  | 'OnCallPeople'
  | 'OnCallTeams'
  | 'OnCallServices'
  | 'MaintenanceWindows'
>;

/**
 * The people, teams, services, schedules, escalation policies and overrides
 * made at run time, and the maintenance windows not over, as stored now.
 */
export async function readRuntimeOnCall(models: RuntimeOnCallModels): Promise<RuntimeOnCall> {
  const [schedules, overrides, policies, people, teams, services, maintenance] = await Promise.all([
    listRuntimeSchedules(models),
    listRuntimeOverrides(models),
    listRuntimePolicies(models),
    peopleStore(models).list(),
    teamStore(models).list(),
    serviceStore(models).list(),
    listWindowsNotOver(models, new Date()),
  ]);
  return { schedules, overrides, policies, people, teams, services, maintenance };
}

/**
 * The worker's view of the on-call model made at run time when it plans a
 * page: read afresh each time, so a schedule changed or an override made a
 * moment ago applies to the next page; when MongoDB does not answer within
 * `timeoutMs`, the last copy it read, so a MongoDB outage never stops paging.
 * With a `snapshot` file that copy outlives the process: a worker started
 * while MongoDB is unreachable pages with what the previous one knew.
 */
export class RuntimeOnCallReader {
  /** Undefined until read from MongoDB or from the snapshot. */
  private lastGood: RuntimeOnCall | undefined;
  /** What the snapshot file holds, as JSON, so an unchanged read is not written again. */
  private saved: string | undefined;
  private readonly timeoutMs: number;
  /** Whether the last read got an answer from MongoDB (false until one has), and when it ended. */
  private lastAnswered = false;
  private lastReadAt = 0;
  private inflight: Promise<RuntimeOnCall> | undefined;

  constructor(
    private readonly models: RuntimeOnCallModels,
    private readonly options: {
      logger?: Logger;
      timeoutMs?: number;
      snapshot?: JsonStateFile<RuntimeOnCall>;
    } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 1000;
  }

  /** Whether the last read got an answer from MongoDB (false until one has). */
  get answered(): boolean {
    return this.lastAnswered;
  }

  /**
   * The model read within `maxAgeMs`, else read now, one read at a time: a
   * mass outage's pages share one read instead of each making its own. After
   * a read MongoDB did not answer, the last copy known serves without asking
   * again for `retryAfterFailureMs` (none: every call asks).
   */
  recent(maxAgeMs: number, retryAfterFailureMs = 0): Promise<RuntimeOnCall> {
    const age = Date.now() - this.lastReadAt;
    if (this.lastAnswered ? age < maxAgeMs : age < retryAfterFailureMs)
      return Promise.resolve(this.lastKnown());
    this.inflight ??= this.current().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /**
   * For a page: the model read within `maxAgeMs` (reading it now, one read at
   * a time), but never waiting on MongoDB once a copy is known, while another
   * read is under way or after one went unanswered: in a storm one page waits
   * for a read, not every page, and while MongoDB is away none does (reading
   * again is left to keepReading). A workflow task held open by such waits
   * buffers the signals arriving meanwhile.
   */
  forPage(maxAgeMs: number): Promise<RuntimeOnCall> {
    const known = this.lastGood !== undefined;
    if (known && (this.inflight !== undefined || (!this.lastAnswered && this.lastReadAt > 0)))
      return Promise.resolve(this.lastKnown());
    return this.recent(maxAgeMs);
  }

  /** Reads the model again once any read under way (which may predate a change) is over. */
  async readAgain(): Promise<RuntimeOnCall> {
    await this.inflight;
    return this.recent(0);
  }

  /**
   * Reads the model every `everyMs` (one read at a time) until the returned
   * function is called; while MongoDB does not answer, every fifth time (each
   * failed read logs a warning).
   */
  keepReading(everyMs: number): () => void {
    const timer = setInterval(() => void this.recent(everyMs / 2, 5 * everyMs - everyMs / 2), everyMs);
    timer.unref();
    void this.recent(0);
    return () => clearInterval(timer);
  }

  /** Reads the model now, waiting at most `timeoutMs` (the reader's own unless given), else the last copy. */
  async current(timeoutMs = this.timeoutMs): Promise<RuntimeOnCall> {
    try {
      const read = await withMongoTimeout('reading the on-call schedules and overrides', timeoutMs, () =>
        readRuntimeOnCall(this.models),
      );
      this.lastGood = read;
      this.lastAnswered = true;
      this.lastReadAt = Date.now();
      await this.keep(read);
      return read;
    } catch (err) {
      this.lastAnswered = false;
      this.lastReadAt = Date.now();
      const fallback = this.lastGood ?? this.fromSnapshot();
      this.options.logger?.warn(
        {
          err: err instanceof Error ? err.message : String(err),
          schedules: fallback.schedules.length,
          overrides: fallback.overrides.length,
        },
        'on-call schedules, policies and overrides unreadable; planning with the last ones read',
      );
      return fallback;
    }
  }

  /** The last copy read (or the snapshot's), without asking MongoDB: for what follows a read moments ago. */
  lastKnown(): RuntimeOnCall {
    return this.lastGood ?? this.fromSnapshot();
  }

  private fromSnapshot(): RuntimeOnCall {
    try {
      const stored = this.options.snapshot?.read();
      if (stored) {
        this.lastGood = stored.value;
        this.saved = JSON.stringify(stored.value);
        this.options.logger?.warn(
          { savedAt: stored.savedAt, file: this.options.snapshot?.file },
          'on-call schedules and overrides taken from the last ones this worker saved',
        );
        return stored.value;
      }
    } catch (err) {
      this.options.logger?.error({ err, file: this.options.snapshot?.file }, 'on-call snapshot unreadable');
    }
    return noRuntimeOnCall;
  }

  /** Saves a read that differs from the snapshot; a failed write is logged, never fails planning. */
  private async keep(runtime: RuntimeOnCall): Promise<void> {
    if (!this.options.snapshot) return;
    const text = JSON.stringify(runtime);
    if (text === this.saved) return;
    try {
      await this.options.snapshot.write(runtime);
      this.saved = text;
    } catch (err) {
      this.options.logger?.error({ err, file: this.options.snapshot.file }, 'on-call snapshot not saved');
    }
  }
}

/**
 * The catalog file with a read of the model made at run time, merged once per
 * read: the pages, deliveries and requests between two reads share the merge.
 */
export function catalogWith(file: OnCallCatalog): (runtime: RuntimeOnCall) => OnCallCatalog {
  let last: { runtime: RuntimeOnCall; catalog: OnCallCatalog } | undefined;
  return (runtime) => {
    if (last?.runtime !== runtime) last = { runtime, catalog: withRuntimeOnCall(file, runtime) };
    return last.catalog;
  };
}
