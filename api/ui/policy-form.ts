import type { EscalationPolicy } from '../../domain/oncall';
import type { TargetRef } from '../../domain/incident';
import { ValidationError, type FieldError } from '../errors';

/** The fields of one level in the policy form: `levels.<row>.<field>`. */
export const LEVEL_FIELDS = ['wait', 'targets', 'roundRobin'] as const;

const TARGET_TYPES = ['person', 'schedule', 'team', 'channel'] as const;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** A wait as typed: `90s`, `5m`, `1h`, `1h30m`; a bare number is minutes, as the other tools count them. */
export function waitFromText(text: string): number | undefined {
  const value = text.trim().toLowerCase().replace(/\s+/g, '');
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 60);
  const parts = [...value.matchAll(/(\d+)([smh])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_SECONDS[p[2] as keyof typeof UNIT_SECONDS], 0);
}

/** A wait as the form shows it, in the largest units that keep it exact. */
export function waitToText(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return text || '0m';
}

/** Targets as typed, separated by commas: `schedule:sre-primary, person:carol, team:night, channel:sre-slack`. */
export function targetsFromText(text: string): { targets: TargetRef[]; problem?: string } {
  const targets: TargetRef[] = [];
  for (const item of text.split(',').map((t) => t.trim())) {
    if (!item) continue;
    const m = /^([a-z]+)\s*:\s*(\S+)$/i.exec(item);
    const type = m?.[1]?.toLowerCase();
    if (!m || !TARGET_TYPES.includes(type as (typeof TARGET_TYPES)[number]))
      return {
        targets,
        problem: `"${item.slice(0, 40)}" is not a target: write person:ID, schedule:ID, team:ID or channel:ID`,
      };
    targets.push({ type, id: m[2]! } as TargetRef);
  }
  return { targets };
}

export const targetsToText = (targets: TargetRef[] = []) =>
  targets.map((t) => `${t.type}:${t.id}`).join(', ');

/** A policy's levels, repeat and fallback as the form's fields. */
export function policyToForm(policy: EscalationPolicy): Record<string, string> {
  const values: Record<string, string> = {
    name: policy.name,
    repeat: String(policy.repeat ?? 0),
    fallback: targetsToText(policy.fallback),
  };
  policy.levels.forEach((level, i) => {
    values[`levels.${i}.wait`] = waitToText(level.delaySeconds);
    values[`levels.${i}.targets`] = targetsToText(level.targets);
    if (level.roundRobin) values[`levels.${i}.roundRobin`] = 'on';
  });
  return values;
}

/**
 * The policy form as the API's policy body (checked afterwards by the API's
 * own schema). A row without targets is no level (how one is removed);
 * `rows[i]` is the form row of body level i, for naming a refusal's field.
 */
export function policyFromForm(
  body: Record<string, unknown>,
  rowCount: number,
): { value: Record<string, unknown>; rows: number[] } {
  const text = (name: string) => (typeof body[name] === 'string' ? body[name].trim() : '');
  const problems: FieldError[] = [];
  const levels: Record<string, unknown>[] = [];
  const rows: number[] = [];
  for (let row = 0; row < rowCount; row++) {
    const field = (name: (typeof LEVEL_FIELDS)[number]) => text(`levels.${row}.${name}`);
    const { targets, problem } = targetsFromText(field('targets'));
    if (problem) problems.push({ field: `levels.${row}.targets`, message: problem });
    if (targets.length === 0 && !problem) continue;
    const delaySeconds = waitFromText(field('wait') || '5m');
    if (delaySeconds === undefined)
      problems.push({ field: `levels.${row}.wait`, message: 'write a wait such as 90s, 5m, 1h or 1h30m' });
    levels.push({
      delaySeconds: delaySeconds ?? 0,
      targets,
      ...(field('roundRobin') ? { roundRobin: true } : {}),
    });
    rows.push(row);
  }
  if (levels.length === 0 && problems.length === 0)
    problems.push({ field: 'levels.0.targets', message: 'give at least one level someone to page' });
  const fallback = targetsFromText(text('fallback'));
  if (fallback.problem) problems.push({ field: 'fallback', message: fallback.problem });
  if (problems.length > 0) throw new ValidationError(problems);
  const revision = Number(text('revision'));
  const repeat = Number(text('repeat') || '0');
  return {
    value: {
      ...(text('id') ? { id: text('id') } : {}),
      ...(revision ? { revision } : {}),
      name: text('name'),
      levels,
      repeat: Number.isFinite(repeat) ? repeat : text('repeat'),
      fallback: fallback.targets,
    },
    rows,
  };
}

/** A refusal's field (`body.levels.1.targets.0.id`, `body.levels.0.delaySeconds`) as the form names it. */
export function policyFormFieldOf(field: string, rows: number[]): string {
  const m = /^body\.levels\.(\d+)\.([A-Za-z]+)/.exec(field);
  if (!m) return field.replace(/^body\./, '').replace(/^fallback\..*/, 'fallback');
  const row = rows[Number(m[1])] ?? Number(m[1]);
  const name = m[2] === 'delaySeconds' ? 'wait' : m[2] === 'roundRobin' ? 'roundRobin' : 'targets';
  return `levels.${row}.${name}`;
}
