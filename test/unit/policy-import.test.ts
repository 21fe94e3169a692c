import type { Person } from '../../domain/oncall';
import {
  fromGrafanaOnCallChain,
  fromOpsgenieEscalation,
  fromPagerDutyPolicy,
  type OpsgenieEscalation,
} from '../../domain/policy-import';
import escalations from '../fixtures/opsgenie/escalations.json';
import opsgenieUsers from '../fixtures/opsgenie/users.json';
import policies from '../fixtures/pagerduty/escalation-policies.json';
import pagerDutyUsers from '../fixtures/pagerduty/users.json';

const people: Person[] = [
  { id: 'alice', name: 'Alice', email: 'alice@example.com' },
  { id: 'bob', name: 'Bob', email: 'bob@example.com' },
  { id: 'carol', name: 'Carol', email: 'carol@example.com' },
];
const imported: Record<string, string> = {
  PI7DH85: 'checkout-primary',
  'd875e654-9b4e-4219-a803-0c26936d18de': 'payments-business-hours',
};
const scheduleIdOf = (id: string) => imported[id];

describe('importing escalation policies', () => {
  it('carries PagerDuty’s rules over as levels, its schedule as the imported one, and names who is no person', () => {
    const policy = fromPagerDutyPolicy(
      policies.escalation_policies[0]!,
      pagerDutyUsers.users,
      people,
      scheduleIdOf,
    );
    expect(policy.definition).toEqual({
      name: 'Checkout',
      levels: [
        { delaySeconds: 900, targets: [{ type: 'schedule', id: 'checkout-primary' }] },
        { delaySeconds: 1800, targets: [{ type: 'person', id: 'carol' }] },
      ],
      repeat: 2,
      source: { system: 'pagerduty', id: 'PT20YPA' },
    });
    expect(policy.problems).toEqual([
      'level 2: user eve@example.com is no Fireline person (matched by email): left out',
    ]);
  });

  it('turns Opsgenie’s delays from the alert into waits between levels, and names a team it cannot page', () => {
    const policy = fromOpsgenieEscalation(
      escalations.data[0] as OpsgenieEscalation,
      opsgenieUsers.data,
      people,
      scheduleIdOf,
    );
    // 0 min: the schedule; 10 min: Carol; 30 min: the team (left out, its wait going to Carol's level); then 15 min to repeat.
    expect(policy.definition).toEqual({
      name: 'Payments escalation',
      levels: [
        { delaySeconds: 600, targets: [{ type: 'schedule', id: 'payments-business-hours' }] },
        { delaySeconds: 1200 + 900, targets: [{ type: 'person', id: 'carol' }] },
      ],
      repeat: 1,
      source: { system: 'opsgenie', id: '9a1d3c7e-5b0f-4f2a-8c61-2d4e6f8a0b13' },
    });
    expect(policy.problems).toEqual([
      'the rule after 30 min: a team recipient (payments-oncall) has no Fireline equivalent: left out',
    ]);
  });

  it('pages the members of an Opsgenie team imported with it, and says so', () => {
    const policy = fromOpsgenieEscalation(
      escalations.data[0] as OpsgenieEscalation,
      opsgenieUsers.data,
      people,
      scheduleIdOf,
      (id) => (id === '90098a19-f0e3-41d3-a060-0ea895f4a4c6' ? 'payments-oncall' : undefined),
    );
    expect(policy.definition?.levels).toEqual([
      { delaySeconds: 600, targets: [{ type: 'schedule', id: 'payments-business-hours' }] },
      { delaySeconds: 1200, targets: [{ type: 'person', id: 'carol' }] },
      { delaySeconds: 900, targets: [{ type: 'team', id: 'payments-oncall' }] },
    ]);
    expect(policy.problems).toEqual([
      'the rule after 30 min: team payments-oncall is imported as every member of it',
    ]);
  });

  it('skips a policy none of whose targets were imported', () => {
    const policy = fromPagerDutyPolicy(
      policies.escalation_policies[0]!,
      pagerDutyUsers.users,
      [],
      () => undefined,
    );
    expect(policy.definition).toBeUndefined();
    expect(policy.problems.at(-1)).toBe('no level has a target Fireline knows: policy skipped');
  });

  it('turns a Grafana OnCall chain into levels, and names a leading wait, a repeat and a chain ending without a wait', () => {
    const step = (position: number, type: string, extra: Record<string, unknown> = {}) => ({
      id: `E${position}`,
      escalation_chain_id: 'C1',
      position,
      type,
      ...extra,
    });
    const users = [
      { id: 'U1', email: 'carol@example.com' },
      { id: 'U9', email: 'zed@example.com' },
    ];
    const policy = fromGrafanaOnCallChain(
      { id: 'C1', name: 'Chain' },
      [
        step(4, 'repeat_escalation'),
        step(0, 'wait', { duration: 120 }),
        step(1, 'notify_persons', { persons_to_notify: ['U1', 'U9'] }),
        step(2, 'wait', { duration: 60 }),
        step(3, 'notify_on_call_from_schedule', { notify_on_call_from_schedule: 'S1' }),
      ],
      users,
      people,
      (id) => (id === 'S1' ? 'imported-schedule' : undefined),
    );
    expect(policy.definition).toEqual({
      name: 'Chain',
      levels: [
        { delaySeconds: 60, targets: [{ type: 'person', id: 'carol' }] },
        { delaySeconds: 300, targets: [{ type: 'schedule', id: 'imported-schedule' }] },
      ],
      repeat: 5,
      source: { system: 'grafana-oncall', id: 'C1' },
    });
    expect(policy.problems).toEqual([
      'step 2 (notify_persons): user zed@example.com is no Fireline person (matched by email): left out',
      'step 5 (repeat_escalation): the chain runs again up to 5 times, as in Grafana OnCall',
      'the chain ends without a wait: its last level waits 5 min',
      "it waits 2 min before its first step: Fireline's first level pages at once",
    ]);
  });
});
