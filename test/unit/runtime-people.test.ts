import { peopleReached, planDeliveries } from '../../domain/notification-plan';
import type { OnCallCatalog } from '../../domain/oncall';
import { personProblems, personReferences, teamProblems, teamReferences } from '../../domain/runtime-people';
import { type RuntimePerson, type RuntimeTeam, withRuntimeOnCall } from '../../domain/runtime-schedules';
import { testCatalog, testRules } from '../helpers/test-catalog';

const stamp = {
  revision: 1,
  createdBy: 'user:alice',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedBy: 'user:alice',
  updatedAt: '2026-12-01T00:00:00.000Z',
};
const person = (id: string, extra: Partial<RuntimePerson> = {}): RuntimePerson => ({
  id,
  name: `${id} (stored)`,
  ...stamp,
  ...extra,
});
const team = (id: string, members: string[]): RuntimeTeam => ({
  id,
  name: id,
  members: members.map((personId) => ({ personId, role: 'member' as const })),
  ...stamp,
});

describe('people and teams made at run time', () => {
  const file = testCatalog();
  const at = new Date('2026-11-26T12:00:00Z');

  it('joins the catalog, the file winning on an id both have', () => {
    const merged = withRuntimeOnCall(file, {
      schedules: [],
      overrides: [],
      people: [person('dave'), person('frank', { channels: ['erin-pager'] })],
      teams: [team('night', ['frank', 'dave'])],
    });
    expect(merged.people.find((p) => p.id === 'dave')?.name).toBe('Dave Test');
    expect(merged.people.find((p) => p.id === 'frank')?.name).toBe('frank (stored)');
    expect(merged.teams?.map((t) => t.id)).toEqual(['sre', 'payments', 'night']);
    // Nothing stored: the file as it is.
    expect(withRuntimeOnCall(file, { schedules: [], overrides: [] }).people).toBe(file.people);
  });

  it('pages every member of a team, each through their own channels', () => {
    const catalog: OnCallCatalog = {
      ...file,
      people: [...file.people, person('frank', { channels: ['erin-pager'] })],
      teams: [team('night', ['frank', 'dave']), team('empty', [])],
    };
    expect(peopleReached(catalog, [{ type: 'team', id: 'night' }], at)).toEqual(['frank', 'dave']);
    const plan = planDeliveries(
      catalog,
      [
        { type: 'team', id: 'night' },
        { type: 'team', id: 'empty' },
        { type: 'team', id: 'ghosts' },
      ],
      at,
      'r0-l1',
    );
    expect(plan.deliveries.map((d) => d.label)).toEqual([
      'team night → frank via erin-pager (webhook)',
      'team night → dave via dave-pager (webhook)',
    ]);
    expect(plan.unreachable.map((u) => u.reason)).toEqual([
      'team empty has no members',
      'team ghosts is not in the catalog',
    ]);
  });

  it('names a person’s unknown channel, a team’s unknown or repeated member', () => {
    expect(personProblems({ channels: ['erin-pager', 'nope'] }, file)).toEqual([
      { field: 'body.channels.1', message: 'nope is not a channel' },
    ]);
    expect(
      teamProblems(
        {
          members: [
            { personId: 'dave', role: 'member' },
            { personId: 'ghost', role: 'member' },
            { personId: 'dave', role: 'manager' },
          ],
        },
        file,
      ),
    ).toEqual([
      { field: 'body.members.1.personId', message: 'ghost is not a person' },
      { field: 'body.members.2.personId', message: 'dave is listed twice' },
    ]);
  });

  it('finds everything that names a person or a team', () => {
    const catalog: OnCallCatalog = {
      ...file,
      teams: [team('night', ['erin'])],
      policies: [
        ...file.policies,
        {
          id: 'p',
          name: 'P',
          levels: [{ delaySeconds: 60, targets: [{ type: 'person', id: 'erin' }] }],
          fallback: [{ type: 'team', id: 'night' }],
        },
      ],
    };
    const override = (end: string) => ({
      id: `OVR-${end.slice(0, 4)}00000000`,
      scheduleId: 'always-dave',
      personId: 'erin',
      start: '2026-11-01T00:00:00Z',
      end,
      createdBy: 'user:alice',
      createdAt: '2026-11-01T00:00:00Z',
    });
    expect(
      personReferences(
        catalog,
        [override('2026-11-27T00:00:00Z'), override('2026-11-02T00:00:00Z')],
        'erin',
        at,
      ),
    ).toEqual([
      'schedule nyc-daily layer 1',
      'policy p level 1',
      'team night',
      'override OVR-202600000000 of schedule always-dave',
    ]);
    const rules = { ...testRules(), defaultRule: { ...testRules().defaultRule, team: 'night' } };
    expect(teamReferences(catalog, rules, 'night')).toEqual(['policy p fallback', 'rule default']);
  });
});
