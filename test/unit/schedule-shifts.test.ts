import fc from 'fast-check';
import type { OnCallSchedule } from '../../domain/oncall';
import { overrideProblem, scheduleShifts, withRuntimeOverrides } from '../../domain/oncall-overrides';
import { whoIsOnCall } from '../../domain/oncall-schedule';

const daily: OnCallSchedule = {
  id: 'daily',
  name: 'Daily',
  timeZone: 'Europe/London',
  layers: [
    {
      participants: ['alice', 'bob'],
      rotation: { every: 1, unit: 'day' },
      start: '2026-03-26',
      handoffTime: '09:00',
    },
  ],
};

describe('scheduleShifts', () => {
  it('hands over at 09:00 local time on both sides of a DST change', () => {
    // London moves to BST on 2026-03-29: 09:00 local is 09:00 UTC before, 08:00 UTC after.
    const shifts = scheduleShifts(daily, new Date('2026-03-27T00:00:00Z'), new Date('2026-03-31T00:00:00Z'));
    expect(shifts).toEqual([
      { personId: 'alice', start: '2026-03-27T00:00:00.000Z', end: '2026-03-27T09:00:00.000Z' },
      { personId: 'bob', start: '2026-03-27T09:00:00.000Z', end: '2026-03-28T09:00:00.000Z' },
      { personId: 'alice', start: '2026-03-28T09:00:00.000Z', end: '2026-03-29T08:00:00.000Z' },
      { personId: 'bob', start: '2026-03-29T08:00:00.000Z', end: '2026-03-30T08:00:00.000Z' },
      { personId: 'alice', start: '2026-03-30T08:00:00.000Z', end: '2026-03-31T00:00:00.000Z' },
    ]);
  });

  it('applies overrides, the runtime ones over those in code', () => {
    const withOverride = withRuntimeOverrides(
      { people: [], channels: [], policies: [], schedules: [daily] },
      [
        {
          id: 'OVR-000000000001',
          scheduleId: 'daily',
          personId: 'carol',
          start: '2026-03-27T18:00:00.000Z',
          end: '2026-03-28T06:00:00.000Z',
          createdBy: 'user:x',
          createdAt: '2026-03-01T00:00:00.000Z',
        },
      ],
    ).schedules[0]!;
    expect(
      scheduleShifts(withOverride, new Date('2026-03-27T09:00:00Z'), new Date('2026-03-28T09:00:00Z')),
    ).toEqual([
      { personId: 'bob', start: '2026-03-27T09:00:00.000Z', end: '2026-03-27T18:00:00.000Z' },
      { personId: 'carol', start: '2026-03-27T18:00:00.000Z', end: '2026-03-28T06:00:00.000Z' },
      { personId: 'bob', start: '2026-03-28T06:00:00.000Z', end: '2026-03-28T09:00:00.000Z' },
    ]);
  });

  it('agrees with whoIsOnCall at every instant, for any rotation and time zone', () => {
    const zones = ['UTC', 'Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom('hour' as const, 'day' as const, 'week' as const),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 1000 }),
        (timeZone, unit, every, hour, startOffsetDays, probe) => {
          const schedule: OnCallSchedule = {
            id: 's',
            name: 's',
            timeZone,
            layers: [
              {
                participants: ['a', 'b', 'c'],
                rotation: { every, unit },
                start: new Date(Date.UTC(2025, 0, 1) + startOffsetDays * 86_400_000)
                  .toISOString()
                  .slice(0, 10),
                handoffTime: `${String(hour).padStart(2, '0')}:30`,
              },
            ],
          };
          const from = new Date(Date.UTC(2026, 2, 20));
          const to = new Date(from.getTime() + 20 * 86_400_000);
          const shifts = scheduleShifts(schedule, from, to);
          const at = new Date(from.getTime() + Math.floor(((to.getTime() - from.getTime()) * probe) / 1000));
          if (at >= to) return;
          const expected = whoIsOnCall(schedule, at);
          const shift = shifts.find(
            (s) => Date.parse(s.start) <= at.getTime() && at.getTime() < Date.parse(s.end),
          );
          expect(shift?.personId).toBe(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('overrideProblem', () => {
  const catalog = { people: [{ id: 'alice', name: 'A' }], channels: [], schedules: [daily], policies: [] };
  const now = new Date('2026-03-01T00:00:00Z');
  it('names the field of what is wrong', () => {
    expect(
      overrideProblem(
        catalog,
        [],
        { personId: 'zed', start: '2026-03-02T00:00:00Z', end: '2026-03-03T00:00:00Z' },
        now,
      )?.field,
    ).toBe('body.personId');
    expect(
      overrideProblem(
        catalog,
        [],
        { personId: 'alice', start: '2026-03-03T00:00:00Z', end: '2026-03-02T00:00:00Z' },
        now,
      ),
    ).toMatchObject({ field: 'body.end', message: 'must be after start' });
    expect(
      overrideProblem(
        catalog,
        [],
        { personId: 'alice', start: '2026-03-02T00:00:00Z', end: '2026-05-02T00:00:00Z' },
        now,
      )?.field,
    ).toBe('body.end');
  });
});
