import { renderingDifferences, renderingSpan } from '../../domain/import-fidelity';
import type { Person } from '../../domain/oncall';
import { scheduleShifts } from '../../domain/oncall-overrides';
import { fromOpsgenieSchedule, type OpsgenieSchedule } from '../../domain/opsgenie-import';
import overrides from '../fixtures/opsgenie/schedule-business-hours-overrides.json';
import timeline from '../fixtures/opsgenie/schedule-business-hours-timeline.json';
import response from '../fixtures/opsgenie/schedule-business-hours.json';
import users from '../fixtures/opsgenie/users.json';

const people: Person[] = [
  { id: 'alice', name: 'Alice', email: 'alice@example.com' },
  { id: 'bob', name: 'Bob', email: 'bob@example.com' },
  { id: 'carol', name: 'Carol', email: 'carol@example.com' },
];
const schedule = response.data as OpsgenieSchedule;
const now = new Date('2026-03-01T00:00:00Z');

function differencesOf(imported: ReturnType<typeof fromOpsgenieSchedule>) {
  const span = renderingSpan(imported.rendering)!;
  const ours = scheduleShifts(
    { id: 'x', ...imported.definition!, overrides: imported.overrides ?? [] },
    span.from,
    span.to,
  );
  return renderingDifferences(ours, imported.rendering, span.from, span.to);
}

describe('importing an Opsgenie schedule', () => {
  it('carries both rotations over, restrictions and the override included, and matches Opsgenie’s timeline across a DST change', () => {
    const imported = fromOpsgenieSchedule(schedule, users.data, people, now, {
      overrides: overrides.data,
      timeline: timeline.data,
    });
    expect(imported.problems).toEqual([]);
    expect(imported.definition?.layers).toEqual([
      {
        name: 'Business hours',
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
      {
        name: 'Nights',
        participants: ['alice'],
        rotation: { every: 1, unit: 'day' },
        start: '2026-03-01',
        handoffTime: '22:00',
        restrictions: [{ type: 'time-of-day', start: '22:30', end: '06:00' }],
      },
    ]);
    expect(imported.overrides).toEqual([
      {
        personId: 'alice',
        start: '2026-03-11T13:00:00.000Z',
        end: '2026-03-11T21:00:00.000Z',
        note: 'Opsgenie override alice-covers-wednesday',
      },
    ]);
    expect(differencesOf(imported)).toEqual([]);
  });

  it('finds the override missing when it is not applied, and names who is no Fireline person', () => {
    const imported = fromOpsgenieSchedule(
      schedule,
      users.data,
      people.filter((p) => p.id !== 'alice'),
      now,
      { timeline: timeline.data },
    );
    expect(imported.problems).toEqual([
      'rotation Nights (e5a1c9d8-9e5c-4ba7-9d41-0dc9e50d15e7): user alice@example.com is no Fireline person (matched by email): left out of the rotation',
      'rotation Nights (e5a1c9d8-9e5c-4ba7-9d41-0dc9e50d15e7): nobody on it is a Fireline person: not imported',
    ]);
    const differences = differencesOf(imported);
    expect(differences).toContainEqual({
      start: '2026-03-11T13:00:00.000Z',
      end: '2026-03-11T21:00:00.000Z',
      fireline: 'carol',
      vendor: 'Opsgenie user alice@example.com',
    });
    expect(differences.every((d) => d.vendor === 'Opsgenie user alice@example.com')).toBe(true);
  });
});
