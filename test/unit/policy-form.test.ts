import { ValidationError } from '../../api/errors';
import {
  policyFormFieldOf,
  policyFromForm,
  policyToForm,
  targetsFromText,
  waitFromText,
  waitToText,
} from '../../api/ui/policy-form';
import type { EscalationPolicy } from '../../domain/oncall';

describe('the web UI policy form', () => {
  it('reads waits with units, a bare number as minutes, and writes them back exactly', () => {
    expect(waitFromText('90s')).toBe(90);
    expect(waitFromText('5m')).toBe(300);
    expect(waitFromText('1h30m')).toBe(5400);
    expect(waitFromText(' 1h 30m ')).toBe(5400);
    expect(waitFromText('15')).toBe(900);
    expect(waitFromText('a while')).toBeUndefined();
    expect(waitFromText('5m later')).toBeUndefined();
    for (const seconds of [0, 6, 90, 300, 3600, 5400, 86_399])
      expect(waitFromText(waitToText(seconds))).toBe(seconds);
  });

  it('reads targets as type:id, naming what is not one', () => {
    expect(
      targetsFromText('schedule:sre-primary, person:carol,team:night ,channel:sre-slack').targets,
    ).toEqual([
      { type: 'schedule', id: 'sre-primary' },
      { type: 'person', id: 'carol' },
      { type: 'team', id: 'night' },
      { type: 'channel', id: 'sre-slack' },
    ]);
    expect(targetsFromText('carol').problem).toMatch(/"carol" is not a target/);
    expect(targetsFromText('group:x').problem).toMatch(/"group:x" is not a target/);
  });

  it('round-trips a policy, drops empty rows, and names refused fields by form row', () => {
    const policy: EscalationPolicy = {
      id: 'p',
      name: 'P',
      levels: [
        { delaySeconds: 90, targets: [{ type: 'schedule', id: 's' }] },
        {
          delaySeconds: 600,
          targets: [
            { type: 'person', id: 'a' },
            { type: 'person', id: 'b' },
          ],
          roundRobin: true,
        },
      ],
      repeat: 1,
      fallback: [{ type: 'channel', id: 'c' }],
    };
    const form = policyToForm(policy);
    // An empty row between the two levels is no level.
    const sent = {
      name: form.name,
      repeat: form.repeat,
      fallback: form.fallback,
      'levels.0.wait': form['levels.0.wait'],
      'levels.0.targets': form['levels.0.targets'],
      'levels.1.targets': '',
      'levels.2.wait': form['levels.1.wait'],
      'levels.2.targets': form['levels.1.targets'],
      'levels.2.roundRobin': 'on',
    };
    const { value, rows } = policyFromForm(sent, 3);
    expect(value).toEqual({ name: 'P', levels: policy.levels, repeat: 1, fallback: policy.fallback });
    expect(rows).toEqual([0, 2]);
    expect(policyFormFieldOf('body.levels.1.targets.1.id', rows)).toBe('levels.2.targets');
    expect(policyFormFieldOf('body.levels.0.delaySeconds', rows)).toBe('levels.0.wait');
    expect(policyFormFieldOf('body.fallback.0.id', rows)).toBe('fallback');
    expect(policyFormFieldOf('body.name', rows)).toBe('name');
    expect(() => policyFromForm({ name: 'P' }, 2)).toThrow(ValidationError);
  });
});
