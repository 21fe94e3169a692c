import { alertEvent } from '../helpers/alert-event';
import { priorityOf, triage } from '../../domain/triage';
import { triageRules } from '../../config/triage-rules';
import type { TriageRules } from '../../domain/triage-types';

const alert = alertEvent;

const rules: TriageRules = {
  rules: [
    {
      id: 'by-label',
      match: { labels: { env: /^prod/ }, severity: 'critical' },
      impact: 'high',
      team: 'sre',
      escalationPolicy: 'p1',
    },
    {
      id: 'by-source',
      match: { source: ['nagios', 'zabbix'] },
      impact: 'low',
      urgency: 'low',
      team: 'legacy',
      escalationPolicy: 'p2',
    },
    {
      id: 'override',
      match: { service: 'ads' },
      impact: 'medium',
      severity: 'SEV4',
      major: false,
      team: 'ads',
      escalationPolicy: 'p3',
      runbooks: ['flush-cache'],
    },
  ],
  defaultRule: { id: 'fallback', impact: 'medium', team: 'sre', escalationPolicy: 'default' },
};

describe('triage', () => {
  it('maps impact × urgency to priorities like an ITIL matrix', () => {
    expect(priorityOf('high', 'high')).toBe('P1');
    expect(priorityOf('high', 'low')).toBe('P3');
    expect(priorityOf('medium', 'medium')).toBe('P3');
    expect(priorityOf('low', 'medium')).toBe('P4');
    expect(priorityOf('low', 'low')).toBe('P5');
  });

  it('matches labels by pattern and severity, and flags SEV1 as major', () => {
    expect(triage(alert({ severity: 'critical', labels: { env: 'production' } }), rules)).toEqual({
      ruleId: 'by-label',
      impact: 'high',
      urgency: 'high',
      severity: 'SEV1',
      priority: 'P1',
      major: true,
      team: 'sre',
      escalationPolicyId: 'p1',
      runbooks: [],
    });
    // A missing label does not match.
    expect(triage(alert({ severity: 'critical' }), rules).ruleId).toBe('fallback');
  });

  it('matches one of several sources and uses the rule’s urgency over the alert’s', () => {
    expect(triage(alert({ source: 'zabbix', severity: 'critical' }), rules)).toMatchObject({
      ruleId: 'by-source',
      priority: 'P5',
      severity: 'SEV4',
    });
  });

  it('lets a rule override severity and major, and name runbooks', () => {
    expect(triage(alert({ service: 'ads', severity: 'critical' }), rules)).toMatchObject({
      priority: 'P2',
      severity: 'SEV4',
      major: false,
      runbooks: [{ id: 'flush-cache', params: {} }],
    });
  });

  it('falls back to the default rule, deriving urgency from the alert severity', () => {
    expect(triage(alert({ severity: 'warning' }), rules)).toMatchObject({
      ruleId: 'fallback',
      urgency: 'medium',
      priority: 'P3',
    });
    expect(triage(alert({ severity: 'info' }), rules)).toMatchObject({
      urgency: 'low',
      priority: 'P4',
      severity: 'SEV4',
    });
  });

  it('ships rules whose policies exist in the shipped catalog', async () => {
    const { onCallCatalog } = await import('../../config/oncall-catalog');
    const policies = new Set(onCallCatalog.policies.map((p) => p.id));
    for (const rule of [...triageRules.rules, triageRules.defaultRule])
      expect(policies).toContain(rule.escalationPolicy);
  });
});
