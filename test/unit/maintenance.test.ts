import fc from 'fast-check';
import {
  type MaintenanceWindow,
  currentOrNextOccurrence,
  holdApplies,
  maintenanceHoldFor,
  occurrenceAt,
  windowsNotOver,
} from '../../domain/maintenance';

const window = (overrides: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  id: 'mw-000000000001',
  services: ['checkout'],
  startsAt: '2026-03-02T10:00:00.000Z',
  endsAt: '2026-03-02T12:00:00.000Z',
  reason: 'database upgrade',
  createdBy: 'user:alice',
  createdAt: '2026-03-01T00:00:00.000Z',
  silenceSev1: false,
  ...overrides,
});
const scope = { service: 'checkout', team: 'sre', severity: 'SEV2' as const };

describe('maintenance windows', () => {
  it('holds an incident of a covered service from its start to its end, not after', () => {
    const w = window();
    expect(maintenanceHoldFor([w], scope, new Date('2026-03-02T09:59:59Z'))).toBeUndefined();
    expect(maintenanceHoldFor([w], scope, new Date('2026-03-02T10:00:00Z'))).toEqual({
      windowId: w.id,
      reason: 'database upgrade',
      createdBy: 'user:alice',
      until: '2026-03-02T12:00:00.000Z',
      silenceSev1: false,
    });
    expect(maintenanceHoldFor([w], scope, new Date('2026-03-02T12:00:00Z'))).toBeUndefined();
    expect(
      maintenanceHoldFor([w], { ...scope, service: 'payments' }, new Date('2026-03-02T11:00:00Z')),
    ).toBeUndefined();
  });

  it('covers every service of a team when it names the team', () => {
    const w = window({ services: [], team: 'payments' });
    const at = new Date('2026-03-02T11:00:00Z');
    expect(maintenanceHoldFor([w], { ...scope, team: 'payments', service: 'ledger' }, at)?.windowId).toBe(
      w.id,
    );
    expect(maintenanceHoldFor([w], scope, at)).toBeUndefined();
  });

  it('silences SEV1 only when the window says so', () => {
    const at = new Date('2026-03-02T11:00:00Z');
    const sev1 = { ...scope, severity: 'SEV1' as const };
    expect(maintenanceHoldFor([window()], sev1, at)).toBeUndefined();
    const hold = maintenanceHoldFor([window({ silenceSev1: true })], sev1, at);
    expect(hold?.silenceSev1).toBe(true);
    expect(holdApplies(hold, 'SEV1')).toBe(true);
    expect(holdApplies({ ...hold!, silenceSev1: false }, 'SEV1')).toBe(false);
    expect(holdApplies({ ...hold!, silenceSev1: false }, 'SEV2')).toBe(true);
  });

  it('of overlapping windows, holds until the last one ends', () => {
    const at = new Date('2026-03-02T11:00:00Z');
    const later = window({ id: 'mw-000000000002', endsAt: '2026-03-02T13:30:00.000Z' });
    expect(maintenanceHoldFor([window(), later], scope, at)?.until).toBe('2026-03-02T13:30:00.000Z');
    expect(maintenanceHoldFor([later, window()], scope, at)?.windowId).toBe(later.id);
  });

  it('repeats a weekly window at the same wall-clock time across a DST change', () => {
    // Mondays 02:00-04:00 in New York: EST (UTC-5) before 8 March 2026, EDT (UTC-4) after.
    const w = window({
      startsAt: '2026-03-02T07:00:00.000Z',
      endsAt: '2026-03-02T09:00:00.000Z',
      weekly: { timeZone: 'America/New_York' },
    });
    expect(occurrenceAt(w, new Date('2026-03-09T06:30:00Z'))).toEqual({
      startsAt: '2026-03-09T06:00:00.000Z',
      endsAt: '2026-03-09T08:00:00.000Z',
    });
    expect(occurrenceAt(w, new Date('2026-03-09T08:00:00Z'))).toBeUndefined();
    expect(occurrenceAt(w, new Date('2026-03-05T08:00:00Z'))).toBeUndefined();
    expect(currentOrNextOccurrence(w, new Date('2026-03-05T08:00:00Z'))?.startsAt).toBe(
      '2026-03-09T06:00:00.000Z',
    );
  });

  it('ends a weekly window at its `until`', () => {
    const w = window({ weekly: { timeZone: 'UTC', until: '2026-03-10T00:00:00.000Z' } });
    expect(occurrenceAt(w, new Date('2026-03-09T11:00:00Z'))?.startsAt).toBe('2026-03-09T10:00:00.000Z');
    expect(occurrenceAt(w, new Date('2026-03-16T11:00:00Z'))).toBeUndefined();
    expect(windowsNotOver([w], new Date('2026-03-09T13:00:00Z'))).toEqual([]);
    expect(windowsNotOver([w], new Date('2026-03-09T11:00:00Z'))).toEqual([w]);
  });

  it('finds the occurrence under way of a weekly window at any instant, and no other', () => {
    const w = window({ weekly: { timeZone: 'Europe/London' } });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 365 * 24 * 60 }), (minutes) => {
        const at = new Date(Date.parse(w.startsAt) - 7 * 24 * 3600_000 + minutes * 60_000);
        const o = occurrenceAt(w, at);
        const next = currentOrNextOccurrence(w, at)!;
        if (o) {
          expect(Date.parse(o.startsAt)).toBeLessThanOrEqual(at.getTime());
          expect(Date.parse(o.endsAt)).toBeGreaterThan(at.getTime());
          expect(Date.parse(o.endsAt) - Date.parse(o.startsAt)).toBe(2 * 3600_000);
          // 10:00 UTC is 10:00 or 11:00 in London: the same wall-clock time every week.
          expect(
            new Intl.DateTimeFormat('en-GB', {
              timeZone: 'Europe/London',
              hour: '2-digit',
              minute: '2-digit',
            }).format(new Date(o.startsAt)),
          ).toBe('10:00');
          expect(next).toEqual(o);
        } else {
          expect(Date.parse(next.startsAt)).toBeGreaterThan(at.getTime());
          expect(Date.parse(next.startsAt) - at.getTime()).toBeLessThanOrEqual(7 * 24 * 3600_000 + 3600_000);
        }
      }),
    );
  });
});
