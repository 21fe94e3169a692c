import type { TargetRef } from '../../domain/incident';
import type { OnCallCatalog, OnCallSchedule } from '../../domain/oncall';
import {
  type OnCallNow,
  type PersonRef,
  type RuntimeOverride,
  type TargetView,
  gapsBetween,
  scheduleShifts,
  type ScheduleGap,
  type Shift,
} from '../../domain/oncall-overrides';
import { withRuntimeOnCall } from '../../domain/runtime-schedules';
import { readRuntimeOnCall } from '../../infra/runtime-oncall';
import { whoIsOnCall } from '../../domain/oncall-schedule';
import {
  addOverride,
  listRuntimeOverrides,
  OverrideRefused,
  removeOverride,
} from '../../infra/oncall-overrides';
import {
  createCalendarFeed,
  FeedLimitReached,
  findCalendarFeed,
  listCalendarFeeds,
  revokeCalendarFeed,
} from '../../infra/calendar-feeds';
import type { ApiDeps } from '../deps';
import { FEED_DAYS, shiftsCalendar } from './calendar';
import { ConflictError, NotFoundError, ValidationError } from '../errors';

/** The catalog with the schedules and overrides made at run time, and those overrides: what on-call answers are computed from. */
export interface OnCallState {
  catalog: OnCallCatalog;
  overrides: RuntimeOverride[];
}

/** The catalog with the schedules and overrides made at run time, as the worker plans pages with it. */
export async function onCallState(deps: Pick<ApiDeps, 'onCall' | 'models'>): Promise<OnCallState> {
  const runtime = await readRuntimeOnCall(deps.models);
  return { catalog: withRuntimeOnCall(deps.onCall.file, runtime), overrides: runtime.overrides };
}

export function requireSchedule(catalog: OnCallCatalog, id: string): OnCallSchedule {
  const schedule = catalog.schedules.find((s) => s.id === id);
  if (!schedule) {
    throw new NotFoundError(
      `No schedule ${id}; the schedules are ${catalog.schedules.map((s) => s.id).join(', ') || 'none'}`,
    );
  }
  return schedule;
}

function personRef(catalog: OnCallCatalog, id: string): PersonRef {
  return { id, name: catalog.people.find((p) => p.id === id)?.name ?? id };
}

/** The runtime override that put `personId` on call at `at`, if one did. */
function overrideAt(overrides: RuntimeOverride[], scheduleId: string, personId: string, at: number) {
  return [...overrides]
    .reverse()
    .find(
      (o) =>
        o.scheduleId === scheduleId &&
        o.personId === personId &&
        Date.parse(o.start) <= at &&
        at < Date.parse(o.end),
    );
}

export interface ShiftView extends Shift {
  person: PersonRef;
  /** The runtime override this shift comes from. */
  overrideId?: string;
}

/** The schedule's shifts over [from, to), overrides applied, with names and the overrides they come from. */
export async function shiftsOf(
  deps: Pick<ApiDeps, 'onCall' | 'models'>,
  scheduleId: string,
  from: Date,
  to: Date,
): Promise<ShiftView[]> {
  return shiftsIn(await onCallState(deps), scheduleId, from, to);
}

/** shiftsOf over an on-call state already read. */
export function shiftsIn(
  { catalog, overrides }: OnCallState,
  scheduleId: string,
  from: Date,
  to: Date,
): ShiftView[] {
  const schedule = requireSchedule(catalog, scheduleId);
  return scheduleShifts(schedule, from, to).map((shift) => {
    const override = overrideAt(overrides, scheduleId, shift.personId, Date.parse(shift.start));
    return {
      ...shift,
      person: personRef(catalog, shift.personId),
      ...(override ? { overrideId: override.id } : {}),
    };
  });
}

/** How far ahead the on-call answer looks for stretches with nobody on call, and how many it names. */
const GAP_DAYS = 14;
const MAX_GAPS = 10;

/** Who every schedule and every escalation level reaches at `at`. */
export async function onCallAt(deps: Pick<ApiDeps, 'onCall' | 'models'>, at: Date): Promise<OnCallNow> {
  return onCallIn(await onCallState(deps), at);
}

