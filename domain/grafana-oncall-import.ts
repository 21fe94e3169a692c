// A Grafana OnCall schedule, as its HTTP API (v1) returns it, turned into a
// Fireline schedule: each rolling-users shift becomes a layer (its recurrence
// as the rotation, its days and duration as restrictions, its level as the
// layer order), people matched by email, and its final shifts kept for the
// fidelity check.
import type { VendorShift } from './import-fidelity';
import { type LayerRestriction, type Person, type RotationLayer, weekdays } from './oncall';
import { type ScheduleImport, scheduleImport, usersByEmail } from './schedule-import';

/** `GET /api/v1/users/`: the fields an import reads. */
export interface GrafanaOnCallUser {
  id: string;
  email: string;
  username?: string;
  timezone?: string;
  /** The ids of the teams the user belongs to. */
  teams?: string[];
}

/** `GET /api/v1/schedules/{id}/`. */
export interface GrafanaOnCallSchedule {
  id: string;
  name: string;
  type: string;
  time_zone?: string | null;
  shifts?: string[];
}

/** `GET /api/v1/on_call_shifts/`: one shift. */
export interface GrafanaOnCallShift {
  id: string;
  name?: string;
  type: 'single_event' | 'recurrent_event' | 'rolling_users' | 'override';
  time_zone?: string | null;
  level?: number | null;
  start: string;
  duration: number;
  frequency?: 'hourly' | 'daily' | 'weekly' | 'monthly' | null;
  interval?: number | null;
  until?: string | null;
  by_day?: string[] | null;
  by_month?: number[] | null;
  by_monthday?: number[] | null;
  users?: string[] | null;
  rolling_users?: string[][] | null;
  start_rotation_from_user_index?: number | null;
}

/** `GET /api/v1/schedules/{id}/final_shifts`: one of its `results`. */
export interface GrafanaOnCallFinalShift {
  user_pk: string;
  user_email: string;
  shift_start: string;
  shift_end: string;
}

const ICAL_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const UNITS = { hourly: 'hour', daily: 'day', weekly: 'week' } as const;
const MINUTES = { hourly: 60, daily: 1440, weekly: 10080 } as const;
const WEEK = 10080;

