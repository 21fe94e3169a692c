import { randomBytes } from 'node:crypto';
import type { OnCallCatalog } from '../domain/oncall';
import {
  OVERRIDE_LIMITS,
  overrideIdFrom,
  overrideProblem,
  type OverrideProblem,
  type RuntimeOverride,
} from '../domain/oncall-overrides';
import type { Models, ScheduleOverridesDocument } from './models';
import { changeByRevision } from './revisions';

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
