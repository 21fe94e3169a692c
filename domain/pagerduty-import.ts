// A PagerDuty schedule, as its REST API (v2) returns it, turned into a Fireline
// schedule: its people matched by email, each layer's rotation, hand-off and
// restrictions, with what cannot be carried over named, and the vendor's own
// rendering (final_schedule) kept for the fidelity check.
import type { Person, RotationLayer } from './oncall';
import { localDateAndTime } from './oncall-schedule';
import { fromPagerDutyRestrictions, type PagerDutyRestriction } from './vendor-restrictions';
import type { PagerDutyContactMethod, PagerDutyNotificationRule } from './contact-import';
import type { VendorShift } from './import-fidelity';
import { type ImportedOverride, type ScheduleImport, scheduleImport, usersByEmail } from './schedule-import';

/** `GET /users`: the fields an import reads. */
export interface PagerDutyUser {
  id: string;
  name: string;
  email: string;
  time_zone?: string;
  /** Whole with `include[]=contact_methods`, else references (`{ id, type }`). */
  contact_methods?: Array<PagerDutyContactMethod | { id: string; type: string }>;
  /** Whole with `include[]=notification_rules`, else references. */
  notification_rules?: Array<PagerDutyNotificationRule | { id: string; type: string }>;
}

export interface PagerDutyLayer {
  id: string;
  name?: string;
  start: string;
  end?: string | null;
  rotation_virtual_start: string;
  rotation_turn_length_seconds: number;
  users: Array<{ user: { id: string } }>;
  restrictions?: PagerDutyRestriction[];
}

/** `GET /schedules/{id}?since=…&until=…`: the schedule, and its final schedule over that window. */
export interface PagerDutySchedule {
  id: string;
  name: string;
  time_zone: string;
  schedule_layers: PagerDutyLayer[];
  final_schedule?: {
    rendered_schedule_entries: Array<{
      start: string;
      end: string;
      user?: { id: string; summary?: string } | null;
    }>;
  };
}

const WEEK = 604_800;
const DAY = 86_400;
const HOUR = 3_600;

function rotationOf(seconds: number): RotationLayer['rotation'] | undefined {
  if (seconds > 0 && seconds % WEEK === 0) return { every: seconds / WEEK, unit: 'week' };
  if (seconds > 0 && seconds % DAY === 0) return { every: seconds / DAY, unit: 'day' };
  if (seconds > 0 && seconds % HOUR === 0) return { every: seconds / HOUR, unit: 'hour' };
  return undefined;
}

/** Turns one PagerDuty schedule into a Fireline schedule definition. */
/** `GET /schedules/{id}/overrides` (List overrides): `overrides`. */
export interface PagerDutyOverride {
  id: string;
  start: string;
  end: string;
  user: { id: string; summary?: string };
}

export function fromPagerDutySchedule(
  schedule: PagerDutySchedule,
  users: PagerDutyUser[],
  people: Person[],
  now: Date,
  pagerDutyOverrides: PagerDutyOverride[] = [],
): ScheduleImport {
  const problems: string[] = [];
  const { emailOf, personOf } = usersByEmail(people, users);
  const layers: RotationLayer[] = [];
  for (const [i, layer] of schedule.schedule_layers.entries()) {
    const label = `layer ${layer.name ?? i + 1} (${layer.id})`;
    if (layer.end && Date.parse(layer.end) <= now.getTime()) {
      problems.push(`${label} ended at ${layer.end}: not imported`);
      continue;
    }
    if (layer.end)
      problems.push(`${label} ends at ${layer.end}: imported without an end (a Fireline layer does not end)`);
    if (Date.parse(layer.start) > now.getTime())
      problems.push(`${label} starts at ${layer.start}: imported as in effect now`);
    const rotation = rotationOf(layer.rotation_turn_length_seconds);
    if (!rotation) {
      problems.push(
        `${label}: a turn of ${layer.rotation_turn_length_seconds} s is not a whole number of hours: not imported`,
      );
      continue;
    }
    const participants: string[] = [];
    for (const { user } of layer.users) {
      const person = personOf(user.id);
      if (person) participants.push(person.id);
      else {
        const email = emailOf(user.id);
        problems.push(
          `${label}: user ${user.id}${email ? ` (${email})` : ''} is no Fireline person (matched by email): left out of the rotation`,
        );
      }
    }
    if (participants.length === 0) {
      problems.push(`${label}: nobody on it is a Fireline person: not imported`);
      continue;
    }
    const start = localDateAndTime(new Date(layer.rotation_virtual_start), schedule.time_zone);
    if (start.seconds !== 0) problems.push(`${label}: its hand-off has seconds; imported at ${start.time}`);
    const converted = fromPagerDutyRestrictions(layer.restrictions ?? []);
    problems.push(...converted.problems.map((p) => `${label}: ${p}`));
    layers.push({
      ...(layer.name ? { name: layer.name } : {}),
      participants,
      rotation,
      start: start.date,
      handoffTime: start.time,
      ...(converted.restrictions.length > 0 ? { restrictions: converted.restrictions } : {}),
    });
  }
  const rendering: VendorShift[] = (schedule.final_schedule?.rendered_schedule_entries ?? []).flatMap(
    (entry) =>
      entry.user
        ? [
            {
              start: new Date(entry.start).toISOString(),
              end: new Date(entry.end).toISOString(),
              who: personOf(entry.user.id)?.id ?? `PagerDuty user ${entry.user.id}`,
            },
          ]
        : [],
  );
  const overrides: ImportedOverride[] = pagerDutyOverrides.flatMap((o) => {
    const person = personOf(o.user.id);
    if (person)
      return [
        {
          personId: person.id,
          start: new Date(o.start).toISOString(),
          end: new Date(o.end).toISOString(),
          note: `PagerDuty override ${o.id}`,
        },
      ];
    problems.push(
      `override ${o.id}: user ${emailOf(o.user.id) ?? o.user.id} is no Fireline person: not imported`,
    );
    return [];
  });
  return scheduleImport({
    system: 'pagerduty',
    sourceId: schedule.id,
    name: schedule.name,
    timeZone: schedule.time_zone,
    layers,
    layerNoun: 'layer',
    problems,
    rendering,
    overrides,
  });
}
