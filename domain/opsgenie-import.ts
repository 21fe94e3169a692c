// An Opsgenie schedule, as its REST API (v2) returns it, turned into a Fireline
// schedule: rotations become layers (people matched by email, restrictions one
// for one), its overrides Fireline overrides, and its timeline kept for the
// fidelity check.
import type { VendorShift } from './import-fidelity';
import type { Person, RotationLayer } from './oncall';
import { localDateAndTime } from './oncall-schedule';
import { type ImportedOverride, type ScheduleImport, scheduleImport, usersByEmail } from './schedule-import';
import { fromOpsgenieTimeRestriction, type OpsgenieTimeRestriction } from './vendor-restrictions';

/** `GET /v2/users`: the fields an import reads (`username` is the email). */
export interface OpsgenieUser {
  id: string;
  username: string;
  fullName?: string;
  timeZone?: string;
}

export interface OpsgenieRotation {
  id: string;
  name?: string;
  startDate: string;
  endDate?: string;
  type: 'hourly' | 'daily' | 'weekly';
  length: number;
  participants: Array<{
    type: 'user' | 'team' | 'escalation' | 'none';
    id?: string;
    username?: string;
    name?: string;
  }>;
  timeRestriction?: OpsgenieTimeRestriction;
}

/** `GET /v2/schedules/{id}`: `data`. */
export interface OpsgenieSchedule {
  id: string;
  name: string;
  timezone: string;
  enabled?: boolean;
  rotations: OpsgenieRotation[];
}

/** `GET /v2/schedules/{id}/overrides`: `data`. */
export interface OpsgenieOverride {
  alias: string;
  user: { type: string; id?: string; username?: string };
  startDate: string;
  endDate: string;
  rotations?: Array<{ id: string; name?: string }>;
}

/** `GET /v2/schedules/{id}/timeline`: `data`, the final timeline by rotation. */
export interface OpsgenieTimeline {
  startDate: string;
  endDate: string;
  finalTimeline: {
    rotations: Array<{
      id: string;
      name?: string;
      periods?: Array<{
        startDate: string;
        endDate: string;
        type?: string;
        recipient?: { type: string; id?: string; name?: string };
      }>;
    }>;
  };
}

const UNITS = { hourly: 'hour', daily: 'day', weekly: 'week' } as const;

/** How Opsgenie names a user in a rotation, an override, an escalation or a timeline. */
export interface OpsgenieRecipient {
  id?: string;
  username?: string;
  name?: string;
}

/** Opsgenie's users matched to Fireline's people: a recipient by its `username` (the email), else by its id. */
export function opsgenieRecipients(users: OpsgenieUser[], people: Person[]) {
  const match = usersByEmail(
    people,
    users.map((u) => ({ id: u.id, email: u.username })),
  );
  return {
    emailOf: (user: OpsgenieRecipient) =>
      (user.username ?? (user.id ? match.emailOf(user.id) : undefined))?.toLowerCase(),
    personWithEmail: match.personWithEmail,
  };
}

