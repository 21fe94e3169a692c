import type { RotationLayer, TeamMember } from '../domain/oncall';
import type { PersonRight } from '../domain/rights';
import { modelCommands } from './model-commands';

/** `fireline schedules …`: the schedules, and those made at run time changed from JSON files. */
export const scheduleCommands = modelCommands({
  command: 'schedules',
  noun: 'schedule',
  route: '/v1/schedules',
  list: 'schedules',
  fields: ['name', 'timeZone', 'layers'],
  columns: ['NAME', 'TIME ZONE', 'LAYERS'],
  row: (s) => [String(s.name), String(s.timeZone), (s.layers as RotationLayer[]).length],
});

/** `fireline policies …`: the escalation policies, and those made at run time changed from JSON files. */
export const policyCommands = modelCommands({
  command: 'policies',
  noun: 'policy',
  route: '/v1/escalation-policies',
  list: 'policies',
  fields: ['name', 'levels', 'repeat', 'fallback'],
  defaults: { repeat: 0, fallback: [] },
  columns: ['NAME', 'LEVELS', 'REPEAT'],
  row: (p) => [String(p.name), (p.levels as unknown[]).length, Number(p.repeat ?? 0)],
});

/** `fireline people …`: the people, and those made at run time changed from JSON files. */
export const peopleCommands = modelCommands({
  command: 'people',
  noun: 'person',
  route: '/v1/people',
  list: 'people',
  fields: ['name', 'email', 'timeZone', 'slackUserId', 'channels', 'rights'],
  defaults: { channels: [], rights: [] },
  columns: ['NAME', 'EMAIL', 'RIGHTS'],
  row: (p) => [
    String(p.name),
    typeof p.email === 'string' ? p.email : undefined,
    (p.rights as PersonRight[]).map((r) => r.role).join(', ') || 'observer',
  ],
});

/** `fireline teams …`: the teams, and those made at run time changed from JSON files. */
export const teamCommands = modelCommands({
  command: 'teams',
  noun: 'team',
  route: '/v1/teams',
  list: 'teams',
  fields: ['name', 'members'],
  columns: ['NAME', 'MEMBERS'],
  row: (t) => [String(t.name), (t.members as TeamMember[]).map((m) => m.personId).join(', ')],
});
