import fc from 'fast-check';
import {
  formFieldOf,
  restrictionsFromText,
  restrictionsToText,
  scheduleFromForm,
} from '../../api/ui/schedule-form';
import { type LayerRestriction, weekdays } from '../../domain/oncall';

const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const day = fc.constantFrom(...weekdays);
const restriction: fc.Arbitrary<LayerRestriction> = fc.oneof(
  fc.record({ type: fc.constant('time-of-day' as const), start: time, end: time }),
  fc.record({
    type: fc.constant('weekday-and-time' as const),
    startDay: day,
    start: time,
    endDay: day,
    end: time,
  }),
);

describe('the schedule form', () => {
  it('reads back every list of restrictions it writes', () => {
    fc.assert(
      fc.property(fc.array(restriction, { maxLength: 8 }), (restrictions) => {
        expect(restrictionsFromText(restrictionsToText(restrictions))).toEqual({ restrictions });
      }),
    );
  });

  it('reads the shorthands people type, and names the line it cannot read', () => {
    expect(restrictionsToText(restrictionsFromText('weekdays 09:00-17:00').restrictions)).toBe(
      'weekdays 09:00-17:00',
    );
    expect(restrictionsFromText('Fri 18:00 - mon 09:00\n\n22:00 - 06:00').restrictions).toEqual([
      { type: 'weekday-and-time', startDay: 'friday', start: '18:00', endDay: 'monday', end: '09:00' },
      { type: 'time-of-day', start: '22:00', end: '06:00' },
    ]);
    expect(restrictionsFromText('22:00-06:00\nweekdays 9 to 5').problem).toMatch(
      /^line 2 \("weekdays 9 to 5"\) is not a window/,
    );
  });

  it('skips rows with nobody on them, and names a refused field by its form row', () => {
    const body = {
      name: 'N',
      timeZone: 'UTC',
      'layers.0.participants': '',
      'layers.1.participants': 'ann, ben',
      'layers.1.every': '2',
      'layers.1.unit': 'day',
      'layers.1.start': '2026-01-05',
      'layers.1.handoffTime': '09:00',
    };
    const { value, rows } = scheduleFromForm(body, 2);
    expect(value).toEqual({
      name: 'N',
      timeZone: 'UTC',
      layers: [
        {
          participants: ['ann', 'ben'],
          rotation: { every: 2, unit: 'day' },
          start: '2026-01-05',
          handoffTime: '09:00',
        },
      ],
    });
    expect(rows).toEqual([1]);
    expect(formFieldOf('body.layers.0.rotation.every', rows)).toBe('layers.1.every');
    expect(formFieldOf('body.layers.0.participants.1', rows)).toBe('layers.1.participants');
    expect(formFieldOf('body.timeZone', rows)).toBe('timeZone');
  });
});
