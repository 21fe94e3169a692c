// People and teams made at run time, beside the catalog file's (read-only here).
import type { Person, Team } from '../../domain/oncall';
import { sameRights } from '../../domain/rights';
import { personProblems, personReferences, teamProblems, teamReferences } from '../../domain/runtime-people';
import type { PersonDefinition, TeamDefinition } from '../../domain/runtime-schedules';
import { deleteRuntimePerson, peopleStore, teamStore } from '../../infra/runtime-people';
import { HttpError } from '../errors';
import { storedKindService } from './stored-kind';
import { type ManagedFields, managedFields } from './stored-objects';

export type PersonView = Omit<Person, 'rights' | 'channels'> &
  Required<Pick<Person, 'rights' | 'channels'>> &
  ManagedFields;
export type TeamView = Team & ManagedFields;

export const people = storedKindService<Person, PersonDefinition, PersonView>({
  noun: 'person',
  objects: (catalog) => catalog.people,
  view: (_deps, person) => {
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
  },
  problems: personProblems,
  references: ({ catalog, overrides }, _deps, id) => personReferences(catalog, overrides, id, new Date()),
  // Rights are given and changed by an admin only: whoever may edit the on-call model must not
  // be able to make someone (themselves included) an admin.
  refuseChange: (changer, stored, definition) => {
    if (!sameRights(stored?.rights, definition.rights) && !changer.admin)
      throw new HttpError(
        403,
        'forbidden',
        'Only an admin may give or change a person’s rights (body.rights)',
      );
  },
  create: (models, id, definition, actor) => peopleStore(models).create(models, id, definition, actor),
  replace: (models, id, revision, definition, actor) =>
    peopleStore(models).replace(models, id, revision, definition, actor),
  // Their contact methods go with them: no phone number outlives its person.
  remove: deleteRuntimePerson,
  changes: (models, id) => peopleStore(models).changes(models, id),
});

export const teams = storedKindService<Team, TeamDefinition, TeamView>({
  noun: 'team',
  objects: (catalog) => catalog.teams ?? [],
  view: (_deps, team) => ({ id: team.id, name: team.name, members: team.members, ...managedFields(team) }),
  problems: teamProblems,
  references: ({ catalog }, deps, id) => teamReferences(catalog, deps.triageRules, id),
  create: (models, id, definition, actor) => teamStore(models).create(models, id, definition, actor),
  replace: (models, id, revision, definition, actor) =>
    teamStore(models).replace(models, id, revision, definition, actor),
  remove: (models, id, revision, actor) => teamStore(models).remove(models, id, revision, actor),
  changes: (models, id) => teamStore(models).changes(models, id),
});
