import { randomBytes } from 'node:crypto';
import type { OnCallCatalog } from '../domain/oncall';
import {
  OVERRIDE_LIMITS,
  overrideIdFrom,
  overrideProblem,
  type OverrideProblem,
  type RuntimeOverride,
} from '../domain/oncall-overrides';
import type { Logger } from './logger';
import type { Models, ScheduleOverridesDocument } from './models';
import { withMongoTimeout } from './mongo';
import { changeByRevision } from './revisions';
import type { JsonStateFile } from './state-file';

/** An override refused for what it says (the API answers 400 or 409 with the problem). */
export class OverrideRefused extends Error {
  constructor(readonly problem: OverrideProblem) {
    super(problem.message);
    this.name = 'OverrideRefused';
  }
}

/** What reading overrides needs; changing them claims revisions too. */
type OverrideModels = Pick<Models, 'ScheduleOverrides'>;
type OverrideWriteModels = Pick<Models, 'ScheduleOverrides' | 'RevisionClaims'>;

// Ended overrides are kept this long (the shifts and calendar feeds of the past month show them).
const KEEP_ENDED_MS = 31 * 86_400_000;

function overridesOf(doc: ScheduleOverridesDocument | null, scheduleId: string): RuntimeOverride[] {
  return (doc?.overrides ?? []).map((o) => ({ ...o, scheduleId }));
}

/** The runtime overrides of one schedule, or of all, by start. */
export async function listRuntimeOverrides(
  models: OverrideModels,
  scheduleId?: string,
): Promise<RuntimeOverride[]> {
  const docs =
    scheduleId === undefined
      ? await models.ScheduleOverrides.find({}).lean()
      : [await models.ScheduleOverrides.findById(scheduleId).lean()];
  return docs
    .flatMap((doc) => (doc ? overridesOf(doc, doc._id) : []))
    .sort((a, b) => a.start.localeCompare(b.start));
}

/**
 * Changes a schedule's overrides by compare-and-set on its document's
 * revision (`changeByRevision`), retried when someone else changed them in between.
 */
async function changeOverrides<T>(
  models: OverrideWriteModels,
  scheduleId: string,
  change: (current: RuntimeOverride[]) => { next: RuntimeOverride[]; result: T },
): Promise<T> {
  return changeByRevision(
    models.ScheduleOverrides,
    models.RevisionClaims,
    scheduleId,
    `the overrides of ${scheduleId}`,
    (doc) => {
      const { next, result } = change(overridesOf(doc, scheduleId));
      return { set: { overrides: next.map(({ scheduleId: _, ...o }) => o) }, result };
    },
  );
}

/** Adds an override (refused with OverrideRefused when invalid or overlapping); returns it. */
export async function addOverride(
  models: OverrideWriteModels,
  catalog: OnCallCatalog,
  scheduleId: string,
  input: { personId: string; start: string; end: string; note?: string },
  actor: string,
  now = new Date(),
): Promise<RuntimeOverride> {
  const created: RuntimeOverride = {
    id: overrideIdFrom(randomBytes(6)),
    scheduleId,
    personId: input.personId,
    start: new Date(input.start).toISOString(),
    end: new Date(input.end).toISOString(),
    createdBy: actor,
    createdAt: now.toISOString(),
    ...(input.note ? { note: input.note } : {}),
  };
  return changeOverrides(models, scheduleId, (current) => {
    const kept = current.filter((o) => Date.parse(o.end) > now.getTime() - KEEP_ENDED_MS);
    const problem = overrideProblem(catalog, kept, created, now);
    if (problem) throw new OverrideRefused(problem);
    if (kept.length >= OVERRIDE_LIMITS.perSchedule) {
      throw new OverrideRefused({
        kind: 'invalid',
        field: 'body',
        message: `${scheduleId} has ${kept.length} overrides, the most it may have; delete some first`,
      });
    }
    const next = [...kept, created].sort((a, b) => a.start.localeCompare(b.start));
    return { next, result: created };
  });
}

/** Deletes an override; answers whether there was one. */
export async function removeOverride(
  models: OverrideWriteModels,
  scheduleId: string,
  overrideId: string,
): Promise<boolean> {
  return changeOverrides(models, scheduleId, (current) => {
    const next = current.filter((o) => o.id !== overrideId);
    return { next, result: next.length < current.length };
  });
}

/**
 * The worker's view of the runtime overrides when it plans a page: read
 * afresh each time, so an override made a moment ago applies to the next
 * page; when MongoDB does not answer within `timeoutMs`, the last overrides
 * it read, so a MongoDB outage never stops paging. With a `snapshot` file the
 * last overrides read outlive the process: a worker started while MongoDB is
 * unreachable pages with what the previous one knew.
 */
export class RuntimeOverrideReader {
  /** Undefined until read from MongoDB or from the snapshot. */
  private lastGood: RuntimeOverride[] | undefined;
  /** What the snapshot file holds, as JSON, so an unchanged read is not written again. */
  private saved: string | undefined;
  private readonly timeoutMs: number;

  constructor(
    private readonly models: OverrideModels,
    private readonly options: {
      logger?: Logger;
      timeoutMs?: number;
      snapshot?: JsonStateFile<RuntimeOverride[]>;
    } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 1000;
  }

  async current(): Promise<RuntimeOverride[]> {
    try {
      const read = await withMongoTimeout('reading the on-call overrides', this.timeoutMs, () =>
        listRuntimeOverrides(this.models),
      );
      this.lastGood = read;
      await this.keep(read);
      return read;
    } catch (err) {
      const fallback = this.lastGood ?? this.fromSnapshot();
      this.options.logger?.warn(
        { err: err instanceof Error ? err.message : String(err), overrides: fallback.length },
        'on-call overrides unreadable; planning with the last ones read',
      );
      return fallback;
    }
  }

  private fromSnapshot(): RuntimeOverride[] {
    try {
      const stored = this.options.snapshot?.read();
      if (stored) {
        this.lastGood = stored.value;
        this.saved = JSON.stringify(stored.value);
        this.options.logger?.warn(
          { savedAt: stored.savedAt, file: this.options.snapshot?.file },
          'on-call overrides taken from the last ones this worker saved',
        );
        return stored.value;
      }
    } catch (err) {
      this.options.logger?.error(
        { err, file: this.options.snapshot?.file },
        'on-call override snapshot unreadable',
      );
    }
    return [];
  }

  /** Saves a read that differs from the snapshot; a failed write is logged, never fails planning. */
  private async keep(overrides: RuntimeOverride[]): Promise<void> {
    if (!this.options.snapshot) return;
    const text = JSON.stringify(overrides);
    if (text === this.saved) return;
    try {
      await this.options.snapshot.write(overrides);
      this.saved = text;
    } catch (err) {
      this.options.logger?.error(
        { err, file: this.options.snapshot.file },
        'on-call override snapshot not saved',
      );
    }
  }
}
