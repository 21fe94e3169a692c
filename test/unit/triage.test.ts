import { alertEvent } from '../helpers/alert-event';
import { emergencyTriage, priorityOf, priorityOfSeverity, triage } from '../../domain/triage';
import { incidentSeverityOfAlert } from '../../domain/severity';
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
  it('keeps the severity a person declared, while the rule picks team, policy and runbooks', () => {
    const declared = (severity: 'SEV1' | 'SEV3' | 'SEV4') =>
      triage(
        alert({
          service: 'ads',
          integration: 'declared',
          declared: { incidentId: 'INC-ABCDEF123456', by: 'user:bob', name: 'Bob', severity },
        }),
        rules,
      );
    expect(declared('SEV1')).toMatchObject({
      ruleId: 'override',
      severity: 'SEV1',
      priority: 'P1',
      team: 'ads',
      escalationPolicyId: 'p3',
      runbooks: [{ id: 'flush-cache', params: {} }],
    });
    expect(declared('SEV3')).toMatchObject({ severity: 'SEV3', priority: 'P3' });
    expect(declared('SEV4')).toMatchObject({ severity: 'SEV4', priority: 'P4' });
  });

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

describe('emergency triage', () => {
  it('reads the alert severity rank for rank, and the most urgent priority of that severity', () => {
    expect(['critical', 'error', 'warning', 'info'].map((s) => incidentSeverityOfAlert(s as 'info'))).toEqual(
      ['SEV1', 'SEV2', 'SEV3', 'SEV4'],
    );
    expect(['SEV1', 'SEV2', 'SEV3', 'SEV4'].map((s) => priorityOfSeverity(s as 'SEV4'))).toEqual([
      'P1',
      'P2',
      'P3',
      'P4',
    ]);
  });

  it('opens the incident with no team and no escalation policy, and says why', () => {
    expect(emergencyTriage(alert({ severity: 'critical' }), 'rules unreadable')).toEqual({
      triage: {
        ruleId: 'triage-failed',
        impact: 'medium',
        urgency: 'high',
        severity: 'SEV1',
        priority: 'P1',
        major: true,
        team: 'unassigned',
        escalationPolicyId: 'none',
        runbooks: [],
      },
      policy: { id: 'none', name: 'No escalation policy', levels: [], repeat: 0, fallback: [] },
      warnings: ['triage failed (rules unreadable); nobody is being notified'],
    });
    expect(emergencyTriage(alert({ severity: 'warning' }), 'x').triage).toMatchObject({
      severity: 'SEV3',
      priority: 'P3',
      major: false,
    });
  });
});
