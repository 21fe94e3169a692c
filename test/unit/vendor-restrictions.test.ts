import fc from 'fast-check';
import opsgenieSchedule from '../fixtures/opsgenie/schedule-business-hours.json';
import pagerDutySchedule from '../fixtures/pagerduty/schedule-two-layers.json';
import type { RotationLayer } from '../../domain/oncall';
import { layerActive } from '../../domain/oncall-schedule';
import {
  fromOpsgenieTimeRestriction,
  fromPagerDutyRestrictions,
  type OpsgenieTimeRestriction,
  type PagerDutyRestriction,
} from '../../domain/vendor-restrictions';

const layerWith = (restrictions: RotationLayer['restrictions']): RotationLayer => ({
  participants: ['x'],
  rotation: { every: 1, unit: 'week' },
  start: '2026-01-05',
  handoffTime: '00:00',
  restrictions,
});

describe("Opsgenie's time restrictions", () => {
  const [business, nights] = opsgenieSchedule.data.rotations.map((r) =>
    fromOpsgenieTimeRestriction(r.timeRestriction as OpsgenieTimeRestriction),
  );

  it('map one to one: weekday windows and a time-of-day window across midnight', () => {
    expect(business?.problems).toEqual([]);
    expect(business?.restrictions).toHaveLength(5);
    expect(business?.restrictions[0]).toEqual({
      type: 'weekday-and-time',
      startDay: 'monday',
      start: '09:00',
      endDay: 'monday',
      end: '17:00',
    });
    expect(nights).toEqual({
      restrictions: [{ type: 'time-of-day', start: '22:30', end: '06:00' }],
      problems: [],
    });
  });

  it('cover the hours Opsgenie says, in the schedule’s time zone', () => {
    const zone = opsgenieSchedule.data.timezone;
    const weekdays = layerWith(business!.restrictions);
    expect(layerActive(weekdays, zone, new Date('2026-03-06T14:00:00Z'))).toBe(true); // Fri 09:00 EST
    expect(layerActive(weekdays, zone, new Date('2026-03-06T22:00:00Z'))).toBe(false); // Fri 17:00 EST
    expect(layerActive(weekdays, zone, new Date('2026-03-09T13:00:00Z'))).toBe(true); // Mon 09:00 EDT
    expect(layerActive(weekdays, zone, new Date('2026-03-07T15:00:00Z'))).toBe(false); // Saturday
    const overnight = layerWith(nights!.restrictions);
    expect(layerActive(overnight, zone, new Date('2026-03-10T02:30:00Z'))).toBe(true); // 22:30 EDT
    expect(layerActive(overnight, zone, new Date('2026-03-10T10:00:00Z'))).toBe(false); // 06:00 EDT
  });

  it('names what it cannot map', () => {
    expect(
      fromOpsgenieTimeRestriction({
        type: 'weekday-and-time-of-day',
        restrictions: [
          { startDay: 'funday', startHour: 9, startMin: 0, endDay: 'monday', endHour: 17, endMin: 0 },
        ],
      }).problems,
    ).toEqual([expect.stringContaining('"startDay":"funday"')]);
  });
});

describe("PagerDuty's restrictions", () => {
  const [weekly, daily] = pagerDutySchedule.schedule.schedule_layers.map((l) =>
    fromPagerDutyRestrictions(l.restrictions as PagerDutyRestriction[]),
  );

  it('become windows that end where the duration runs out', () => {
    // Monday 09:00 for 104 hours: one window to Friday 17:00, nights included, as PagerDuty draws it.
    expect(weekly).toEqual({
      restrictions: [
        { type: 'weekday-and-time', startDay: 'monday', start: '09:00', endDay: 'friday', end: '17:00' },
      ],
      problems: [],
    });
    expect(daily).toEqual({
      restrictions: [{ type: 'time-of-day', start: '08:00', end: '17:00' }],
      problems: [],
    });
    expect(
      fromPagerDutyRestrictions([
        {
          type: 'weekly_restriction',
          start_day_of_week: 7,
          start_time_of_day: '00:00:00',
          duration_seconds: 604_800,
        },
      ]).restrictions,
    ).toEqual([
      { type: 'weekday-and-time', startDay: 'sunday', start: '00:00', endDay: 'sunday', end: '00:00' },
    ]);
  });

  it('refuse, naming the field, what a window in minutes cannot say', () => {
    const problems = fromPagerDutyRestrictions([
      { type: 'daily_restriction', start_time_of_day: '08:00:30', duration_seconds: 3_600 },
      { type: 'daily_restriction', start_time_of_day: '08:00:00', duration_seconds: 90_000 },
      {
        type: 'weekly_restriction',
        start_day_of_week: 0,
        start_time_of_day: '08:00:00',
        duration_seconds: 3_600,
      },
    ]).problems;
    expect(problems).toEqual([
      expect.stringMatching(/^daily_restriction: start_time_of_day 08:00:30 has seconds/),
      expect.stringMatching(/^daily_restriction: duration_seconds 90000 /),
      expect.stringMatching(/^weekly_restriction: start_day_of_week 0 /),
    ]);
  });

  it('have the layer on call exactly within start + duration, for any start, day and duration', () => {
    const monday = Date.parse('2026-01-05T00:00:00Z');
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 24 * 60 - 1 }),
        fc.integer({ min: 1, max: 7 * 24 * 60 }),
        fc.integer({ min: 0, max: 7 * 24 * 60 - 1 }),
        (weeklyType, day, startMinute, durationMinutes, probe) => {
          const period = weeklyType ? 7 * 24 * 60 : 24 * 60;
          const duration = Math.min(durationMinutes, period);
          const time = `${String(Math.floor(startMinute / 60)).padStart(2, '0')}:${String(startMinute % 60).padStart(2, '0')}:00`;
          const { restrictions, problems } = fromPagerDutyRestrictions([
            weeklyType
              ? {
                  type: 'weekly_restriction',
                  start_day_of_week: day,
                  start_time_of_day: time,
                  duration_seconds: duration * 60,
                }
              : { type: 'daily_restriction', start_time_of_day: time, duration_seconds: duration * 60 },
          ]);
          expect(problems).toEqual([]);
          const start = weeklyType ? (day - 1) * 24 * 60 + startMinute : startMinute;
          const inWindow = ((probe % period) - start + period) % period < duration;
          expect(layerActive(layerWith(restrictions), 'UTC', new Date(monday + probe * 60_000))).toBe(
            inWindow,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
