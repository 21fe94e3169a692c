import type { OnCallCatalog, OnCallSchedule } from '../../domain/oncall';
import { isLocalDate, isTimeZone, whoIsOnCall } from '../../domain/oncall-schedule';
import {
  type RuntimeSchedule,
  scheduleLabel,
  scheduleProblems,
  scheduleReferences,
  withRuntimeOnCall,
} from '../../domain/runtime-schedules';

const always = (id: string, person: string): OnCallSchedule => ({
  id,
  name: id,
  timeZone: 'UTC',
  layers: [
    {
      participants: [person],
      rotation: { every: 1, unit: 'week' },
      start: '2026-01-05',
      handoffTime: '09:00',
    },
  ],
});
const stamp = {
  createdBy: 'user:a',
  createdAt: '2026-01-01T00:00:00Z',
  updatedBy: 'user:a',
  updatedAt: '2026-01-01T00:00:00Z',
};
const stored = (id: string, person: string, revision = 1): RuntimeSchedule => ({
  ...always(id, person),
  ...stamp,
  revision,
});

const catalog: OnCallCatalog = {
  people: [
    { id: 'ann', name: 'Ann' },
    { id: 'ben', name: 'Ben' },
  ],
  channels: [],
  schedules: [always('file', 'ann')],
  policies: [
    {
      id: 'p',
      name: 'P',
      levels: [
        { delaySeconds: 60, targets: [{ type: 'person', id: 'ann' }] },
        { delaySeconds: 60, targets: [{ type: 'schedule', id: 'night' }] },
      ],
      fallback: [{ type: 'schedule', id: 'night' }],
    },
  ],
};

describe('schedules made at run time', () => {
  it('joins the catalog file’s schedules; a file schedule of the same id wins', () => {
    const merged = withRuntimeOnCall(catalog, {
      schedules: [stored('night', 'ben', 3), stored('file', 'ben')],
      overrides: [],
    });
    expect(merged.schedules.map((s) => s.id)).toEqual(['file', 'night']);
    const at = new Date('2026-06-01T12:00:00Z');
    expect(whoIsOnCall(merged.schedules[0]!, at)).toBe('ann');
    expect(whoIsOnCall(merged.schedules[1]!, at)).toBe('ben');
  });

  it('applies run-time overrides to a stored schedule too', () => {
    const merged = withRuntimeOnCall(catalog, {
      schedules: [stored('night', 'ben')],
      overrides: [
        {
          id: 'OVR-000000000001',
          scheduleId: 'night',
          personId: 'ann',
          start: '2026-06-01T00:00:00Z',
          end: '2026-06-02T00:00:00Z',
          createdBy: 'user:a',
          createdAt: '2026-05-01T00:00:00Z',
        },
      ],
    });
    const night = merged.schedules.find((s) => s.id === 'night')!;
    expect(whoIsOnCall(night, new Date('2026-06-01T12:00:00Z'))).toBe('ann');
    expect(whoIsOnCall(night, new Date('2026-06-02T12:00:00Z'))).toBe('ben');
  });

  it('names the schedule with its revision where it paged', () => {
    expect(scheduleLabel(always('file', 'ann'))).toBe('file');
    expect(scheduleLabel(stored('night', 'ben', 4))).toBe('night (revision 4)');
  });

  it('names every place a policy pages a schedule', () => {
    expect(scheduleReferences(catalog, 'night')).toEqual(['p level 2', 'p fallback']);
    expect(scheduleReferences(catalog, 'file')).toEqual([]);
  });

  it('names each participant who is not a person by field', () => {
    const definition = {
      ...always('x', 'ann'),
      layers: [always('x', 'ann').layers[0]!, always('x', 'zed').layers[0]!],
    };
    expect(scheduleProblems(definition, catalog)).toEqual([
      { field: 'body.layers.1.participants.0', message: 'zed is not a person' },
    ]);
  });

  it('knows real time zones and calendar dates', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2027-02-29')).toBe(false);
    expect(isLocalDate('2027-2-01')).toBe(false);
  });
});
