import fc from 'fast-check';
import type { Incident } from '../../domain/incident';
import {
  IncidentAlerts,
  WaitingEvents,
  alertListBudgetBytes,
  jsonBytes,
  maxTrackedUnlistedAlerts,
  waitingEventsBudgetBytes,
} from '../../domain/incident-alerts';
import { alertEvent } from '../helpers/alert-event';

type AlertHolder = Pick<Incident, 'alerts' | 'unlistedAlerts'>;

describe('jsonBytes', () => {
  it('counts the UTF-8 bytes of the JSON, whatever the characters', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        expect(jsonBytes(value)).toBe(Buffer.byteLength(JSON.stringify(value)));
        expect(jsonBytes({ text })).toBe(Buffer.byteLength(JSON.stringify({ text })));
      }),
    );
  });
});

describe('IncidentAlerts', () => {
  // Every field at the API's maximum, with characters that cost the most bytes in JSON.
  const huge = (i: number) =>
    alertEvent({
      dedupKey: `${i}-`.padEnd(255, '\u0001'),
      summary: '\u{1F525}'.repeat(512),
      source: '\u0001'.repeat(255),
    });

  it('lists alerts while they fit its byte budget, and counts and follows the rest', () => {
    const incident: AlertHolder = {};
    const alerts = new IncidentAlerts(incident);
    for (let i = 0; i < 1000; i++) expect(alerts.fired(huge(i))).toBe('first');
    expect(jsonBytes(incident.alerts)).toBeLessThanOrEqual(alertListBudgetBytes);
    expect(incident.alerts!.length).toBeGreaterThan(0);
    expect(alerts.total).toBe(1000);
    expect(alerts.firing).toBe(1000);
    expect(jsonBytes(incident)).toBeLessThan(256 * 1024);

    // A repeat of an unlisted alert is a repeat; its resolve is known.
    expect(alerts.fired(huge(999))).toBe('repeat');
    for (let i = 0; i < 1000; i++) expect(alerts.resolved(huge(i))).toBe('resolved');
    expect(alerts.firing).toBe(0);
    expect(alerts.resolved(huge(5))).toBe('unchanged');
    expect(alerts.fired(huge(999))).toBe('first');
    expect(alerts.firing).toBe(1);
  });

  it('stops following unlisted alerts past its limit, and says so', () => {
    const incident: AlertHolder = {};
    const alerts = new IncidentAlerts(incident);
    const total = maxTrackedUnlistedAlerts + 200;
    for (let i = 0; i < total; i++)
      alerts.fired(alertEvent({ dedupKey: `k${i}`, summary: 'x'.repeat(1024) }));
    expect(alerts.total).toBe(total);
    expect(alerts.someUnfollowed).toBe(true);
    expect(jsonBytes(incident)).toBeLessThan(512 * 1024);
  });

  it('keeps a listed alert within the budget when a repeat brings a longer summary', () => {
    const incident: AlertHolder = {};
    const alerts = new IncidentAlerts(incident);
    let i = 0;
    while (!incident.unlistedAlerts) alerts.fired(alertEvent({ dedupKey: `k${i++}`, summary: 's' }));
    alerts.fired(alertEvent({ dedupKey: 'k0', summary: '\u{1F525}'.repeat(1024) }));
    expect(jsonBytes(incident.alerts)).toBeLessThanOrEqual(alertListBudgetBytes);
  });
});

describe('WaitingEvents', () => {
  it('folds repeats into the last trigger of their alert, and counts what is past its budget', () => {
    const waiting = new WaitingEvents();
    const sent = 3000;
    for (let i = 0; i < sent; i++)
      waiting.add(alertEvent({ eventId: `e${i}`, dedupKey: `k${i % 1500}`, summary: 'y'.repeat(1024) }));
    // Past the budget only the counters of the events kept grow, a few bytes each.
    expect(jsonBytes(waiting.events)).toBeLessThanOrEqual(waitingEventsBudgetBytes + 40 * waiting.length);
    const counted = waiting.events.reduce((sum, e) => sum + 1 + (e.repeats ?? 0) + (e.otherTriggers ?? 0), 0);
    expect(counted).toBe(sent);
  });

  it('keeps the order of a trigger, a resolve and a new trigger of one alert', () => {
    const waiting = new WaitingEvents();
    waiting.add(alertEvent({ eventId: 'a' }));
    waiting.add(alertEvent({ eventId: 'b', action: 'resolve' }));
    waiting.add(alertEvent({ eventId: 'c' }));
    waiting.add(alertEvent({ eventId: 'd' }));
    expect(waiting.events.map((e) => [e.eventId, e.repeats])).toEqual([
      ['a', undefined],
      ['b', undefined],
      ['c', 1],
    ]);
    expect(waiting.takeAll()).toHaveLength(3);
    expect(waiting.length).toBe(0);
  });
});
