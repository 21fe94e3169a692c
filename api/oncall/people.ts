// People and teams made at run time, beside the catalog file's (read-only here).
import type { OnCallCatalog, Person, Team } from '../../domain/oncall';
import { sameRights } from '../../domain/rights';
import { personProblems, personReferences, teamProblems, teamReferences } from '../../domain/runtime-people';
import type { PersonDefinition, ScheduleManager, TeamDefinition } from '../../domain/runtime-schedules';
import { deleteRuntimePerson, peopleStore, teamStore } from '../../infra/runtime-people';
import type { ApiDeps } from '../deps';
import { ConflictError, HttpError, NotFoundError, ValidationError } from '../errors';
import { onCallState } from './service';
import {
  answeringRefusals,
  type ManagedFields,
  managedFields,
  type MaybeStored,
  refuseManaged,
} from './stored-objects';

type Deps = Pick<ApiDeps, 'onCall' | 'models' | 'triageRules'>;

/** Who changes a person or a team, and whether they may change rights (an admin). */
export interface Changer {
  actor: string;
  admin: boolean;
}

export type PersonView = Omit<Person, 'rights' | 'channels'> &
  Required<Pick<Person, 'rights' | 'channels'>> &
  ManagedFields;
export type TeamView = Team & ManagedFields;

function personView(person: Person & MaybeStored): PersonView {
  const { id, name, email, timeZone, slackUserId, channels, rights } = person;
  return {
    id,
    name,
    ...(email ? { email } : {}),
    ...(timeZone ? { timeZone } : {}),
    ...(slackUserId ? { slackUserId } : {}),
    channels: channels ?? [],
    rights: rights ?? [],
    ...managedFields(person),
  };
}

function teamView(team: Team & MaybeStored): TeamView {
  const { id, name, members } = team;
  return { id, name, members, ...managedFields(team) };
}

const refuseProblems = (problems: { field: string; message: string }[]) => {
  if (problems.length > 0) throw new ValidationError(problems);
};

/**
 * Rights are given and changed by an admin only: whoever may edit the on-call
 * model must not be able to make someone (themselves included) an admin.
 */
function refuseRightsChange(
  changer: Changer,
  before: Person | undefined,
  definition: PersonDefinition,
): void {
  if (!sameRights(before?.rights, definition.rights) && !changer.admin)
    throw new HttpError(403, 'forbidden', 'Only an admin may give or change a person’s rights (body.rights)');
}

export async function listPeople(deps: Deps): Promise<PersonView[]> {
  return (await onCallState(deps)).catalog.people.map(personView);
}

export async function getPerson(deps: Deps, id: string): Promise<PersonView> {
  const person = (await onCallState(deps)).catalog.people.find((p) => p.id === id);
  if (!person) throw new NotFoundError(`No person ${id}`);
  return personView(person);
}

const personTitle = (id: string) => `Person ${id}`;
const personInFile = (deps: Deps, id: string) => deps.onCall.file.people.some((p) => p.id === id);

export async function createPerson(
  deps: Deps,
  input: PersonDefinition & { id: string },
  changer: Changer,
): Promise<PersonView> {
  const { id, ...definition } = input;
  refuseManaged(personTitle(id), personInFile(deps, id), undefined, definition.managedBy);
  refuseRightsChange(changer, undefined, definition);
  refuseProblems(personProblems(definition, deps.onCall.file));
  const made = await answeringRefusals(() =>
    peopleStore(deps.models).create(deps.models, id, definition, changer.actor),
  );
  await deps.onCall.refresh();
  return personView(made);
}

export async function replacePerson(
  deps: Deps,
  id: string,
  input: PersonDefinition & { revision: number },
  changer: Changer,
): Promise<PersonView> {
  const { revision, ...definition } = input;
  const { catalog } = await onCallState(deps);
  const stored = catalog.people.find((p) => p.id === id);
  refuseManaged(personTitle(id), personInFile(deps, id), stored, definition.managedBy);
  refuseRightsChange(changer, stored, definition);
  refuseProblems(personProblems(definition, catalog));
  const changed = await answeringRefusals(() =>
    peopleStore(deps.models).replace(deps.models, id, revision, definition, changer.actor),
  );
  await deps.onCall.refresh();
  return personView(changed);
}

