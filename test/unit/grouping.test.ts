import fc from 'fast-check';
import type { AlertEvent } from '../../domain/incident';
import { alertEvent } from '../helpers/alert-event';
import { groupingOf, groupingRuleProblems, type GroupingRules } from '../../domain/grouping';
import { alertGroupWorkflowId, windowIncidentWorkflowId } from '../../workflows/alert-group/ids';
import {
  groupedIncidentWorkflowId,
  incidentWorkflowId,
  workflowIdOfAlert,
} from '../../workflows/incident/ids';

const event = (fields: Partial<AlertEvent>): AlertEvent =>
  alertEvent({ integration: 'alertmanager', service: 'api', dedupKey: 'k1', ...fields });

const rules: GroupingRules = {
  rules: [
    {
      id: 'by-cluster',
      match: { labels: { cluster: /./ } },
      by: ['service', 'labels.cluster', 'labels.alertname'],
    },
    { id: 'payments', match: { service: 'payments' }, by: ['service'], resolve: 'manual' },
  ],
};

describe('groupingOf', () => {
  it('takes the first matching rule and the values of its fields, a missing label as empty', () => {
    expect(groupingOf(event({ labels: { cluster: 'eu', alertname: 'Down' } }), rules)).toEqual({
      ruleId: 'by-cluster',
      values: ['api', 'eu', 'Down'],
      resolve: 'all-resolved',
    });
    expect(groupingOf(event({ labels: { cluster: 'eu' } }), rules)?.values).toEqual(['api', 'eu', '']);
    expect(groupingOf(event({ service: 'payments' }), rules)).toEqual({
      ruleId: 'payments',
      values: ['payments'],
      resolve: 'manual',
    });
  });

  it('leaves an alert no rule matches to its dedup key: the workflow id of today', () => {
    const plain = event({ service: 'search', dedupKey: 'db-down' });
    expect(groupingOf(plain, rules)).toBeUndefined();
    expect(workflowIdOfAlert(plain)).toBe(incidentWorkflowId('search', 'db-down'));
  });

  it("gives alerts of one group one workflow id, whatever their dedup keys, and never a dedup-key incident's id", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (cluster, name, key1, key2) => {
        const a = event({ dedupKey: key1, labels: { cluster: `c${cluster}`, alertname: name } });
        const b = event({ dedupKey: key2, labels: { cluster: `c${cluster}`, alertname: name } });
        const ga = { ...a, grouping: groupingOf(a, rules) };
        const gb = { ...b, grouping: groupingOf(b, rules) };
        expect(workflowIdOfAlert(ga)).toBe(workflowIdOfAlert(gb));
        expect(workflowIdOfAlert(ga).startsWith('incident-group:by-cluster:')).toBe(true);
        expect(workflowIdOfAlert(ga)).not.toBe(incidentWorkflowId(a.service, key1));
      }),
    );
    // The values are hashed as a list: moving a character from one value to the next is another group.
    expect(groupedIncidentWorkflowId('r', ['ab', 'c'])).not.toBe(groupedIncidentWorkflowId('r', ['a', 'bc']));
  });
});

describe('time-based grouping', () => {
  const windowRules: GroupingRules = {
    rules: [{ id: 'service-window', match: { service: /./ }, by: ['service'], windowSeconds: 600 }],
  };

  it("sends a time-based group's alerts to its router, one per rule and values", () => {
    const a = event({ dedupKey: 'a' });
    const grouping = groupingOf(a, windowRules);
    expect(grouping).toEqual({
      ruleId: 'service-window',
      values: ['api'],
      resolve: 'all-resolved',
      windowSeconds: 600,
    });
    const routed = workflowIdOfAlert({ ...a, grouping });
    expect(routed).toBe(alertGroupWorkflowId('service-window', ['api']));
    expect(
      workflowIdOfAlert({ ...event({ dedupKey: 'b' }), grouping: groupingOf(event({}), windowRules) }),
    ).toBe(routed);
    expect(alertGroupWorkflowId('r', ['ab', 'c'])).not.toBe(alertGroupWorkflowId('r', ['a', 'bc']));
    expect(windowIncidentWorkflowId('service-window', ['api'], '0123abcd-0000-4000-8000-000000000000')).toBe(
      `incident-window:${routed.slice('alert-group:'.length)}:0123abcd`,
    );
  });

  it('names the mistakes in the rules', () => {
    expect(groupingRuleProblems(windowRules)).toEqual([]);
    expect(
      groupingRuleProblems({
        rules: [
          { id: 'x', match: {}, by: ['service'], windowSeconds: 0 },
          { id: 'x', match: {}, by: [] },
        ],
      }),
    ).toEqual([
      'grouping rule x: windowSeconds must be a positive whole number',
      'grouping rule x: the id is used twice',
      'grouping rule x: by names no field',
    ]);
  });
});