/** onCallAt over an on-call state already read. */
export function onCallIn({ catalog, overrides }: OnCallState, at: Date): OnCallNow {
  const t = at.getTime();
  const target = (ref: TargetRef): TargetView => {
    if (ref.type === 'person') return { ...ref, people: [personRef(catalog, ref.id)] };
    if (ref.type === 'schedule') {
      const schedule = catalog.schedules.find((s) => s.id === ref.id);
      const personId = schedule ? whoIsOnCall(schedule, at) : undefined;
      return { ...ref, people: personId ? [personRef(catalog, personId)] : [] };
    }
    return { ...ref, people: [] };
  };
  return {
    at: at.toISOString(),
    schedules: catalog.schedules.map((schedule) => {
      const personId = whoIsOnCall(schedule, at);
      const override = personId ? overrideAt(overrides, schedule.id, personId, t) : undefined;
      const horizon = new Date(t + 31 * 86_400_000);
      const shifts = scheduleShifts(schedule, at, horizon);
      const [current] = shifts;
      const ends = current && current.personId === personId && Date.parse(current.end) < horizon.getTime();
      return {
        id: schedule.id,
        name: schedule.name,
        timeZone: schedule.timeZone,
        onCall: personId ? personRef(catalog, personId) : null,
        ...(override ? { overrideId: override.id } : {}),
        ...(ends ? { until: current.end } : {}),
        gaps: gapsBetween(shifts, at, new Date(t + GAP_DAYS * 86_400_000)).slice(0, MAX_GAPS),
      };
    }),
    policies: catalog.policies.map((policy) => ({
      id: policy.id,
      name: policy.name,
      levels: policy.levels.map((level, i) => ({
        level: i + 1,
        delaySeconds: level.delaySeconds,
        targets: level.targets.map(target),
      })),
      repeat: policy.repeat ?? 0,
      fallback: (policy.fallback ?? []).map(target),
    })),
  };
}

/** A refused override as the API answers it: 409 for an overlap, 400 naming the field otherwise. */
function overrideRefusal(err: unknown): unknown {
  if (!(err instanceof OverrideRefused)) return err;
  const { kind, field, message } = err.problem;
  return kind === 'overlap'
    ? new ConflictError(message, [{ field, message }])
    : new ValidationError([{ field, message }]);
}

export async function listOverrides(
  deps: Pick<ApiDeps, 'onCall' | 'models'>,
  scheduleId: string,
): Promise<RuntimeOverride[]> {
  requireSchedule((await onCallState(deps)).catalog, scheduleId);
  return listRuntimeOverrides(deps.models, scheduleId);
}

/** Makes an override (`actor` from actorFor): 404 unknown schedule, 400 invalid, 409 overlapping. */
export async function createOverride(
  deps: Pick<ApiDeps, 'onCall' | 'models'>,
  scheduleId: string,
  input: { personId: string; start: string; end: string; note?: string },
  actor: string,
): Promise<RuntimeOverride> {
  const { catalog } = await onCallState(deps);
  requireSchedule(catalog, scheduleId);
  try {
    return await addOverride(deps.models, catalog, scheduleId, input, actor);
  } catch (err) {
    throw overrideRefusal(err);
  }
}

export async function deleteOverride(
  deps: Pick<ApiDeps, 'onCall' | 'models'>,
  scheduleId: string,
  overrideId: string,
): Promise<void> {
  requireSchedule((await onCallState(deps)).catalog, scheduleId);
  if (!(await removeOverride(deps.models, scheduleId, overrideId)))
    throw new NotFoundError(`No override ${overrideId} on ${scheduleId}`);
}

export type FeedTarget = { scheduleId: string } | { personId: string };