/** Deletes a stored person; refused while a schedule, policy, team or coming override names them. */
export async function deletePerson(
  deps: Deps,
  id: string,
  revision: number,
  changer: Changer,
  by?: ScheduleManager,
): Promise<void> {
  const { catalog, overrides } = await onCallState(deps);
  refuseManaged(
    personTitle(id),
    personInFile(deps, id),
    catalog.people.find((p) => p.id === id),
    by,
  );
  refuseReferenced(personTitle(id), personReferences(catalog, overrides, id, new Date()));
  await answeringRefusals(() => deleteRuntimePerson(deps.models, id, revision, changer.actor));
  await deps.onCall.refresh();
}

function refuseReferenced(title: string, references: string[]): void {
  if (references.length > 0)
    throw new ConflictError(`${title} is named by ${references.join(', ')}: change those first`, {
      referencedBy: references,
    });
}

export async function personHistory(deps: Deps, id: string) {
  const changes = await peopleStore(deps.models).changes(deps.models, id);
  if (changes.length === 0 && !personInFile(deps, id)) throw new NotFoundError(`No person ${id}`);
  return changes.map((c) => ({ ...c, at: c.at.toISOString() }));
}

export async function listTeams(deps: Deps): Promise<TeamView[]> {
  return ((await onCallState(deps)).catalog.teams ?? []).map(teamView);
}

export async function getTeam(deps: Deps, id: string): Promise<TeamView> {
  const team = (await onCallState(deps)).catalog.teams?.find((t) => t.id === id);
  if (!team) throw new NotFoundError(`No team ${id}`);
  return teamView(team);
}

const teamTitle = (id: string) => `Team ${id}`;
const teamInFile = (deps: Deps, id: string) => (deps.onCall.file.teams ?? []).some((t) => t.id === id);

function refuseTeamProblems(catalog: OnCallCatalog, definition: TeamDefinition): void {
  refuseProblems(teamProblems(definition, catalog));
}

export async function createTeam(
  deps: Deps,
  input: TeamDefinition & { id: string },
  changer: Changer,
): Promise<TeamView> {
  const { id, ...definition } = input;
  refuseManaged(teamTitle(id), teamInFile(deps, id), undefined, definition.managedBy);
  refuseTeamProblems((await onCallState(deps)).catalog, definition);
  const made = await answeringRefusals(() =>
    teamStore(deps.models).create(deps.models, id, definition, changer.actor),
  );
  await deps.onCall.refresh();
  return teamView(made);
}

export async function replaceTeam(
  deps: Deps,
  id: string,
  input: TeamDefinition & { revision: number },
  changer: Changer,
): Promise<TeamView> {
  const { revision, ...definition } = input;
  const { catalog } = await onCallState(deps);
  refuseManaged(
    teamTitle(id),
    teamInFile(deps, id),
    catalog.teams?.find((t) => t.id === id),
    definition.managedBy,
  );
  refuseTeamProblems(catalog, definition);
  const changed = await answeringRefusals(() =>
    teamStore(deps.models).replace(deps.models, id, revision, definition, changer.actor),
  );
  await deps.onCall.refresh();
  return teamView(changed);
}

/** Deletes a stored team; refused while a policy pages it or a triage rule routes to it. */
export async function deleteTeam(
  deps: Deps,
  id: string,
  revision: number,
  changer: Changer,
  by?: ScheduleManager,
): Promise<void> {
  const { catalog } = await onCallState(deps);
  refuseManaged(
    teamTitle(id),
    teamInFile(deps, id),
    catalog.teams?.find((t) => t.id === id),
    by,
  );
  refuseReferenced(teamTitle(id), teamReferences(catalog, deps.triageRules, id));
  await answeringRefusals(() => teamStore(deps.models).remove(deps.models, id, revision, changer.actor));
  await deps.onCall.refresh();
}

export async function teamHistory(deps: Deps, id: string) {
  const changes = await teamStore(deps.models).changes(deps.models, id);
  if (changes.length === 0 && !teamInFile(deps, id)) throw new NotFoundError(`No team ${id}`);
  return changes.map((c) => ({ ...c, at: c.at.toISOString() }));
}
