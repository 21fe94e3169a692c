import fc from 'fast-check';
import { lastWeeks } from '../../api/insights/service';
import { slaTargets } from '../../config/sla-targets';
import {
  computeInsights,
  flappingSuggestions,
  isNight,
  localHour,
  isoWeekLabel,
  weekStart,
  weeksOf,
  type InsightIncident,
} from '../../domain/insights';
import { insightIncidents, insightPeople, insightsPeriod } from '../fixtures/insights';

const insightsOf = (
  incidents: InsightIncident[],
  flapping?: { minIncidents: number; windowSeconds: number },
) =>
  computeInsights(incidents, {
    from: new Date(insightsPeriod.from),
    to: new Date(insightsPeriod.to),
    people: insightPeople,
    slaTargets,
    ...(flapping ? { flapping } : {}),
  });

describe('insights', () => {
  const insights = insightsOf(insightIncidents);

  it('counts incidents per ISO week by severity, empty weeks included', () => {
    expect(insights.incidentsPerWeek).toEqual([
      { week: '2026-W02', start: '2026-01-05', SEV1: 2, SEV2: 1, SEV3: 0, SEV4: 0, total: 3 },
      { week: '2026-W03', start: '2026-01-12', SEV1: 0, SEV2: 0, SEV3: 1, SEV4: 0, total: 1 },
    ]);
  });

  it('gives MTTA and MTTR per week and severity, each incident held to its own target', () => {
    const [sev1, sev2, sev3, sev4] = insights.responseTimes;
    expect(sev1).toEqual({
      severity: 'SEV1',
      target: { acknowledgeWithinSeconds: 300, resolveWithinSeconds: 14400 },
      weeks: [
        {
          week: '2026-W02',
          start: '2026-01-05',
          incidents: 2,
          acknowledged: { count: 2, meanSeconds: 360, withinTarget: 1 },
          resolved: { count: 2, meanSeconds: 900, withinTarget: 2 },
        },
        {
          week: '2026-W03',
          start: '2026-01-12',
          incidents: 0,
          acknowledged: { count: 0, meanSeconds: null, withinTarget: 0 },
          resolved: { count: 0, meanSeconds: null, withinTarget: 0 },
        },
      ],
    });
    expect(sev2!.weeks[0]).toMatchObject({
      incidents: 1,
      acknowledged: { count: 0, meanSeconds: null, withinTarget: 0 },
      resolved: { count: 1, meanSeconds: 300, withinTarget: 1 },
    });
    // Its own target (30 min) rather than SEV3's (1 h): acknowledged in an hour is late.
    expect(sev3!.weeks[1]).toMatchObject({
      incidents: 1,
      acknowledged: { count: 1, meanSeconds: 3600, withinTarget: 0 },
      resolved: { count: 0, meanSeconds: null, withinTarget: 0 },
    });
    expect(sev4!.weeks.map((w) => w.incidents)).toEqual([0, 0]);
  });

  it("counts each person's pages, and those between 22:00 and 07:00 in their time zone", () => {
    expect(insights.pagesPerPerson).toEqual([
      // 03:00 in London is night; 10:00 and 10:20 are not.
      {
        personId: 'alice',
        name: 'Alice Example',
        timeZone: 'Europe/London',
        pages: 3,
        nightPages: 1,
        nightShare: 0.333,
        incidents: 3,
      },
      // 10:20 UTC is 05:20 in New York (night); 23:30 UTC is 18:30 there (day).
      {
        personId: 'bob',
        name: 'Bob Example',
        timeZone: 'America/New_York',
        pages: 2,
        nightPages: 1,
        nightShare: 0.5,
        incidents: 2,
      },
      {
        personId: 'carol',
        name: 'Carol Example',
        timeZone: 'UTC',
        pages: 1,
        nightPages: 0,
        nightShare: 0,
        incidents: 1,
      },
    ]);
  });

  it('lists the noisiest services and alerts by incidents, then alerts', () => {
    expect(insights.noisiestServices).toEqual([
      { service: 'api', incidents: 3, alerts: 4 },
      { service: 'db', incidents: 1, alerts: 5 },
    ]);
    expect(insights.noisiestAlerts).toEqual([
      { service: 'api', dedupKey: 'cpu-high', title: 'CPU above 95%', incidents: 3, alerts: 4 },
      { service: 'db', dedupKey: 'disk-full', title: 'Disk full on db1', incidents: 1, alerts: 5 },
    ]);
  });

  it('finds the alert that flaps, with suggestions from how its incidents behaved', () => {
    expect(insights.flapping).toEqual({
      minIncidents: 3,
      windowSeconds: 86400,
      alerts: [
        {
          service: 'api',
          dedupKey: 'cpu-high',
          title: 'CPU above 95%',
          incidents: 3,
          alerts: 4,
          mostInWindow: 3,
          windowFrom: '2026-01-05T10:00:00.000Z',
          windowTo: '2026-01-05T23:30:00.000Z',
          medianOpenSeconds: 600,
          medianReturnSeconds: 600,
          suggestions: [
            {
              kind: 'longer-for',
              text: 'Its incidents typically resolve within 10 min: a longer `for:` on the Prometheus rule (or `keep_firing_for:`) lets a condition that clears by itself stop paging.',
            },
            {
              kind: 'grouping-rule',
              text: "It fires again 10 min after resolving: a grouping rule matching it with `resolve: 'manual'` keeps one incident open for a person to close, rather than a new page each time.",
            },
          ],
        },
      ],
    });
    // Within an hour only two of its incidents open: not flapping by that rule.
    expect(insightsOf(insightIncidents, { minIncidents: 3, windowSeconds: 3600 }).flapping.alerts).toEqual(
      [],
    );
    expect(
      insightsOf(insightIncidents, { minIncidents: 2, windowSeconds: 3600 }).flapping.alerts,
    ).toMatchObject([
      {
        dedupKey: 'cpu-high',
        mostInWindow: 2,
        windowFrom: '2026-01-05T10:00:00.000Z',
        windowTo: '2026-01-05T10:20:00.000Z',
      },
    ]);
  });

  it('suggests a maintenance window for an alert that opens at the same hour on several days', () => {
    expect(
      flappingSuggestions({ medianOpenSeconds: 7200, medianReturnSeconds: 80000 }, [
        '2026-01-05T02:05:00.000Z',
        '2026-01-06T02:10:00.000Z',
        '2026-01-07T02:01:00.000Z',
      ]),
    ).toEqual([
      {
        kind: 'grouping-rule',
        text: "It fires again 22.2 h after resolving: a grouping rule matching it with `resolve: 'manual'` keeps one incident open for a person to close, rather than a new page each time.",
      },
      {
        kind: 'maintenance-window',
        text: 'It opens around 02:00 UTC on 3 days: if that is planned work, a maintenance window for it (weekly if it recurs) keeps those alerts from paging.',
      },
    ]);
  });

  it('suggests a grouping rule when nothing tells how its incidents behaved', () => {
    expect(
      flappingSuggestions({ medianOpenSeconds: null, medianReturnSeconds: null }, [
        '2026-01-05T02:00:00.000Z',
        '2026-01-05T09:00:00.000Z',
        '2026-01-05T17:00:00.000Z',
      ]).map((s) => [s.kind, s.text.split(':')[0]]),
    ).toEqual([['grouping-rule', 'It opens incident after incident']]);
  });

  it('names ISO weeks by their Thursday', () => {
    expect(isoWeekLabel(weekStart(new Date('2026-01-01T12:00:00Z')))).toBe('2026-W01');
    expect(weekStart(new Date('2026-01-01T12:00:00Z')).toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(isoWeekLabel(weekStart(new Date('2027-01-01T00:00:00Z')))).toBe('2026-W53');
    expect(isoWeekLabel(weekStart(new Date('2021-01-03T23:59:59Z')))).toBe('2020-W53');
    expect(weeksOf(new Date('2026-01-07T00:00:00Z'), new Date('2026-01-12T00:00:00Z'))).toEqual([
      { week: '2026-W02', start: '2026-01-05' },
    ]);
  });

  it('counts the last weeks from the Monday of the first, this week included', () => {
    const wednesday = new Date('2026-01-07T12:00:00Z');
    expect(lastWeeks(1, wednesday)).toEqual({
      from: '2026-01-05T00:00:00.000Z',
      to: '2026-01-07T12:00:00.000Z',
    });
    expect(lastWeeks(2, wednesday).from).toBe('2025-12-29T00:00:00.000Z');
  });

  it('reads night in the zone, around a clock change too', () => {
    // New York moves to summer time on 2026-03-08 at 07:00 UTC: 11:30 UTC is 06:30 before, 07:30 after.
    expect(isNight(new Date('2026-03-07T11:30:00Z'), 'America/New_York')).toBe(true);
    expect(isNight(new Date('2026-03-08T11:30:00Z'), 'America/New_York')).toBe(false);
    expect(isNight(new Date('2026-01-05T22:00:00Z'))).toBe(true);
    expect(isNight(new Date('2026-01-05T07:00:00Z'))).toBe(false);
    expect(isNight(new Date('2026-01-05T06:59:59Z'), 'Not/AZone')).toBe(true);
  });

  const instant = fc.date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2100-01-01T00:00:00Z'),
    noInvalidDate: true,
  });

  it('reads the same local hour as the time zone database at any instant, in zones off the whole hour too', () => {
    const zone = fc.constantFrom(
      'UTC',
      'Europe/London',
      'America/New_York',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
    );
    const quarter = 15 * 60 * 1000;
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: quarter - 1 }), zone, (at, within, timeZone) => {
        // A second instant of the same quarter hour is read from what the first worked out.
        const same = new Date(Math.floor(at.getTime() / quarter) * quarter + within);
        for (const t of [at, same]) {
          const hour = new Intl.DateTimeFormat('en-GB', {
            timeZone,
            hour: 'numeric',
            hourCycle: 'h23',
          }).format(t);
          expect(localHour(t, timeZone)).toBe(Number(hour));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('puts every instant in the week of its Monday', () => {
    fc.assert(
      fc.property(instant, (at) => {
        const monday = weekStart(at);
        expect(monday.getUTCDay()).toBe(1);
        expect(monday.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(at.getTime() - monday.getTime()).toBeLessThan(7 * 86_400_000);
      }),
    );
  });

  it('counts each incident of the period in exactly one week, and never more night pages than pages', () => {
    const incident = fc.record({
      openedAt: fc.date({
        min: new Date(insightsPeriod.from),
        max: new Date(Date.parse(insightsPeriod.to) - 1),
        noInvalidDate: true,
      }),
      severity: fc.constantFrom('SEV1', 'SEV2', 'SEV3', 'SEV4' as const),
      person: fc.constantFrom('alice', 'bob', 'carol', 'dave'),
    });
    fc.assert(
      fc.property(fc.array(incident, { maxLength: 40 }), (drawn) => {
        const incidents: InsightIncident[] = drawn.map((d) => ({
          service: 's',
          dedupKey: d.person,
          title: 't',
          severity: d.severity,
          alertCount: 1,
          openedAt: d.openedAt.toISOString(),
          pages: [{ at: d.openedAt.toISOString(), people: [d.person] }],
        }));
        const result = insightsOf(incidents);
        expect(result.incidentsPerWeek.reduce((n, w) => n + w.total, 0)).toBe(incidents.length);
        expect(
          result.responseTimes.reduce((n, s) => n + s.weeks.reduce((m, w) => m + w.incidents, 0), 0),
        ).toBe(incidents.length);
        expect(result.pagesPerPerson.reduce((n, p) => n + p.pages, 0)).toBe(incidents.length);
        for (const p of result.pagesPerPerson) expect(p.nightPages).toBeLessThanOrEqual(p.pages);
      }),
    );
  });
});
