import { type LayerRestriction, type RotationLayer, weekdays } from '../../domain/oncall';
import { ValidationError, type FieldError } from '../errors';

/** The fields of one layer in the schedule form: `layers.<row>.<field>`. */
export const LAYER_FIELDS = [
  'name',
  'participants',
  'every',
  'unit',
  'start',
  'handoffTime',
  'restrictions',
] as const;

const TIME = '([01]\\d|2[0-3]):[0-5]\\d';
const DAY = `(${weekdays.join('|')}|mon|tue|wed|thu|fri|sat|sun)`;
const timeOfDay = new RegExp(`^(${TIME})\\s*-\\s*(${TIME})$`);
const sameDay = new RegExp(`^${DAY}\\s+(${TIME})\\s*-\\s*(${TIME})$`, 'i');
const acrossDays = new RegExp(`^${DAY}\\s+(${TIME})\\s*-\\s*${DAY}\\s+(${TIME})$`, 'i');
const workdays = new RegExp(`^weekdays\\s+(${TIME})\\s*-\\s*(${TIME})$`, 'i');

const fullDay = (day: string) => weekdays.find((d) => d.startsWith(day.toLowerCase()))!;

/**
 * A layer's restrictions as typed, one window per line: `22:00-06:00` (every
 * day), `monday 09:00-17:00`, `friday 18:00 - monday 09:00`, or
 * `weekdays 09:00-17:00` (one window on each of Monday to Friday).
 */
export function restrictionsFromText(text: string): { restrictions: LayerRestriction[]; problem?: string } {
  const restrictions: LayerRestriction[] = [];
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    let m: RegExpExecArray | null;
    if ((m = timeOfDay.exec(line))) restrictions.push({ type: 'time-of-day', start: m[1]!, end: m[3]! });
    else if ((m = workdays.exec(line)))
      restrictions.push(
        ...weekdays.slice(0, 5).map((day) => ({
          type: 'weekday-and-time' as const,
          startDay: day,
          start: m![1]!,
          endDay: day,
          end: m![3]!,
        })),
      );
    else if ((m = sameDay.exec(line)))
      restrictions.push({
        type: 'weekday-and-time',
        startDay: fullDay(m[1]!),
        start: m[2]!,
        endDay: fullDay(m[1]!),
        end: m[4]!,
      });
    else if ((m = acrossDays.exec(line)))
      restrictions.push({
        type: 'weekday-and-time',
        startDay: fullDay(m[1]!),
        start: m[2]!,
        endDay: fullDay(m[4]!),
        end: m[5]!,
      });
    else
      return {
        restrictions,
        problem: `line ${i + 1} ("${line.slice(0, 40)}") is not a window: write 22:00-06:00, monday 09:00-17:00, friday 18:00 - monday 09:00 or weekdays 09:00-17:00`,
      };
  }
  return { restrictions };
}

/** Restrictions as the form shows them, one per line, as restrictionsFromText reads them back. */
export function restrictionsToText(restrictions: LayerRestriction[] = []): string {
  // Monday to Friday in the same hours, in order, reads back as one `weekdays` line.
  const [first] = restrictions;
  const workweek =
    first?.type === 'weekday-and-time' &&
    first.end > first.start &&
    restrictions.length >= 5 &&
    weekdays.slice(0, 5).every((day, i) => {
      const r = restrictions[i];
      return (
        r?.type === 'weekday-and-time' &&
        r.startDay === day &&
        r.endDay === day &&
        r.start === first.start &&
        r.end === first.end
      );
    });
  const lines = workweek && first ? [`weekdays ${first.start}-${first.end}`] : [];
  return [...lines, ...restrictionsLines(workweek ? restrictions.slice(5) : restrictions)].join('\n');
}

function restrictionsLines(restrictions: LayerRestriction[]): string[] {
  return restrictions.map((r) =>
    r.type === 'time-of-day'
      ? `${r.start}-${r.end}`
      : r.startDay === r.endDay && r.end > r.start
        ? `${r.startDay} ${r.start}-${r.end}`
        : `${r.startDay} ${r.start} - ${r.endDay} ${r.end}`,
  );
}

/** A schedule's layers as the form's fields. */
export function layersToForm(layers: RotationLayer[]): Record<string, string> {
  const values: Record<string, string> = {};
  layers.forEach((layer, i) => {
    const set = (field: (typeof LAYER_FIELDS)[number], value: string) =>
      (values[`layers.${i}.${field}`] = value);
    set('name', layer.name ?? '');
    set('participants', layer.participants.join(', '));
    set('every', String(layer.rotation.every));
    set('unit', layer.rotation.unit);
    set('start', layer.start);
    set('handoffTime', layer.handoffTime);
    set('restrictions', restrictionsToText(layer.restrictions));
  });
  return values;
}

/**
 * The schedule form as the API's schedule body (checked afterwards by the
 * API's own schema). A row without participants is no layer (how one is
 * removed); `rows[i]` is the form row of body layer i, for naming a refusal's field.
 */
export function scheduleFromForm(
  body: Record<string, unknown>,
  rowCount: number,
): { value: Record<string, unknown>; rows: number[] } {
  const text = (name: string) => (typeof body[name] === 'string' ? body[name].trim() : '');
  const problems: FieldError[] = [];
  const layers: Record<string, unknown>[] = [];
  const rows: number[] = [];
  for (let row = 0; row < rowCount; row++) {
    const field = (name: (typeof LAYER_FIELDS)[number]) => text(`layers.${row}.${name}`);
    const participants = field('participants')
      .split(/[\s,]+/)
      .filter(Boolean);
    if (participants.length === 0) continue;
    const { restrictions, problem } = restrictionsFromText(field('restrictions'));
    if (problem) problems.push({ field: `layers.${row}.restrictions`, message: problem });
    const every = Number(field('every') || '1');
    layers.push({
      ...(field('name') ? { name: field('name') } : {}),
      participants,
      rotation: { every: Number.isFinite(every) ? every : field('every'), unit: field('unit') || 'week' },
      start: field('start'),
      handoffTime: field('handoffTime'),
      ...(restrictions.length > 0 ? { restrictions } : {}),
    });
    rows.push(row);
  }
  if (layers.length === 0)
    problems.push({ field: 'layers.0.participants', message: 'give at least one layer someone on it' });
  if (problems.length > 0) throw new ValidationError(problems);
  const revision = Number(text('revision'));
  return {
    value: {
      ...(text('id') ? { id: text('id') } : {}),
      ...(revision ? { revision } : {}),
      name: text('name'),
      timeZone: text('timeZone'),
      layers,
    },
    rows,
  };
}

/** A refusal's field (`body.layers.1.rotation.every`) as the form names it (`layers.3.every`). */
export function formFieldOf(field: string, rows: number[]): string {
  const m = /^body\.layers\.(\d+)\.([A-Za-z]+)(?:\.([A-Za-z]+))?/.exec(field);
  if (!m) return field.replace(/^body\./, '');
  const row = rows[Number(m[1])] ?? Number(m[1]);
  const name = m[2] === 'rotation' ? (m[3] ?? 'every') : m[2];
  return `layers.${row}.${name}`;
}
