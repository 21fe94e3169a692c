import type { RevisionStamp, RuntimePerson, RuntimeTeam } from '../domain/runtime-schedules';
import type { Models } from './models';
import { revisionedStore } from './runtime-model';

/** People made at run time (`oncall_people`), changed only with the revision they were read at. */
export const peopleStore = (models: Pick<Models, 'OnCallPeople'>) =>
  revisionedStore<Omit<RuntimePerson, 'id' | keyof RevisionStamp>>(models.OnCallPeople, 'person', 'person');

/** Teams made at run time (`oncall_teams`), changed as people are. */
export const teamStore = (models: Pick<Models, 'OnCallTeams'>) =>
  revisionedStore<Omit<RuntimeTeam, 'id' | keyof RevisionStamp>>(models.OnCallTeams, 'team', 'team');

/** Deletes a stored person at `revision`, and their contact methods: no phone number outlives its person. */
export async function deleteRuntimePerson(
  models: Pick<Models, 'OnCallPeople' | 'OnCallChanges' | 'RevisionClaims' | 'ContactMethods'>,
  id: string,
  revision: number,
  actor: string,
): Promise<void> {
  await peopleStore(models).remove(models, id, revision, actor);
  await models.ContactMethods.deleteOne({ _id: id });
}
