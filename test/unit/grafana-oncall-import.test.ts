import { renderingDifferences, renderingSpan } from '../../domain/import-fidelity';
import { fromGrafanaOnCallSchedule, type GrafanaOnCallShift } from '../../domain/grafana-oncall-import';
import type { Person } from '../../domain/oncall';
import { scheduleShifts } from '../../domain/oncall-overrides';
import finalShifts from '../fixtures/grafana-oncall/schedule-final-shifts.json';
import schedule from '../fixtures/grafana-oncall/schedule.json';
import shifts from '../fixtures/grafana-oncall/schedule-shifts.json';
import users from '../fixtures/grafana-oncall/users.json';

const people: Person[] = [
  { id: 'alice', name: 'Alice', email: 'alice@example.com' },
  { id: 'bob', name: 'Bob', email: 'bob@example.com' },
  { id: 'carol', name: 'Carol', email: 'carol@example.com' },
];
const now = new Date('2026-03-01T00:00:00Z');
const rolling = shifts.results as GrafanaOnCallShift[];

describe('importing a Grafana OnCall schedule', () => {
  it('turns rolling-users shifts into layers by level, and matches its final shifts', () => {
    const imported = fromGrafanaOnCallSchedule(
      schedule,
      rolling,
      users.results,
      people,
      now,
      finalShifts.results,
    );
    expect(imported.problems).toEqual([]);
    expect(imported.definition?.layers).toEqual([
      {
        name: 'Nights',
        participants: ['alice'],
        rotation: { every: 1, unit: 'day' },
        start: '2026-03-01',
        handoffTime: '17:00',
        restrictions: [{ type: 'time-of-day', start: '17:00', end: '09:00' }],
      },
      {
        name: 'Weekday days',
        participants: ['bob', 'carol'],
        rotation: { every: 1, unit: 'week' },
        start: '2026-03-02',
        handoffTime: '09:00',
        restrictions: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => ({
          type: 'weekday-and-time',
          startDay: day,
          start: '09:00',
          endDay: day,
          end: '17:00',
        })),
      },
    ]);
    const span = renderingSpan(imported.rendering)!;
    const ours = scheduleShifts({ id: 'x', ...imported.definition! }, span.from, span.to);
    expect(renderingDifferences(ours, imported.rendering, span.from, span.to)).toEqual([]);
  });

  it('names the shifts it cannot carry over', () => {
    const odd: GrafanaOnCallShift[] = [
      { ...rolling[0]!, id: 'OMONTH', name: 'Monthly', frequency: 'monthly' },
      { ...rolling[0]!, id: 'OZONE', name: 'Elsewhere', time_zone: 'Asia/Tokyo' },
      {
        ...rolling[1]!,
        id: 'OPAIR',
        name: 'Pairs',
        rolling_users: [[users.results[0]!.id, users.results[1]!.id]],
      },
    ];
    const imported = fromGrafanaOnCallSchedule(
      { ...schedule, shifts: undefined },
      odd,
      users.results,
      people,
      now,
    );
    // By level: the level-0 shift first.
    expect(imported.problems).toEqual([
      'shift Pairs (OPAIR): 2 people are on call at once in one turn; Fireline has one, the first',
      'shift Monthly (OMONTH): a monthly frequency has no Fireline equivalent: not imported',
      "shift Elsewhere (OZONE): its time zone Asia/Tokyo is not the schedule's (America/New_York): not imported",
    ]);
    expect(imported.definition?.layers.map((l) => l.participants)).toEqual([['alice']]);
  });
});
