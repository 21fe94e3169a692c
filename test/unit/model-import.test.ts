import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  fromGrafanaOnCallIntegration,
  fromOpsgenieIntegration,
  fromOpsgenieTeam,
  type GrafanaOnCallIntegration,
  fromPagerDutyService,
  fromPagerDutyTeam,
  type OpsgenieTeam,
  type PagerDutyService,
  type PagerDutyTeamMember,
} from '../../domain/model-import';
import type { Person } from '../../domain/oncall';

const fixture = <T>(vendor: string, file: string) =>
  JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', vendor, file), 'utf8')) as T;

describe('teams and services brought over from other tools', () => {
  const people: Person[] = [
    { id: 'bob', name: 'Bob', email: 'bob@example.com' },
    { id: 'carol', name: 'Carol', email: 'carol@example.com' },
  ];
  const pdUsers = fixture<{ users: Array<{ id: string; email: string }> }>('pagerduty', 'users.json').users;

  it('makes a PagerDuty team of the members matched by email, its managers managers', () => {
    const { members } = fixture<{ members: PagerDutyTeamMember[] }>('pagerduty', 'team-PTEAM01-members.json');
    const team = fromPagerDutyTeam({ id: 'PTEAM01', name: 'Checkout team' }, members, pdUsers, people);
    expect(team.definition).toEqual({
      name: 'Checkout team',
      members: [
        { personId: 'bob', role: 'manager' },
        { personId: 'carol', role: 'member' },
      ],
      source: { system: 'pagerduty', id: 'PTEAM01' },
    });
    expect(team.problems).toEqual([
      'member eve@example.com is no Fireline person (matched by email): left out',
    ]);
  });

  it('makes an Opsgenie team, its admins managers', () => {
    const { data } = fixture<{ data: OpsgenieTeam }>(
      'opsgenie',
      'team-90098a19-f0e3-41d3-a060-0ea895f4a4c6.json',
    );
    const users = fixture<{ data: Array<{ id: string; username: string }> }>('opsgenie', 'users.json').data;
    expect(fromOpsgenieTeam(data, users, people).definition.members).toEqual([
      { personId: 'bob', role: 'manager' },
      { personId: 'carol', role: 'member' },
    ]);
  });

  it('points a PagerDuty service at the imported policy and team, and carries its Events API integrations only', () => {
    const [service] = fixture<{ services: PagerDutyService[] }>('pagerduty', 'services.json').services;
    const imported = fromPagerDutyService(
      service!,
      (id) => (id === 'PT20YPA' ? 'checkout' : undefined),
      (id) => (id === 'PTEAM01' ? 'checkout-team' : undefined),
    );
    expect(imported.definition).toEqual({
      name: 'Checkout API',
      description: "Takes the customers' payments",
      team: 'checkout-team',
      escalationPolicy: 'checkout',
      source: { system: 'pagerduty', id: 'PSVC001' },
    });
    expect(imported.integrations).toEqual([
      { sourceId: 'PINT0DD', name: 'Datadog', type: 'pagerduty', sendsTo: 'routing key …9d8e' },
    ]);
    expect(imported.problems).toEqual([
      'integration Email (generic_email_inbound_integration) is not an Events API one: not carried over',
    ]);

    // Neither the policy nor the team came over; a second team has no place.
    const alone = fromPagerDutyService(
      { ...service!, teams: [...service!.teams!, { id: 'PTEAM02', summary: 'Platform' }] },
      () => undefined,
      () => undefined,
    );
    expect(alone.definition.escalationPolicy).toBeUndefined();
    expect(alone.definition.team).toBeUndefined();
    expect(alone.problems.slice(0, 3)).toEqual([
      "escalation policy Checkout (PT20YPA) was not imported: the service pages with the default triage rule's",
      'team Checkout team (PTEAM01) was not imported: no owning team',
      'a Fireline service has one owning team: Platform left out',
    ]);
  });

  it('makes a Grafana OnCall integration a service, its URL masked, its kind named when Fireline has none', () => {
    const { results } = fixture<{ results: GrafanaOnCallIntegration[] }>(
      'grafana-oncall',
      'integrations.json',
    );
    const teamIdOf = (id: string) => (id === 'TSUPP0RT4Q1XZ' ? 'support' : undefined);
    const [alertmanager, webhook] = results.map((i) =>
      fromGrafanaOnCallIntegration(i, () => undefined, teamIdOf),
    );
    expect(alertmanager!.definition.team).toBe('support');
    expect(alertmanager!.integrations).toEqual([
      {
        sourceId: 'CFRPV98RPR1U8',
        name: 'Support Alertmanager',
        type: 'alertmanager',
        sendsTo: 'https://oncall.example.com/integrations/v1/alertmanager/…TwYo',
      },
    ]);
    expect(alertmanager!.problems).toEqual([
      "escalation chain FWDL7M6N6I9HE was not imported: the service pages with the default triage rule's",
    ]);
    expect(webhook!.integrations).toEqual([]);
    expect(webhook!.problems[1]).toMatch(/^a webhook integration has no Fireline equivalent/);
  });

  it("makes an Opsgenie integration a service of its team, with the team's one escalation, and names what it cannot", () => {
    const teamIdOf = (id: string) => (id === 'og-team' ? 'payments' : undefined);
    const policyIdOf = (id: string) => (id === 'og-esc' ? 'payments-escalation' : undefined);
    const one = fromOpsgenieIntegration(
      { id: 'i1', name: 'Prom', type: 'Prometheus', teamId: 'og-team' },
      teamIdOf,
      policyIdOf,
      () => ['og-esc'],
    );
    expect(one.definition).toEqual({
      name: 'Prom',
      team: 'payments',
      escalationPolicy: 'payments-escalation',
      source: { system: 'opsgenie', id: 'i1' },
    });
    expect(one.integrations).toEqual([
      { sourceId: 'i1', name: 'Prom', type: 'alertmanager', sendsTo: 'integration i1' },
    ]);
    expect(one.problems).toEqual([]);
    const two = fromOpsgenieIntegration(
      { id: 'i2', name: 'Mail', type: 'Email', teamId: 'og-team', enabled: false },
      teamIdOf,
      policyIdOf,
      () => ['og-esc', 'og-esc-2'],
    );
    expect(two.definition.escalationPolicy).toBeUndefined();
    expect(two.integrations).toEqual([]);
    expect(two.problems).toEqual([
      "its team has 2 escalations (Opsgenie picks by routing rules): the service pages with the default triage rule's",
      'disabled in Opsgenie: no integration made',
      'a Email integration has no Fireline equivalent: the service is made without one (senders can post to /v1/alerts)',
    ]);
  });
});
