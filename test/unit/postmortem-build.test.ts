import type { TimelineEntry } from '../../domain/incident';
import { foldTimeline, rootCauseFromFindings } from '../../domain/postmortem-draft';

const entry = (seq: number, type: TimelineEntry['type'], message: string = type): TimelineEntry => ({
  seq,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  type,
  actor: 'fireline',
  message,
});

describe('post-mortem timeline', () => {
  it('keeps every entry in order and folds runs of alerts with their count', () => {
    const lines = foldTimeline([
      entry(1, 'incident.opened'),
      entry(2, 'alert', 'Alert 1: disk'),
      entry(3, 'alert', 'Alert 2: disk'),
      entry(4, 'alert', 'Alert 3: disk'),
      entry(5, 'acknowledged'),
      entry(6, 'alert', 'Alert 4: disk'),
    ]);
    expect(lines.map((l) => [l.type, l.count, l.seqFrom, l.seqTo])).toEqual([
      ['incident.opened', 1, 1, 1],
      ['alert', 3, 2, 4],
      ['acknowledged', 1, 5, 5],
      ['alert', 1, 6, 6],
    ]);
    expect(lines[1]!.message).toBe('3 alerts, first: Alert 1: disk');
  });

  it('counts folded repeats as the alerts they stand for', () => {
    const lines = foldTimeline([
      entry(1, 'alert', 'Alert 1: disk'),
      { ...entry(2, 'alert.repeated', 'Alert disk fired 1,240 more times'), data: { count: 1240 } },
      entry(3, 'acknowledged'),
      { ...entry(4, 'alert.repeated', 'Alert disk fired 7 more times'), data: { count: 7 } },
    ]);
    expect(lines.map((l) => [l.type, l.count, l.alerts, l.message])).toEqual([
      ['alert', 2, 1241, '1,241 alerts, first: Alert 1: disk'],
      ['acknowledged', 1, undefined, 'acknowledged'],
      ['alert', 1, 7, 'Alert disk fired 7 more times'],
    ]);
  });
});

describe('pre-filled root cause', () => {
  it('lists the runbook findings', () => {
    expect(rootCauseFromFindings([])).toBe('');
    expect(rootCauseFromFindings(['restart: ok', 'verify: healthy'])).toBe(
      'What the runbooks found:\n- restart: ok\n- verify: healthy',
    );
  });

  it('stays far inside the stored limit however many steps ran, and says what it left out', () => {
    const findings = Array.from({ length: 5_000 }, (_, i) => `step ${i}: ${'x'.repeat(60)}`);
    const text = rootCauseFromFindings(findings);
    expect(text.length).toBeLessThanOrEqual(8_100);
    const kept = text.split('\n- ').length - 2;
    expect(text).toMatch(new RegExp(`and ${5_000 - kept} more runbook step\\(s\\): see the timeline$`));
  });
});
