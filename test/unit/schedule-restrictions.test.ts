import fc from 'fast-check';
import vm from 'node:vm';
import ts from 'typescript';
import {
  type LayerRestriction,
  type OnCallSchedule,
  type RotationLayer,
  weekdays,
} from '../../domain/oncall';
import { scheduleGaps, scheduleShifts } from '../../domain/oncall-overrides';
import { whoIsOnCall } from '../../domain/oncall-schedule';
import { codeBlocks, readDoc, sectionOf } from '../helpers/readme-examples';
import { onCallIn } from '../../api/oncall/service';
import { onCallPage } from '../../api/ui/views/oncall';

/** Weekdays 09:00–17:00, as Opsgenie's weekday-and-time restrictions and PagerDuty's weekly ones say it. */
const businessHours: LayerRestriction[] = weekdays.slice(0, 5).map((day) => ({
  type: 'weekday-and-time',
  startDay: day,
  start: '09:00',
  endDay: day,
  end: '17:00',
}));

/** Dan and Erin around the clock, a week each; Bob and Carol over them in New York's business hours. */
const newYork: OnCallSchedule = {
  id: 'ny',
  name: 'New York',
  timeZone: 'America/New_York',
  layers: [
    {
      participants: ['dan', 'erin'],
      rotation: { every: 1, unit: 'week' },
      start: '2026-02-23',
      handoffTime: '09:00',
    },
    {
      participants: ['bob', 'carol'],
      rotation: { every: 1, unit: 'week' },
      start: '2026-03-02',
      handoffTime: '09:00',
      restrictions: businessHours,
    },
  ],
};

/** Nobody between 02:00 and 06:00 London time: the layer covers 06:00–02:00. */
const gappy: OnCallSchedule = {
  id: 'gappy',
  name: 'Gappy',
  timeZone: 'Europe/London',
  layers: [
    {
      participants: ['alice', 'bob'],
      rotation: { every: 1, unit: 'day' },
      start: '2026-03-01',
      handoffTime: '09:00',
      restrictions: [{ type: 'time-of-day', start: '06:00', end: '02:00' }],
    },
  ],
  // Carol covers one night's gap.
  overrides: [{ personId: 'carol', start: '2026-03-27T01:00:00Z', end: '2026-03-27T07:00:00Z' }],
};

const at = (iso: string) => whoIsOnCall(newYork, new Date(iso));

