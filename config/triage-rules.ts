import type { TriageRules } from '../domain/triage-types';

/**
 * Fireline's triage rules: edit this file to route your alerts. Rules are
 * checked in order and the first match wins. A running incident keeps the
 * triage it got when it opened.
 */
export const triageRules: TriageRules = {
  rules: [
    {
      id: 'payments-critical',
      description: 'Customer payments failing',
      match: { service: ['payments', 'checkout'], severity: ['critical', 'error'] },
      impact: 'high',
      major: true,
      team: 'payments',
      escalationPolicy: 'payments-critical',
      // restart-service checks the URL its rule gives, never one from the alert: to run it
      // automatically, pin its healthUrl here, e.g.
      // runbooks: [{ id: 'restart-service', params: { healthUrl: 'https://payments.internal/healthz' } }],
    },
    {
      id: 'production-critical',
      description: 'Any critical alert from production',
      match: { severity: 'critical', labels: { env: ['prod', 'production'] } },
      impact: 'high',
      team: 'sre',
      escalationPolicy: 'sre-default',
    },
    {
      id: 'warnings',
      match: { severity: ['warning', 'info'] },
      impact: 'low',
      team: 'sre',
      escalationPolicy: 'sre-default',
    },
  ],
  defaultRule: {
    id: 'default',
    description: 'No rule matched',
    impact: 'medium',
    team: 'sre',
    escalationPolicy: 'sre-default',
  },
};