/** Turns one Opsgenie schedule (with its overrides and timeline, when given) into a Fireline schedule definition. */
export function fromOpsgenieSchedule(
  schedule: OpsgenieSchedule,
  users: OpsgenieUser[],
  people: Person[],
  now: Date,
  extra: { overrides?: OpsgenieOverride[]; timeline?: OpsgenieTimeline } = {},
): ScheduleImport {
  const problems: string[] = [];
  const recipients = opsgenieRecipients(users, people);
  // A timeline's recipient names its user by `name`.
  const emailOf = (user: OpsgenieRecipient) => recipients.emailOf(user) ?? user.name?.toLowerCase();
  const personOf = (user: OpsgenieRecipient) => recipients.personWithEmail(emailOf(user));
  if (schedule.enabled === false)
    problems.push('the schedule is disabled in Opsgenie: imported all the same');
  const layers: RotationLayer[] = [];
  for (const [i, rotation] of schedule.rotations.entries()) {
    const label = `rotation ${rotation.name ?? i + 1} (${rotation.id})`;
    if (rotation.endDate && Date.parse(rotation.endDate) <= now.getTime()) {
      problems.push(`${label} ended at ${rotation.endDate}: not imported`);
      continue;
    }
    if (rotation.endDate)
      problems.push(
        `${label} ends at ${rotation.endDate}: imported without an end (a Fireline layer does not end)`,
      );
    const unit = UNITS[rotation.type];
    if (!unit || !Number.isInteger(rotation.length) || rotation.length < 1) {
      problems.push(
        `${label}: a ${rotation.type} rotation of length ${rotation.length} has no Fireline equivalent: not imported`,
      );
      continue;
    }
    const participants: string[] = [];
    for (const participant of rotation.participants) {
      const person = participant.type === 'user' ? personOf(participant) : undefined;
      if (person) participants.push(person.id);
      else
        problems.push(
          participant.type === 'user'
            ? `${label}: user ${emailOf(participant) ?? participant.id} is no Fireline person (matched by email): left out of the rotation`
            : `${label}: a participant of type ${participant.type} (${participant.name ?? participant.id ?? 'nobody'}) has no Fireline equivalent: left out of the rotation`,
        );
    }
    if (participants.length === 0) {
      problems.push(`${label}: nobody on it is a Fireline person: not imported`);
      continue;
    }
    const start = localDateAndTime(new Date(rotation.startDate), schedule.timezone);
    const converted = rotation.timeRestriction
      ? fromOpsgenieTimeRestriction(rotation.timeRestriction)
      : { restrictions: [], problems: [] };
    problems.push(...converted.problems.map((p) => `${label}: ${p}`));
    layers.push({
      ...(rotation.name ? { name: rotation.name } : {}),
      participants,
      rotation: { every: rotation.length, unit },
      start: start.date,
      handoffTime: start.time,
      ...(converted.restrictions.length > 0 ? { restrictions: converted.restrictions } : {}),
    });
  }

  const overrides: ImportedOverride[] = [];
  for (const o of extra.overrides ?? []) {
    const person = personOf(o.user);
    const partial = (o.rotations ?? []).length > 0 && (o.rotations ?? []).length < schedule.rotations.length;
    if (!person) {
      problems.push(
        `override ${o.alias}: user ${emailOf(o.user) ?? o.user.id} is no Fireline person: not imported`,
      );
      continue;
    }
    if (partial)
      problems.push(
        `override ${o.alias} covers only some rotations: imported as covering the whole schedule`,
      );
    overrides.push({
      personId: person.id,
      start: new Date(o.startDate).toISOString(),
      end: new Date(o.endDate).toISOString(),
      note: `Opsgenie override ${o.alias}`,
    });
  }

  const rendering: VendorShift[] = (extra.timeline?.finalTimeline.rotations ?? []).flatMap((rotation) =>
    (rotation.periods ?? []).flatMap((period) =>
      period.recipient && period.recipient.type !== 'none'
        ? [
            {
              start: new Date(period.startDate).toISOString(),
              end: new Date(period.endDate).toISOString(),
              who:
                personOf(period.recipient)?.id ??
                `Opsgenie user ${period.recipient.name ?? period.recipient.id}`,
            },
          ]
        : [],
    ),
  );
  const overlap = firstOverlap(rendering);
  if (overlap)
    problems.push(
      `Opsgenie has ${overlap.a} and ${overlap.b} on call at once from ${overlap.start}: a Fireline schedule has one person on call (its later layers win)`,
    );
  return scheduleImport({
    system: 'opsgenie',
    sourceId: schedule.id,
    name: schedule.name,
    timeZone: schedule.timezone,
    layers,
    layerNoun: 'rotation',
    problems,
    rendering,
    overrides,
  });
}

/** The first instant at which the vendor has two different people on call (its rotations overlap). */
function firstOverlap(shifts: VendorShift[]): { start: string; a: string; b: string } | undefined {
  const sorted = [...shifts].sort((x, y) => Date.parse(x.start) - Date.parse(y.start));
  for (let i = 0; i < sorted.length; i++)
    for (let j = i + 1; j < sorted.length && Date.parse(sorted[j]!.start) < Date.parse(sorted[i]!.end); j++)
      if (sorted[j]!.who !== sorted[i]!.who)
        return { start: sorted[j]!.start, a: sorted[i]!.who, b: sorted[j]!.who };
  return undefined;
}
