import { renderingDifferences, renderingSpan } from '../../domain/import-fidelity';
import type { Person } from '../../domain/oncall';
import { scheduleShifts } from '../../domain/oncall-overrides';
import { fromPagerDutySchedule, type PagerDutySchedule } from '../../domain/pagerduty-import';
import users from '../fixtures/pagerduty/users.json';
import response from '../fixtures/pagerduty/schedule-two-layers.json';

const people: Person[] = [
  { id: 'bob', name: 'Bob', email: 'bob@example.com' },
  { id: 'carol', name: 'Carol', email: 'carol@example.com' },
  { id: 'alice', name: 'Alice', email: 'alice@example.com' },
];
const schedule = response.schedule as PagerDutySchedule;

describe('importing a PagerDuty schedule', () => {
  it('carries both layers over, restrictions included, and matches PagerDuty’s final schedule across a DST change', () => {
    const imported = fromPagerDutySchedule(schedule, users.users, people, new Date('2026-06-01T00:00:00Z'));
    expect(imported.problems).toEqual([]);
    expect(imported.definition).toEqual({
      name: 'Checkout primary',
      timeZone: 'America/New_York',
      source: { system: 'pagerduty', id: 'PI7DH85' },
      layers: [
        {
          name: 'Weekdays',
          participants: ['bob', 'carol'],
          rotation: { every: 1, unit: 'week' },
          start: '2026-03-02',
          handoffTime: '09:00',
          restrictions: [
            { type: 'weekday-and-time', startDay: 'monday', start: '09:00', endDay: 'friday', end: '17:00' },
          ],
        },
        {
          name: 'Daytime',
          participants: ['alice'],
          rotation: { every: 1, unit: 'day' },
          start: '2026-02-23',
          handoffTime: '08:00',
          restrictions: [{ type: 'time-of-day', start: '08:00', end: '17:00' }],
        },
      ],
    });
    const span = renderingSpan(imported.rendering)!;
    const ours = scheduleShifts({ id: 'x', ...imported.definition! }, span.from, span.to);
    expect(renderingDifferences(ours, imported.rendering, span.from, span.to)).toEqual([]);
  });

  it('names what it cannot carry over, and the fidelity check names each stretch that differs', () => {
    const withoutCarol = people.filter((p) => p.id !== 'carol');
    const imported = fromPagerDutySchedule(
      schedule,
      users.users,
      withoutCarol,
      new Date('2026-06-01T00:00:00Z'),
    );
    expect(imported.problems).toEqual([
      'layer Weekdays (PG68P1M): user PCAROL1 (Carol@Example.com) is no Fireline person (matched by email): left out of the rotation',
    ]);
    const span = renderingSpan(imported.rendering)!;
    const ours = scheduleShifts({ id: 'x', ...imported.definition! }, span.from, span.to);
    const differences = renderingDifferences(ours, imported.rendering, span.from, span.to);
    // Carol's weeks (from Monday 9 March, 09:00 New York) are Bob's in Fireline.
    expect(differences[0]).toEqual({
      start: '2026-03-09T21:00:00.000Z',
      end: '2026-03-10T12:00:00.000Z',
      fireline: 'bob',
      vendor: 'PagerDuty user PCAROL1',
    });
    expect(differences.every((d) => d.fireline === 'bob' && d.vendor === 'PagerDuty user PCAROL1')).toBe(
      true,
    );
  });

  it('makes its overrides Fireline overrides, naming one whose user is no Fireline person', () => {
    const imported = fromPagerDutySchedule(schedule, users.users, people, new Date('2026-06-01T00:00:00Z'), [
      {
        id: 'PQ1',
        start: '2026-06-02T09:00:00-04:00',
        end: '2026-06-03T09:00:00-04:00',
        user: { id: 'PALICE1' },
      },
      {
        id: 'PQ2',
        start: '2026-06-04T09:00:00-04:00',
        end: '2026-06-05T09:00:00-04:00',
        user: { id: 'PEVE789' },
      },
    ]);
    expect(imported.overrides).toEqual([
      {
        personId: 'alice',
        start: '2026-06-02T13:00:00.000Z',
        end: '2026-06-03T13:00:00.000Z',
        note: 'PagerDuty override PQ1',
      },
    ]);
    expect(imported.problems).toEqual([
      'override PQ2: user eve@example.com is no Fireline person: not imported',
    ]);
  });
});
