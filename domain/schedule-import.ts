// What every importer of another tool's schedules hands on: the schedule made
// ready to import, its overrides, every problem named, and the vendor's own
// rendering for the fidelity check.
import type { VendorShift } from './import-fidelity';
import type { Person, RotationLayer } from './oncall';
import type { ImportSource, ScheduleDefinition } from './runtime-schedules';

/** An override of the vendor's, as a Fireline override of the imported schedule. */
export interface ImportedOverride {
  personId: string;
  start: string;
  end: string;
  note: string;
}

/** A vendor schedule made ready to import: the definition (when any layer could be carried over) and every problem, named. */
export interface ScheduleImport {
  sourceId: string;
  name: string;
  definition?: ScheduleDefinition;
  problems: string[];
  /** The vendor's own answer to who is on call when, people as Fireline names them where they match. */
  rendering: VendorShift[];
  /** The vendor's overrides, past ones too (the fidelity check needs them; only those to come are made). */
  overrides?: ImportedOverride[];
}

/** The people of the catalog by email, lower-cased. */
export function peopleByEmail(people: Person[]): Map<string, Person> {
  return new Map(people.flatMap((p) => (p.email ? [[p.email.toLowerCase(), p] as const] : [])));
}

/**
 * A vendor schedule made ready to import, from what its converter found: the
 * definition when any layer came over (else skipped, and said why).
 */
export function scheduleImport(found: {
  system: ImportSource['system'];
  sourceId: string;
  name: string;
  timeZone: string;
  layers: RotationLayer[];
  /** What a layer is called at this vendor: `layer`, `rotation`, `shift`. */
  layerNoun: string;
  problems: string[];
  rendering: VendorShift[];
  overrides?: ImportedOverride[];
}): ScheduleImport {
  const { system, sourceId, name, timeZone, layers, problems } = found;
  return {
    sourceId,
    name,
    ...(layers.length > 0
      ? { definition: { name, timeZone, layers, source: { system, id: sourceId } } }
      : {}),
    problems:
      layers.length > 0
        ? problems
        : [...problems, `no ${found.layerNoun} could be imported: schedule skipped`],
    rendering: found.rendering,
    ...(found.overrides ? { overrides: found.overrides } : {}),
  };
}

/** Another tool's users (their ids and emails), matched to Fireline's people by email, case aside. */
export function usersByEmail(people: Person[], users: Array<{ id: string; email: string }>) {
  const byEmail = peopleByEmail(people);
  const emails = new Map(users.map((u) => [u.id, u.email]));
  const personWithEmail = (email: string | undefined) =>
    email ? byEmail.get(email.toLowerCase()) : undefined;
  return {
    emailOf: (userId: string) => emails.get(userId),
    personOf: (userId: string) => personWithEmail(emails.get(userId)),
    personWithEmail,
  };
}
