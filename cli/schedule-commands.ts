import type { RotationLayer } from '../domain/oncall';
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
