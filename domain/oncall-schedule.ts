import type { OnCallSchedule, RotationLayer } from './oncall';

interface LocalParts {
  year: number;
  month: number;
  day: number;
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time at an instant in a time zone. */
function localParts(at: Date, timeZone: string): LocalParts {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    minutes: part('hour') * 60 + part('minute'),
  };
}

function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

function parseDate(date: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`invalid date ${date}: expected YYYY-MM-DD`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function parseTime(time: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m) throw new Error(`invalid time ${time}: expected HH:mm`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The UTC instant of a wall-clock time in a time zone (the earlier one across a DST fold). */
export function zonedTimeToInstant(date: string, time: string, timeZone: string): Date {
  const [y, mo, d] = parseDate(date);
  const minutes = parseTime(time);
  const wanted = Date.UTC(y, mo - 1, d, Math.floor(minutes / 60), minutes % 60);
  let guess = wanted;
  // Two corrections settle the offset, DST changes included.
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(guess), timeZone);
    const seen = Date.UTC(p.year, p.month - 1, p.day, Math.floor(p.minutes / 60), p.minutes % 60);
    guess += wanted - seen;
  }
  return new Date(guess);
}

/** Who a rotation layer has on call at an instant, or undefined before it starts. */
export function layerOnCall(layer: RotationLayer, timeZone: string, at: Date): string | undefined {
  if (layer.participants.length === 0 || layer.rotation.every <= 0) return undefined;
  let shift: number;
  if (layer.rotation.unit === 'hour') {
    const anchor = zonedTimeToInstant(layer.start, layer.handoffTime, timeZone).getTime();
    const elapsed = at.getTime() - anchor;
    if (elapsed < 0) return undefined;
    shift = Math.floor(elapsed / (layer.rotation.every * 3_600_000));
  } else {
    // Count local days, so a hand-off stays at its wall-clock time across DST changes.
    const local = localParts(at, timeZone);
    let days = dayNumber(local.year, local.month, local.day) - dayNumber(...parseDate(layer.start));
    if (local.minutes < parseTime(layer.handoffTime)) days -= 1;
    if (days < 0) return undefined;
    const daysPerShift = layer.rotation.every * (layer.rotation.unit === 'week' ? 7 : 1);
    shift = Math.floor(days / daysPerShift);
  }
  return layer.participants[shift % layer.participants.length];
}

/** Pure: who is on call for the schedule at the instant (overrides, then the highest layer with someone). */
export function whoIsOnCall(schedule: OnCallSchedule, at: Date): string | undefined {
  const t = at.getTime();
  const override = [...(schedule.overrides ?? [])]
    .reverse()
    .find((o) => Date.parse(o.start) <= t && t < Date.parse(o.end));
  if (override) return override.personId;
  for (const layer of [...schedule.layers].reverse()) {
    const person = layerOnCall(layer, schedule.timeZone, at);
    if (person) return person;
  }
  return undefined;
}
