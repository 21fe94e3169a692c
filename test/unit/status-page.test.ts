import {
  type IncidentInterval,
  componentStatus,
  dailyUptime,
  overallBanner,
  overallUptime,
  publicIncidentStatus,
  stateOfSeverity,
  updateRefusal,
  uptimePercent,
} from '../../domain/status-page';

const at = (iso: string) => Date.parse(iso);
const now = at('2026-12-05T12:00:00Z');

describe('status page: component state', () => {
  const incidents: IncidentInterval[] = [
    { service: 'checkout', severity: 'SEV3', openedAt: at('2026-12-05T10:00:00Z') },
    { service: 'payments', severity: 'SEV2', openedAt: at('2026-12-05T11:00:00Z') },
    {
      service: 'checkout',
      severity: 'SEV1',
      openedAt: at('2026-12-04T10:00:00Z'),
      resolvedAt: at('2026-12-04T11:00:00Z'),
    },
  ];

  it('maps severities to states: SEV1 major, SEV2 partial, SEV3 and SEV4 degraded', () => {
    expect(['SEV1', 'SEV2', 'SEV3', 'SEV4'].map((s) => stateOfSeverity(s as 'SEV1'))).toEqual([
      'major_outage',
      'partial_outage',
      'degraded',
      'degraded',
    ]);
  });

  it('takes the worst open incident of its services, ignoring resolved ones and other services', () => {
    expect(componentStatus({ services: ['checkout'] }, incidents)).toEqual({
      state: 'degraded',
      derived: 'degraded',
      overridden: false,
    });
    expect(componentStatus({ services: ['checkout', 'payments'] }, incidents).state).toBe('partial_outage');
    expect(componentStatus({ services: ['search'] }, incidents).state).toBe('operational');
  });

  it("lets a responder's override win, better or worse, keeping what the incidents say", () => {
    expect(componentStatus({ services: ['payments'], override: 'operational' }, incidents)).toEqual({
      state: 'operational',
      derived: 'partial_outage',
      overridden: true,
    });
    expect(componentStatus({ services: ['search'], override: 'major_outage' }, incidents).state).toBe(
      'major_outage',
    );
  });

  it('says the worst state in the banner', () => {
    expect(overallBanner([])).toEqual({ state: 'operational', text: 'All systems operational' });
    expect(overallBanner(['operational', 'degraded', 'partial_outage'])).toEqual({
      state: 'partial_outage',
      text: 'Partial outage',
    });
  });
});

describe('status page: uptime', () => {
  it('counts SEV1 and SEV2 time once when incidents overlap, per UTC day, today up to now', () => {
    const incidents: IncidentInterval[] = [
      // 2026-12-03 23:00 to 12-04 01:00: one hour on each day.
      {
        service: 'api',
        severity: 'SEV1',
        openedAt: at('2026-12-03T23:00:00Z'),
        resolvedAt: at('2026-12-04T01:00:00Z'),
      },
      // Overlaps the one above by 30 minutes: 12-04 adds 30 minutes, not an hour.
      {
        service: 'api',
        severity: 'SEV2',
        openedAt: at('2026-12-04T00:30:00Z'),
        resolvedAt: at('2026-12-04T01:30:00Z'),
      },
      // Degraded is not downtime, but is the day's worst state.
      {
        service: 'api',
        severity: 'SEV3',
        openedAt: at('2026-12-02T08:00:00Z'),
        resolvedAt: at('2026-12-02T20:00:00Z'),
      },
      // Still open: today from 09:00 to now (12:00) is 3 h of the 12 h elapsed.
      { service: 'api', severity: 'SEV2', openedAt: at('2026-12-05T09:00:00Z') },
      // Another service's incident counts for nothing here.
      { service: 'web', severity: 'SEV1', openedAt: at('2026-12-01T00:00:00Z') },
    ];
    const days = dailyUptime(['api'], incidents, now, 5);
    expect(days).toEqual([
      { date: '2026-12-01', uptime: 1, downSeconds: 0, worst: 'operational' },
      { date: '2026-12-02', uptime: 1, downSeconds: 0, worst: 'degraded' },
      { date: '2026-12-03', uptime: 23 / 24, downSeconds: 3600, worst: 'major_outage' },
      { date: '2026-12-04', uptime: 22.5 / 24, downSeconds: 5400, worst: 'major_outage' },
      { date: '2026-12-05', uptime: 0.75, downSeconds: 10_800, worst: 'partial_outage' },
    ]);
    // 5 h 30 min down out of 4 days and 12 hours.
    expect(overallUptime(days, now)).toBeCloseTo(1 - 5.5 / 108, 12);
    expect(uptimePercent(overallUptime(days, now))).toBe('94.90%');
  });

  it('has 90 days by default, the oldest first, and never rounds downtime up to 100%', () => {
    const days = dailyUptime(['api'], [], now);
    expect(days).toHaveLength(90);
    expect(days[0]!.date).toBe('2026-09-07');
    expect(days[89]!.date).toBe('2026-12-05');
    expect(uptimePercent(1 - 1 / 100_000)).toBe('99.99%');
    expect(uptimePercent(1)).toBe('100.00%');
  });
});

describe('status page: public updates', () => {
  const update = (status: 'investigating' | 'resolved') => ({
    status,
    body: 'x',
    at: '2026-12-05T10:00:00Z',
    author: 'alice',
  });

  it("is as its latest update says, and takes none after it's resolved", () => {
    expect(publicIncidentStatus([update('investigating')])).toBe('investigating');
    expect(updateRefusal([update('investigating')])).toBeUndefined();
    expect(publicIncidentStatus([update('investigating'), update('resolved')])).toBe('resolved');
    expect(updateRefusal([update('investigating'), update('resolved')])).toMatch(/resolved/);
  });
});
