import {
  type SlaSubject,
  formatSeconds,
  nextSlaDeadline,
  pendingSlaChecks,
  slaTargetText,
} from '../../domain/sla';

const opened = '2026-11-26T12:00:00.000Z';
const incident = (overrides: Partial<SlaSubject> = {}): SlaSubject => ({
  status: 'triggered',
  openedAt: opened,
  triage: { sla: { acknowledgeWithinSeconds: 300, resolveWithinSeconds: 3600 } },
  ...overrides,
});

describe('SLA checks', () => {
  it('times both targets from when the incident opened, the acknowledgement first', () => {
    expect(pendingSlaChecks(incident())).toEqual([
      { kind: 'acknowledge', targetSeconds: 300, due: '2026-11-26T12:05:00.000Z' },
      { kind: 'resolve', targetSeconds: 3600, due: '2026-11-26T13:00:00.000Z' },
    ]);
    expect(nextSlaDeadline(incident())).toBe('2026-11-26T12:05:00.000Z');
  });

  it('drops the acknowledgement target once acknowledged, and any target already breached', () => {
    expect(
      pendingSlaChecks(incident({ acknowledgedAt: '2026-11-26T12:01:00.000Z' })).map((c) => c.kind),
    ).toEqual(['resolve']);
    const breached = incident({
      slaBreaches: [{ kind: 'acknowledge', at: '2026-11-26T12:05:00.000Z', targetSeconds: 300 }],
    });
    expect(nextSlaDeadline(breached)).toBe('2026-11-26T13:00:00.000Z');
  });

  it('has nothing to time once resolved, or without targets', () => {
    expect(pendingSlaChecks(incident({ status: 'resolved' }))).toEqual([]);
    expect(pendingSlaChecks(incident({ triage: {} }))).toEqual([]);
    expect(nextSlaDeadline(incident({ triage: {} }))).toBeUndefined();
  });

  it('says a target in the largest whole unit', () => {
    expect(formatSeconds(7200)).toBe('2h');
    expect(formatSeconds(300)).toBe('5m');
    expect(formatSeconds(90)).toBe('90s');
    expect(slaTargetText({ kind: 'acknowledge', targetSeconds: 300 })).toBe('acknowledged within 5m');
    expect(slaTargetText({ kind: 'resolve', targetSeconds: 3600 })).toBe('resolved within 1h');
  });
});