/** Makes a calendar feed of a schedule's or a person's shifts; answers its token once. */
export async function createFeed(
  deps: Pick<ApiDeps, 'onCall' | 'models'>,
  target: FeedTarget,
  creator: { actor: string; keyId: string },
): Promise<{ feedId: string; kind: 'schedule' | 'person'; targetId: string; token: string; path: string }> {
  const { catalog } = await onCallState(deps);
  const feed =
    'scheduleId' in target
      ? { kind: 'schedule' as const, targetId: requireSchedule(catalog, target.scheduleId).id }
      : { kind: 'person' as const, targetId: target.personId };
  if (feed.kind === 'person' && !catalog.people.some((p) => p.id === feed.targetId)) {
    throw new ValidationError([
      { field: 'body.personId', message: `${feed.targetId} is not a person in the on-call catalog` },
    ]);
  }
  let made: { feedId: string; token: string };
  try {
    made = await createCalendarFeed(deps.models, feed, creator);
  } catch (err) {
    if (err instanceof FeedLimitReached) throw new ConflictError(err.message, { limit: err.limit });
    throw err;
  }
  const { feedId, token } = made;
  return { feedId, ...feed, token, path: `/v1/calendar.ics?token=${token}` };
}

export const listFeeds = (deps: Pick<ApiDeps, 'models'>) => listCalendarFeeds(deps.models);

export async function revokeFeed(deps: Pick<ApiDeps, 'models'>, feedId: string): Promise<void> {
  if (!(await revokeCalendarFeed(deps.models, feedId))) throw new NotFoundError(`No calendar feed ${feedId}`);
}

/** The iCalendar text a feed token opens (404 for any token that opens none). */
export async function feedCalendar(
  deps: Pick<ApiDeps, 'onCall' | 'models'>,
  token: string,
  window: { from?: Date; to?: Date } = {},
): Promise<{ filename: string; body: string }> {
  const feed = await findCalendarFeed(deps.models, token);
  if (!feed) throw new NotFoundError('No calendar feed for this token (revoked, or never made)');
  const now = Date.now();
  const from = window.from ?? new Date(now - FEED_DAYS.before * 86_400_000);
  const to = window.to ?? new Date(now + FEED_DAYS.after * 86_400_000);
  const state = await onCallState(deps);
  const { catalog } = state;
  const schedules =
    feed.kind === 'schedule' ? catalog.schedules.filter((s) => s.id === feed.targetId) : catalog.schedules;
  const shifts = schedules
    .flatMap((schedule) =>
      shiftsIn(state, schedule.id, from, to).map((shift) => ({
        ...shift,
        scheduleId: schedule.id,
        scheduleName: schedule.name,
      })),
    )
    .filter((shift) => feed.kind === 'schedule' || shift.personId === feed.targetId);
  const person = catalog.people.find((p) => p.id === feed.targetId);
  const name =
    feed.kind === 'schedule'
      ? `On call: ${schedules[0]?.name ?? feed.targetId}`
      : `On call: ${person?.name ?? feed.targetId}`;
  return {
    filename: `${feed.kind}-${feed.targetId}.ics`,
    body: shiftsCalendar(name, shifts, {
      describe: (shift) =>
        feed.kind === 'schedule' ? `On call: ${shift.person.name}` : `On call: ${shift.scheduleName}`,
    }),
  };
}

/** A schedule's picture over [from, to): each layer on its own, then who is on call (overrides applied) and the gaps. */
export interface ScheduleTimeline {
  scheduleId: string;
  timeZone: string;
  from: string;
  to: string;
  layers: Array<{ label: string; shifts: ShiftView[] }>;
  onCall: ShiftView[];
  gaps: ScheduleGap[];
}

/** scheduleTimeline over an on-call state already read. */
export function timelineIn(state: OnCallState, scheduleId: string, from: Date, to: Date): ScheduleTimeline {
  const schedule = requireSchedule(state.catalog, scheduleId);
  const named = (shifts: Shift[]): ShiftView[] =>
    shifts.map((shift) => ({ ...shift, person: personRef(state.catalog, shift.personId) }));
  const onCall = shiftsIn(state, scheduleId, from, to);
  return {
    scheduleId,
    timeZone: schedule.timeZone,
    from: from.toISOString(),
    to: to.toISOString(),
    layers: schedule.layers.map((layer, i) => ({
      label: layer.name ?? `Layer ${i + 1}`,
      shifts: named(scheduleShifts({ ...schedule, layers: [layer], overrides: [] }, from, to)),
    })),
    onCall,
    gaps: gapsBetween(onCall, from, to),
  };
}