describe('layer restrictions', () => {
  it('has the business-hours layer on call weekdays 09:00–17:00 New York time on both sides of a DST change', () => {
    // The US moves to daylight time on Sunday 2026-03-08: 09:00 in New York is 14:00 UTC on
    // Friday the 6th and 13:00 UTC on Monday the 9th; 17:00 is 22:00 and then 21:00 UTC.
    expect(at('2026-03-06T13:59:00Z')).toBe('erin'); // Friday 08:59 EST
    expect(at('2026-03-06T14:00:00Z')).toBe('bob'); // Friday 09:00 EST
    expect(at('2026-03-06T21:59:00Z')).toBe('bob'); // Friday 16:59 EST
    expect(at('2026-03-06T22:00:00Z')).toBe('erin'); // Friday 17:00 EST
    expect(at('2026-03-07T16:00:00Z')).toBe('erin'); // Saturday 11:00 EST: weekend
    expect(at('2026-03-09T12:59:00Z')).toBe('erin'); // Monday 08:59 EDT, before both layers hand over
    expect(at('2026-03-09T13:00:00Z')).toBe('carol'); // Monday 09:00 EDT, the layer's second week
    expect(at('2026-03-09T20:59:00Z')).toBe('carol'); // Monday 16:59 EDT
    expect(at('2026-03-09T21:00:00Z')).toBe('dan'); // Monday 17:00 EDT
  });

  it('wraps a time-of-day window past midnight and a weekday window past the end of the week', () => {
    const layer = (restrictions: LayerRestriction[]): OnCallSchedule => ({
      id: 'x',
      name: 'x',
      timeZone: 'Europe/London',
      layers: [
        {
          participants: ['night'],
          rotation: { every: 1, unit: 'day' },
          start: '2026-01-01',
          handoffTime: '00:00',
          restrictions,
        },
      ],
    });
    const nights = layer([{ type: 'time-of-day', start: '22:00', end: '06:00' }]);
    expect(whoIsOnCall(nights, new Date('2026-01-14T21:59:00Z'))).toBeUndefined();
    expect(whoIsOnCall(nights, new Date('2026-01-14T22:00:00Z'))).toBe('night');
    expect(whoIsOnCall(nights, new Date('2026-01-15T05:59:00Z'))).toBe('night');
    expect(whoIsOnCall(nights, new Date('2026-01-15T06:00:00Z'))).toBeUndefined();

    const weekend = layer([
      { type: 'weekday-and-time', startDay: 'friday', start: '18:00', endDay: 'monday', end: '09:00' },
    ]);
    expect(whoIsOnCall(weekend, new Date('2026-01-16T17:59:00Z'))).toBeUndefined(); // Friday 17:59
    expect(whoIsOnCall(weekend, new Date('2026-01-16T18:00:00Z'))).toBe('night');
    expect(whoIsOnCall(weekend, new Date('2026-01-18T12:00:00Z'))).toBe('night'); // Sunday
    expect(whoIsOnCall(weekend, new Date('2026-01-19T08:59:00Z'))).toBe('night'); // Monday 08:59
    expect(whoIsOnCall(weekend, new Date('2026-01-19T09:00:00Z'))).toBeUndefined();
    expect(whoIsOnCall(weekend, new Date('2026-01-21T12:00:00Z'))).toBeUndefined(); // Wednesday

    const always = layer([{ type: 'time-of-day', start: '09:00', end: '09:00' }]);
    expect(whoIsOnCall(always, new Date('2026-01-21T03:00:00Z'))).toBe('night');
  });

  it('cuts shifts where a window opens and closes', () => {
    expect(
      scheduleShifts(newYork, new Date('2026-03-06T12:00:00Z'), new Date('2026-03-07T12:00:00Z')),
    ).toEqual([
      { personId: 'erin', start: '2026-03-06T12:00:00.000Z', end: '2026-03-06T14:00:00.000Z' },
      { personId: 'bob', start: '2026-03-06T14:00:00.000Z', end: '2026-03-06T22:00:00.000Z' },
      { personId: 'erin', start: '2026-03-06T22:00:00.000Z', end: '2026-03-07T12:00:00.000Z' },
    ]);
  });

  it('finds the gaps a restricted schedule leaves', () => {
    // London moves to BST on 2026-03-29: 02:00–06:00 local is 02:00–06:00 UTC before, 01:00–05:00 after.
    expect(scheduleGaps(gappy, new Date('2026-03-26T00:00:00Z'), new Date('2026-03-31T00:00:00Z'))).toEqual([
      { start: '2026-03-26T02:00:00.000Z', end: '2026-03-26T06:00:00.000Z' },
      { start: '2026-03-28T02:00:00.000Z', end: '2026-03-28T06:00:00.000Z' },
      { start: '2026-03-29T01:00:00.000Z', end: '2026-03-29T05:00:00.000Z' },
      { start: '2026-03-30T01:00:00.000Z', end: '2026-03-30T05:00:00.000Z' },
    ]);
  });

  it('agrees with whoIsOnCall at every instant, for any windows and time zone', () => {
    const zones = ['UTC', 'Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'];
    const time = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const restriction: fc.Arbitrary<LayerRestriction> = fc.oneof(
      fc.record({ type: fc.constant('time-of-day' as const), start: time, end: time }),
      fc.record({
        type: fc.constant('weekday-and-time' as const),
        startDay: fc.constantFrom(...weekdays),
        start: time,
        endDay: fc.constantFrom(...weekdays),
        end: time,
      }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.array(restriction, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('hour' as const, 'day' as const, 'week' as const),
        fc.integer({ min: 0, max: 1000 }),
        (timeZone, restrictions, unit, probe) => {
          const restricted: RotationLayer = {
            participants: ['a', 'b', 'c'],
            rotation: { every: 1, unit },
            start: '2026-01-05',
            handoffTime: '09:30',
            restrictions,
          };
          const schedule: OnCallSchedule = { id: 's', name: 's', timeZone, layers: [restricted] };
          const from = new Date(Date.UTC(2026, 2, 20));
          const to = new Date(from.getTime() + 20 * 86_400_000);
          const point = new Date(
            from.getTime() + Math.floor(((to.getTime() - from.getTime()) * probe) / 1000),
          );
          if (point >= to) return;
          const shift = scheduleShifts(schedule, from, to).find(
            (s) => Date.parse(s.start) <= point.getTime() && point.getTime() < Date.parse(s.end),
          );
          const gap = scheduleGaps(schedule, from, to).find(
            (g) => Date.parse(g.start) <= point.getTime() && point.getTime() < Date.parse(g.end),
          );
          const expected = whoIsOnCall(schedule, point);
          expect(shift?.personId).toBe(expected);
          expect(gap !== undefined).toBe(expected === undefined);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('works as docs/oncall.md shows it', () => {
    const [example] = codeBlocks(sectionOf(readDoc('docs/oncall.md'), '## Layer restrictions'), 'ts');
    const { outputText } = ts.transpileModule(example!, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    const exported: { daytime?: RotationLayer; nights?: LayerRestriction } = {};
    vm.runInNewContext(outputText, { exports: exported, require: () => ({}) });
    const schedule: OnCallSchedule = { ...newYork, layers: [newYork.layers[0]!, exported.daytime!] };
    expect(whoIsOnCall(schedule, new Date('2026-03-06T14:00:00Z'))).toBe('bob');
    expect(whoIsOnCall(schedule, new Date('2026-03-06T22:00:00Z'))).toBe('erin');
    expect(whoIsOnCall(schedule, new Date('2026-03-09T13:00:00Z'))).toBe('carol');
    const nights: OnCallSchedule = {
      ...newYork,
      layers: [{ ...newYork.layers[0]!, restrictions: [exported.nights!] }],
    };
    expect(whoIsOnCall(nights, new Date('2026-03-06T04:00:00Z'))).toBe('erin'); // 23:00 EST
    expect(whoIsOnCall(nights, new Date('2026-03-06T16:00:00Z'))).toBeUndefined(); // 11:00 EST
  });

  it('lists the gaps of the next 14 days in the on-call answer, and the On call page shows them in local time', () => {
    const state = { catalog: { people: [], channels: [], policies: [], schedules: [gappy] }, overrides: [] };
    const now = onCallIn(state, new Date('2026-03-26T00:00:00Z'));
    expect(now.schedules[0]?.gaps.slice(0, 2)).toEqual([
      { start: '2026-03-26T02:00:00.000Z', end: '2026-03-26T06:00:00.000Z' },
      { start: '2026-03-28T02:00:00.000Z', end: '2026-03-28T06:00:00.000Z' },
    ]);
    const page = onCallPage(
      { csrfToken: 'x' },
      { now, schedules: [{ id: 'gappy', timeZone: 'Europe/London', shifts: [], overrides: [] }], people: [] },
    );
    expect(page).toContain('Nobody is on call in the next 14 days (Europe/London)');
    // After the clocks go forward on the 29th, 02:00–06:00 in London is 01:00–05:00 UTC.
    expect(page).toMatch(
      /datetime="2026-03-30T01:00:00.000Z">Mon 30 Mar, 02:00<\/time> –\s*<time datetime="2026-03-30T05:00:00.000Z">06:00</,
    );
  });
});
