import fc from 'fast-check';
import { layerOnCall, whoIsOnCall, zonedTimeToInstant } from '../../domain/oncall-schedule';
import type { OnCallSchedule } from '../../domain/oncall';

const weekly: OnCallSchedule = {
  id: 's',
  name: 'Weekly',
  timeZone: 'Europe/London',
  layers: [
    {
      participants: ['alice', 'bob', 'carol'],
      rotation: { every: 1, unit: 'week' },
      start: '2026-01-05',
      handoffTime: '09:00',
    },
  ],
};

describe('whoIsOnCall', () => {
  it('rotates weekly at the local hand-off time', () => {
    expect(whoIsOnCall(weekly, new Date('2026-01-05T09:00:00Z'))).toBe('alice');
    expect(whoIsOnCall(weekly, new Date('2026-01-12T08:59:00Z'))).toBe('alice');
    expect(whoIsOnCall(weekly, new Date('2026-01-12T09:00:00Z'))).toBe('bob');
    expect(whoIsOnCall(weekly, new Date('2026-01-19T09:00:00Z'))).toBe('carol');
    expect(whoIsOnCall(weekly, new Date('2026-01-26T09:00:00Z'))).toBe('alice');
    expect(whoIsOnCall(weekly, new Date('2026-01-05T08:59:00Z'))).toBeUndefined();
  });

  it('keeps the hand-off at 09:00 local time across a DST change', () => {
    // London moves to BST on 2026-03-29: 09:00 local is 08:00 UTC afterwards.
    const schedule: OnCallSchedule = {
      ...weekly,
      layers: [{ ...weekly.layers[0]!, rotation: { every: 1, unit: 'day' }, start: '2026-03-28' }],
    };
    expect(whoIsOnCall(schedule, new Date('2026-03-28T09:00:00Z'))).toBe('alice');
    expect(whoIsOnCall(schedule, new Date('2026-03-29T07:59:00Z'))).toBe('alice');
    expect(whoIsOnCall(schedule, new Date('2026-03-29T08:00:00Z'))).toBe('bob');
    expect(zonedTimeToInstant('2026-03-30', '09:00', 'Europe/London').toISOString()).toBe(
      '2026-03-30T08:00:00.000Z',
    );
  });

  it('rotates every N hours from the first hand-off', () => {
    const layer = {
      participants: ['a', 'b'],
      rotation: { every: 12, unit: 'hour' as const },
      start: '2026-06-01',
      handoffTime: '08:00',
    };
    expect(layerOnCall(layer, 'America/New_York', new Date('2026-06-01T12:00:00Z'))).toBe('a'); // 08:00 EDT
    expect(layerOnCall(layer, 'America/New_York', new Date('2026-06-02T00:00:00Z'))).toBe('b');
    expect(layerOnCall(layer, 'America/New_York', new Date('2026-06-02T12:00:00Z'))).toBe('a');
  });

  it('lets overrides win, the last one first, and later layers win over earlier ones', () => {
    const schedule: OnCallSchedule = {
      ...weekly,
      layers: [
        ...weekly.layers,
        {
          participants: ['dan'],
          rotation: { every: 1, unit: 'week' },
          start: '2026-02-02',
          handoffTime: '09:00',
        },
      ],
      overrides: [
        { personId: 'erin', start: '2026-01-06T00:00:00Z', end: '2026-01-07T00:00:00Z' },
        { personId: 'frank', start: '2026-01-06T12:00:00Z', end: '2026-01-06T13:00:00Z' },
      ],
    };
    expect(whoIsOnCall(schedule, new Date('2026-01-06T11:00:00Z'))).toBe('erin');
    expect(whoIsOnCall(schedule, new Date('2026-01-06T12:30:00Z'))).toBe('frank');
    expect(whoIsOnCall(schedule, new Date('2026-01-07T00:00:00Z'))).toBe('alice');
    expect(whoIsOnCall(schedule, new Date('2026-02-03T00:00:00Z'))).toBe('dan');
  });

  it('always names a participant once the rotation has started, and each keeps a full shift', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 * 365 * 24 * 60 }), (minutes) => {
        const at = new Date(Date.parse('2026-01-05T09:00:00Z') + minutes * 60_000);
        const person = whoIsOnCall(weekly, at);
        expect(['alice', 'bob', 'carol']).toContain(person);
        // One minute earlier is the same person unless a Monday 09:00 hand-off lies between.
        const before = whoIsOnCall(weekly, new Date(at.getTime() - 60_000));
        const local = new Intl.DateTimeFormat('en-GB', {
          timeZone: 'Europe/London',
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }).format(at);
        if (minutes > 0 && local !== 'Mon 09:00') expect(before).toBe(person);
      }),
      { numRuns: 300 },
    );
  });
});