const clock = (minutes: number) =>
  `${String(Math.floor((minutes % 1440) / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** A window from a minute of the week for `duration` minutes, as a weekday-and-time restriction. */
function weekWindow(startOfWeek: number, duration: number): LayerRestriction {
  const end = (startOfWeek + duration) % WEEK;
  return {
    type: 'weekday-and-time',
    startDay: weekdays[Math.floor(startOfWeek / 1440)]!,
    start: clock(startOfWeek),
    endDay: weekdays[Math.floor(end / 1440)]!,
    end: clock(end),
  };
}

/** Turns one shift into a layer, or says why it cannot be one. */
function layerOf(
  shift: GrafanaOnCallShift,
  timeZone: string,
  personOf: (userId: string) => Person | undefined,
  emailOf: (userId: string) => string | undefined,
  now: Date,
): { layer?: RotationLayer; problems: string[] } {
  const label = `shift ${shift.name ?? shift.id} (${shift.id})`;
  const problems: string[] = [];
  const refuse = (why: string) => ({ problems: [...problems, `${label}: ${why}: not imported`] });
  if (shift.type === 'override' || shift.type === 'single_event')
    return refuse(`a ${shift.type} shift is a one-off, not a rotation; make it an override`);
  if (shift.time_zone && shift.time_zone !== timeZone)
    return refuse(`its time zone ${shift.time_zone} is not the schedule's (${timeZone})`);
  if (!shift.frequency || shift.frequency === 'monthly')
    return refuse(`a ${shift.frequency ?? 'missing'} frequency has no Fireline equivalent`);
  if (shift.by_month?.length || shift.by_monthday?.length)
    return refuse('months and days of the month have no Fireline equivalent');
  if (shift.until && Date.parse(`${shift.until}Z`) <= now.getTime())
    return refuse(`it ended at ${shift.until}`);
  if (shift.until) problems.push(`${label}: it ends at ${shift.until}: imported without an end`);
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(shift.start);
  if (!m) return refuse(`its start ${shift.start} is not yyyy-MM-ddTHH:mm:ss`);
  const interval = shift.interval ?? 1;
  const startMinute = Number(m[2]) * 60 + Number(m[3]);
  const duration = shift.duration / 60;
  const period = MINUTES[shift.frequency] * interval;
  if (!Number.isInteger(duration) || duration <= 0)
    return refuse(`a duration of ${shift.duration} s is not whole minutes`);

  const groups = shift.type === 'rolling_users' ? (shift.rolling_users ?? []) : [shift.users ?? []];
  const from = shift.start_rotation_from_user_index ?? 0;
  const participants: string[] = [];
  for (const group of [...groups.slice(from), ...groups.slice(0, from)]) {
    if (group.length > 1)
      problems.push(
        `${label}: ${group.length} people are on call at once in one turn; Fireline has one, the first`,
      );
    const [first] = group;
    const person = first === undefined ? undefined : personOf(first);
    if (person) participants.push(person.id);
    else if (first !== undefined)
      problems.push(
        `${label}: user ${emailOf(first) ?? first} is no Fireline person (matched by email): left out of the rotation`,
      );
  }
  if (participants.length === 0) return refuse('nobody on it is a Fireline person');

  const days = (shift.by_day ?? []).map((d) => ICAL_DAYS.indexOf(d as (typeof ICAL_DAYS)[number]));
  if (days.some((d) => d < 0))
    return refuse(`by_day ${JSON.stringify(shift.by_day)} has a day that is not MO to SU`);
  let restrictions: LayerRestriction[] = [];
  if (days.length > 0) {
    if (shift.frequency === 'hourly' || duration >= 1440 || interval !== 1)
      return refuse(
        'days (by_day) with an hourly frequency, an interval or a duration of a day or more have no Fireline equivalent',
      );
    if (shift.frequency === 'daily' && participants.length > 1)
      problems.push(
        `${label}: Grafana OnCall hands over on its days only, Fireline every day: see the fidelity check`,
      );
    restrictions = days.map((d) => weekWindow(d * 1440 + startMinute, duration));
  } else if (duration < period) {
    if (shift.frequency === 'daily' && interval === 1) {
      restrictions = [{ type: 'time-of-day', start: clock(startMinute), end: clock(startMinute + duration) }];
    } else if (shift.frequency === 'weekly' && interval === 1) {
      const day = (new Date(`${m[1]}T00:00:00Z`).getUTCDay() + 6) % 7;
      restrictions = [weekWindow(day * 1440 + startMinute, duration)];
    } else return refuse(`on call ${duration} minutes of every ${period} has no Fireline equivalent`);
  } else if (duration > period)
    problems.push(`${label}: events longer than their recurrence overlap; imported end to end`);
  return {
    problems,
    layer: {
      ...(shift.name ? { name: shift.name } : {}),
      participants,
      rotation: { every: interval, unit: UNITS[shift.frequency] },
      start: m[1]!,
      handoffTime: clock(startMinute),
      ...(restrictions.length > 0 ? { restrictions } : {}),
    },
  };
}

/** Turns one Grafana OnCall schedule and its shifts into a Fireline schedule definition. */
export function fromGrafanaOnCallSchedule(
  schedule: GrafanaOnCallSchedule,
  shifts: GrafanaOnCallShift[],
  users: GrafanaOnCallUser[],
  people: Person[],
  now: Date,
  finalShifts: GrafanaOnCallFinalShift[] = [],
): ScheduleImport {
  const problems: string[] = [];
  const { emailOf, personOf, personWithEmail } = usersByEmail(people, users);
  const timeZone = schedule.time_zone ?? 'UTC';
  if (schedule.type === 'ical')
    problems.push('an iCal schedule has no shifts of its own: only its shifts listed are imported');
  // Lower levels first: Fireline's later layers win, as Grafana OnCall's higher levels do.
  const ordered = shifts
    .filter((s) => !schedule.shifts || schedule.shifts.includes(s.id))
    .map((s, i) => ({ s, i }))
    .sort((a, b) => (a.s.level ?? 0) - (b.s.level ?? 0) || a.i - b.i)
    .map(({ s }) => s);
  const layers: RotationLayer[] = [];
  for (const shift of ordered) {
    const converted = layerOf(shift, timeZone, personOf, emailOf, now);
    problems.push(...converted.problems);
    if (converted.layer) layers.push(converted.layer);
  }
  const rendering: VendorShift[] = finalShifts.map((f) => ({
    start: new Date(f.shift_start).toISOString(),
    end: new Date(f.shift_end).toISOString(),
    who: personWithEmail(f.user_email)?.id ?? `Grafana OnCall user ${f.user_email}`,
  }));
  return scheduleImport({
    system: 'grafana-oncall',
    sourceId: schedule.id,
    name: schedule.name,
    timeZone: timeZone,
    layers,
    layerNoun: 'shift',
    problems,
    rendering,
  });
}
