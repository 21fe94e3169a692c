import { type LayerRestriction, weekdays } from './oncall';

/**
 * The restrictions of the on-call tools teams move from, as their REST APIs
 * return them, turned into a layer's restrictions: the first step of importing
 * their schedules faithfully (Grafana's migrator skips Opsgenie's and keeps only
 * some of PagerDuty's).
 */

/** A rotation's `timeRestriction` in Opsgenie's Schedule API (v2): minutes are 0 or 30, days lower-case names. */
export type OpsgenieTimeRestriction =
  | {
      type: 'time-of-day';
      restriction: { startHour: number; startMin: number; endHour: number; endMin: number };
    }
  | {
      type: 'weekday-and-time-of-day';
      restrictions: Array<{
        startDay: string;
        startHour: number;
        startMin: number;
        endDay: string;
        endHour: number;
        endMin: number;
      }>;
    };

/** One of a schedule layer's `restrictions` in PagerDuty's REST API (v2); `start_day_of_week` is ISO (1 is Monday). */
export interface PagerDutyRestriction {
  type: 'daily_restriction' | 'weekly_restriction';
  start_time_of_day: string;
  duration_seconds: number;
  start_day_of_week?: number | null;
}

/** Restrictions turned into a layer's, and what could not be, each with its reason. */
export interface ConvertedRestrictions {
  restrictions: LayerRestriction[];
  problems: string[];
}

const minutesPerDay = 24 * 60;
const minutesPerWeek = 7 * minutesPerDay;

function clock(minutes: number): string {
  const m = ((minutes % minutesPerDay) + minutesPerDay) % minutesPerDay;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function weekday(name: string): (typeof weekdays)[number] | undefined {
  return weekdays.find((d) => d === name.toLowerCase());
}

function validClock(hour: number, minute: number): boolean {
  return (
    Number.isInteger(hour) && Number.isInteger(minute) && hour >= 0 && hour < 24 && minute >= 0 && minute < 60
  );
}

/** Opsgenie's windows are already start-to-end, overnight and across days included: they map one to one. */
export function fromOpsgenieTimeRestriction(time: OpsgenieTimeRestriction): ConvertedRestrictions {
  if (time.type === 'time-of-day') {
    const r = time.restriction;
    if (!validClock(r.startHour, r.startMin) || !validClock(r.endHour, r.endMin))
      return {
        restrictions: [],
        problems: [`time-of-day restriction has an invalid time: ${JSON.stringify(r)}`],
      };
    return {
      restrictions: [
        {
          type: 'time-of-day',
          start: clock(r.startHour * 60 + r.startMin),
          end: clock(r.endHour * 60 + r.endMin),
        },
      ],
      problems: [],
    };
  }
  const converted: ConvertedRestrictions = { restrictions: [], problems: [] };
  for (const r of time.restrictions) {
    const startDay = weekday(r.startDay);
    const endDay = weekday(r.endDay);
    if (!startDay || !endDay || !validClock(r.startHour, r.startMin) || !validClock(r.endHour, r.endMin)) {
      converted.problems.push(
        `weekday-and-time-of-day restriction has an invalid day or time: ${JSON.stringify(r)}`,
      );
      continue;
    }
    converted.restrictions.push({
      type: 'weekday-and-time',
      startDay,
      start: clock(r.startHour * 60 + r.startMin),
      endDay,
      end: clock(r.endHour * 60 + r.endMin),
    });
  }
  return converted;
}

/**
 * PagerDuty's windows are a start and a duration (at most a day for a daily
 * restriction, a week for a weekly one): the end is where the duration runs out.
 * A duration of the whole period is the whole day or week. Fireline's windows are
 * in minutes: a start or duration with seconds in it is refused, named.
 */
export function fromPagerDutyRestrictions(list: PagerDutyRestriction[]): ConvertedRestrictions {
  const converted: ConvertedRestrictions = { restrictions: [], problems: [] };
  for (const r of list) {
    const m = /^(\d{2}):(\d{2}):(\d{2})$/.exec(r.start_time_of_day);
    const period = r.type === 'daily_restriction' ? minutesPerDay : minutesPerWeek;
    const duration = r.duration_seconds / 60;
    const problem = !m
      ? `start_time_of_day ${JSON.stringify(r.start_time_of_day)} is not HH:mm:ss`
      : m[3] !== '00'
        ? `start_time_of_day ${r.start_time_of_day} has seconds; Fireline's windows are in minutes`
        : !validClock(Number(m[1]), Number(m[2]))
          ? `start_time_of_day ${r.start_time_of_day} is not a time of day`
          : !Number.isInteger(duration) || duration <= 0 || duration > period
            ? `duration_seconds ${r.duration_seconds} is not a whole number of minutes from 1 minute to a ${r.type === 'daily_restriction' ? 'day' : 'week'}`
            : r.type === 'weekly_restriction' &&
                !(
                  Number.isInteger(r.start_day_of_week) &&
                  r.start_day_of_week! >= 1 &&
                  r.start_day_of_week! <= 7
                )
              ? `start_day_of_week ${String(r.start_day_of_week)} is not an ISO weekday (1 is Monday)`
              : undefined;
    if (problem) {
      converted.problems.push(`${r.type}: ${problem}`);
      continue;
    }
    const startOfDay = Number(m![1]) * 60 + Number(m![2]);
    if (r.type === 'daily_restriction') {
      converted.restrictions.push({
        type: 'time-of-day',
        start: clock(startOfDay),
        end: clock(startOfDay + duration),
      });
      continue;
    }
    const start = (r.start_day_of_week! - 1) * minutesPerDay + startOfDay;
    const end = (start + duration) % minutesPerWeek;
    converted.restrictions.push({
      type: 'weekday-and-time',
      startDay: weekdays[r.start_day_of_week! - 1]!,
      start: clock(startOfDay),
      endDay: weekdays[Math.floor(end / minutesPerDay)]!,
      end: clock(end),
    });
  }
  return converted;
}
