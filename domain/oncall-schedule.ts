import { type LayerRestriction, type OnCallSchedule, type RotationLayer, weekdays } from './oncall';

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

const minutesPerDay = 24 * 60;

/** Monday is 0: 1970-01-01, day 0, was a Thursday. */
function weekdayIndex(dayNo: number): number {
  return (((dayNo + 3) % 7) + 7) % 7;
}

/** Whether `value` lies in [start, end) of a cycle, wrapping when end is not after start. */
function inWrappingWindow(start: number, end: number, value: number): boolean {
  if (start === end) return true;
  return start < end ? value >= start && value < end : value >= start || value < end;
}

function restrictionAllows(restriction: LayerRestriction, local: LocalParts): boolean {
  if (restriction.type === 'time-of-day')
    return inWrappingWindow(parseTime(restriction.start), parseTime(restriction.end), local.minutes);
  const weekMinute = (day: number, time: string) => day * minutesPerDay + parseTime(time);
  const today = weekdayIndex(dayNumber(local.year, local.month, local.day));
  return inWrappingWindow(
    weekMinute(weekdays.indexOf(restriction.startDay), restriction.start),
    weekMinute(weekdays.indexOf(restriction.endDay), restriction.end),
    today * minutesPerDay + local.minutes,
  );
}

/** Whether a layer's restrictions (if any) let it have someone on call at an instant. */
export function layerActive(layer: RotationLayer, timeZone: string, at: Date): boolean {
  return activeAt(layer, () => localParts(at, timeZone));
}

/** layerActive, given the local time (read only when the layer has restrictions). */
function activeAt(layer: RotationLayer, local: () => LocalParts): boolean {
  if (!layer.restrictions || layer.restrictions.length === 0) return true;
  const parts = local();
  return layer.restrictions.some((r) => restrictionAllows(r, parts));
}

/** The instants in [from, to] at which one of a layer's restriction windows opens or closes. */
export function restrictionEdges(layer: RotationLayer, timeZone: string, from: number, to: number): number[] {
  if (!layer.restrictions || layer.restrictions.length === 0) return [];
  const dayOf = (t: number) => {
    const p = localParts(new Date(t), timeZone);
    return dayNumber(p.year, p.month, p.day);
  };
  const edges: number[] = [];
  for (let day = dayOf(from) - 1; day <= dayOf(to) + 1; day++) {
    const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
    const weekday = weekdays[weekdayIndex(day)];
    for (const r of layer.restrictions) {
      const times =
        r.type === 'time-of-day'
          ? [r.start, r.end]
          : [...(r.startDay === weekday ? [r.start] : []), ...(r.endDay === weekday ? [r.end] : [])];
      for (const time of times) edges.push(zonedTimeToInstant(date, time, timeZone).getTime());
    }
  }
  return edges.filter((t) => t >= from && t <= to);
}

/** Who a rotation layer has on call at an instant: undefined before it starts and outside its restrictions. */
export function layerOnCall(layer: RotationLayer, timeZone: string, at: Date): string | undefined {
  if (layer.participants.length === 0 || layer.rotation.every <= 0) return undefined;
  // Formatting the local time is the costly part: read once, for the restrictions and the day count.
  let parts: LocalParts | undefined;
  const local = () => (parts ??= localParts(at, timeZone));
  if (!activeAt(layer, local)) return undefined;
  let shift: number;
  if (layer.rotation.unit === 'hour') {
    const anchor = zonedTimeToInstant(layer.start, layer.handoffTime, timeZone).getTime();
    const elapsed = at.getTime() - anchor;
    if (elapsed < 0) return undefined;
    shift = Math.floor(elapsed / (layer.rotation.every * 3_600_000));
  } else {
    // Count local days, so a hand-off stays at its wall-clock time across DST changes.
    const { year, month, day, minutes } = local();
    let days = dayNumber(year, month, day) - dayNumber(...parseDate(layer.start));
    if (minutes < parseTime(layer.handoffTime)) days -= 1;
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

/** Whether `name` is an IANA time zone this runtime knows (`Europe/London`, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Whether `date` is a real calendar date written `YYYY-MM-DD`. */
export function isLocalDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return day.toISOString().startsWith(date);
}

/** The wall-clock date (`2026-03-02`), time (`09:00`) and seconds of an instant in a time zone. */
export function localDateAndTime(
  at: Date,
  timeZone: string,
): { date: string; time: string; seconds: number } {
  const { year, month, day, minutes } = localParts(at, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${year}-${pad(month)}-${pad(day)}`,
    time: `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`,
    seconds: at.getUTCSeconds(),
  };
}
