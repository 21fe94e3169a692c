import type { TargetRef } from './incident';
import type { OnCallCatalog, OnCallSchedule, RotationLayer, ScheduleOverride } from './oncall';
import { restrictionEdges, whoIsOnCall, zonedTimeToInstant } from './oncall-schedule';

/** An override made at run time (API, CLI, web UI), stored in MongoDB beside the schedules-as-code. */
export interface RuntimeOverride extends ScheduleOverride {
  /** `OVR-0123456789AB` */
  id: string;
  scheduleId: string;
  /** `user:<key name>` */
  createdBy: string;
  createdAt: string;
  note?: string;
}

export const overrideIdPattern = /^OVR-[0-9A-F]{12}$/;

/** The override id for 6 random bytes. */
export function overrideIdFrom(random: Uint8Array): string {
  const hex = Array.from(random.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join('');
  return `OVR-${hex.toUpperCase()}`;
}

/** How far ahead an override may be made, and how long one may last. */
export const OVERRIDE_LIMITS = { maxDays: 31, maxAheadDays: 366, perSchedule: 500 };

export interface OverrideProblem {
  kind: 'invalid' | 'overlap';
  field: string;
  message: string;
}

/**
 * Why an override cannot be made, if it cannot: a person not in the catalog,
 * an end not after its start, too long, or overlapping another runtime
 * override of the schedule (which would make who is on call ambiguous).
 */
export function overrideProblem(
  catalog: OnCallCatalog,
  existing: RuntimeOverride[],
  candidate: { personId: string; start: string; end: string },
  now: Date,
): OverrideProblem | undefined {
  if (!catalog.people.some((p) => p.id === candidate.personId)) {
    return {
      kind: 'invalid',
      field: 'body.personId',
      message: `${candidate.personId} is not a person in the on-call catalog (${catalog.people.map((p) => p.id).join(', ')})`,
    };
  }
  const start = Date.parse(candidate.start);
  const end = Date.parse(candidate.end);
  if (!(end > start)) return { kind: 'invalid', field: 'body.end', message: 'must be after start' };
  if (end <= now.getTime()) return { kind: 'invalid', field: 'body.end', message: 'is in the past' };
  if (end - start > OVERRIDE_LIMITS.maxDays * 86_400_000)
    return {
      kind: 'invalid',
      field: 'body.end',
      message: `an override lasts at most ${OVERRIDE_LIMITS.maxDays} days`,
    };
  if (start - now.getTime() > OVERRIDE_LIMITS.maxAheadDays * 86_400_000)
    return {
      kind: 'invalid',
      field: 'body.start',
      message: `at most ${OVERRIDE_LIMITS.maxAheadDays} days ahead`,
    };
  const clash = existing.find((o) => Date.parse(o.start) < end && start < Date.parse(o.end));
  if (clash) {
    return {
      kind: 'overlap',
      field: 'body.start',
      message: `overlaps override ${clash.id} (${clash.personId}, ${clash.start} to ${clash.end}); delete it first or choose other times`,
    };
  }
  return undefined;
}

/** The catalog with the runtime overrides added to their schedules (after those in code: they win). */
export function withRuntimeOverrides(catalog: OnCallCatalog, overrides: RuntimeOverride[]): OnCallCatalog {
  if (overrides.length === 0) return catalog;
  return {
    ...catalog,
    schedules: catalog.schedules.map((schedule) => {
      const mine = overrides.filter((o) => o.scheduleId === schedule.id);
      return mine.length === 0
        ? schedule
        : {
            ...schedule,
            overrides: [
              ...(schedule.overrides ?? []),
              ...mine.map(({ personId, start, end }) => ({ personId, start, end })),
            ],
          };
    }),
  };
}

/** One stretch of a schedule with one person on call. */
export interface Shift {
  personId: string;
  /** ISO instants: [start, end). */
  start: string;
  end: string;
}

/** The instants in [from, to] at which a rotation layer hands over. */
function layerHandoffs(layer: RotationLayer, timeZone: string, from: number, to: number): number[] {
  if (layer.participants.length === 0 || layer.rotation.every <= 0) return [];
  const first = zonedTimeToInstant(layer.start, layer.handoffTime, timeZone).getTime();
  const out: number[] = [];
  if (layer.rotation.unit === 'hour') {
    const step = layer.rotation.every * 3_600_000;
    for (let k = Math.max(0, Math.floor((from - first) / step)); first + k * step <= to; k++) {
      const at = first + k * step;
      if (at >= from) out.push(at);
    }
    return out;
  }
  // Day and week shifts hand over at the same wall-clock time each day, across DST changes.
  const days = layer.rotation.every * (layer.rotation.unit === 'week' ? 7 : 1);
  const startDay = Date.parse(`${layer.start}T00:00:00Z`) / 86_400_000;
  const k0 = Math.max(0, Math.floor((from - first) / (days * 86_400_000)) - 1);
  for (let k = k0; ; k++) {
    const date = new Date((startDay + k * days) * 86_400_000).toISOString().slice(0, 10);
    const at = zonedTimeToInstant(date, layer.handoffTime, timeZone).getTime();
    if (at > to) break;
    if (at >= from) out.push(at);
  }
  return out;
}

/**
 * Pure: who the schedule has on call over [from, to), as consecutive shifts,
 * overrides (in code and at run time) applied. Gaps where nobody is on call
 * are left out.
 */
export function scheduleShifts(schedule: OnCallSchedule, from: Date, to: Date): Shift[] {
  const start = from.getTime();
  const end = to.getTime();
  const boundaries = new Set<number>([start]);
  for (const layer of schedule.layers) {
    for (const at of layerHandoffs(layer, schedule.timeZone, start, end)) boundaries.add(at);
    for (const at of restrictionEdges(layer, schedule.timeZone, start, end)) boundaries.add(at);
  }
  for (const o of schedule.overrides ?? []) {
    for (const at of [Date.parse(o.start), Date.parse(o.end)]) if (at > start && at < end) boundaries.add(at);
  }
  const points = [...boundaries].filter((t) => t < end).sort((a, b) => a - b);
  const shifts: Shift[] = [];
  points.forEach((at, i) => {
    const until = points[i + 1] ?? end;
    const personId = whoIsOnCall(schedule, new Date(at));
    const last = shifts[shifts.length - 1];
    if (personId && last && last.personId === personId && Date.parse(last.end) === at) {
      last.end = new Date(until).toISOString();
    } else if (personId) {
      shifts.push({ personId, start: new Date(at).toISOString(), end: new Date(until).toISOString() });
    }
  });
  return shifts;
}

/** A stretch of a schedule with nobody on call: ISO instants, [start, end). */
export interface ScheduleGap {
  start: string;
  end: string;
}

/** Pure: the stretches of [from, to) in which the schedule has nobody on call, overrides applied. */
export function scheduleGaps(schedule: OnCallSchedule, from: Date, to: Date): ScheduleGap[] {
  return gapsBetween(scheduleShifts(schedule, from, to), from, to);
}

/** Pure: the stretches of [from, to) that shifts (in order, as scheduleShifts gives them) leave uncovered. */
export function gapsBetween(shifts: Shift[], from: Date, to: Date): ScheduleGap[] {
  const end = to.getTime();
  const gaps: ScheduleGap[] = [];
  let covered = from.getTime();
  for (const shift of shifts) {
    if (Date.parse(shift.start) >= end) break;
    if (Date.parse(shift.start) > covered)
      gaps.push({ start: new Date(covered).toISOString(), end: shift.start });
    covered = Math.max(covered, Date.parse(shift.end));
  }
  if (covered < end) gaps.push({ start: new Date(covered).toISOString(), end: to.toISOString() });
  return gaps;
}

/** A person as the on-call answers name them. */
export interface PersonRef {
  id: string;
  name: string;
}

/** Who every schedule and escalation level reaches at an instant (`GET /v1/oncall`). */
export interface OnCallNow {
  at: string;
  schedules: Array<{
    id: string;
    name: string;
    timeZone: string;
    onCall: PersonRef | null;
    overrideId?: string;
    /** When the current shift ends (the next hand-off), within the next 31 days. */
    until?: string;
    /** The first stretches with nobody on call in the next 14 days (at most 10): empty when it is covered. */
    gaps: ScheduleGap[];
  }>;
  policies: Array<{
    id: string;
    name: string;
    levels: Array<{ level: number; delaySeconds: number; targets: TargetView[] }>;
    repeat: number;
    fallback: TargetView[];
  }>;
}

export interface TargetView {
  type: TargetRef['type'];
  id: string;
  /** Whom the target reaches at the instant: the person, whoever a schedule has on call; none for a channel. */
  people: PersonRef[];
}
