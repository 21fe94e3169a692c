import type { Response } from 'express';
import { userActor } from '../domain/actors';
import type { Incident } from '../domain/incident';
import type { OnCallCatalog, Person } from '../domain/oncall';
import { grants, mayActOn, mayUse, personById, type ApiScope } from '../domain/rights';
import type { Principal } from '../infra/api-keys';
import { allowsService, principalOf, serviceForbidden } from './auth';
import { HttpError, ValidationError } from './errors';

/**
 * Who acts: always a catalog person, whichever way they came (an API key
 * linked to them, the web UI signed in with one, Slack). The key's scopes and
 * services narrow the person's rights, never widen them.
 */
export interface Acting {
  person: Person;
  /** `user:<person id>`: what the timeline, the incident and approvals record. */
  actor: string;
  /** Where the person acted, when not the API or web UI: `Slack`. */
  via?: string;
  /** The key's scopes, when a key is how they came. */
  keyScopes?: ApiScope[];
  /** The only services the key may act on; undefined = any. */
  keyServices?: string[];
  /** The key's name, for refusals that concern the key. */
  keyName?: string;
}

/** The fix for a key that names no person, as refusals say it. */
const linkKeyHint =
  'create a key linked to a person: `fireline keys create --name <name> --person <person id> --scopes …`';

/**
 * Who a key acts as: the person it is linked to; an `admin` key (a chat-ops
 * bot, say) may name the catalog person it acts for (`onBehalfOf`, the body's
 * `actor`), whose rights then apply. A key linked to no person may post
 * alerts and read, never act on an incident.
 */
export function actingOfPrincipal(
  catalog: Pick<OnCallCatalog, 'people'>,
  principal: Principal,
  onBehalfOf?: string,
): Acting {
  const key = {
    keyScopes: principal.scopes,
    keyName: principal.name,
    ...(principal.services ? { keyServices: principal.services } : {}),
  };
  if (onBehalfOf !== undefined) {
    if (!principal.scopes.includes('admin'))
      throw new HttpError(403, 'forbidden', 'Only an admin key may act on behalf of someone (body.actor)');
    const person = personById(catalog, onBehalfOf);
    if (!person)
      throw new ValidationError([
        {
          field: 'body.actor',
          message: `${JSON.stringify(onBehalfOf)} is not a person in the on-call catalog`,
        },
      ]);
    return { person, actor: userActor(person.id), ...key };
  }
  if (principal.personId === undefined)
    throw new HttpError(
      403,
      'forbidden',
      `The key "${principal.name}" is linked to no person, so it may not act on incidents: ${linkKeyHint}`,
    );
  const person = personById(catalog, principal.personId);
  if (!person)
    throw new HttpError(
      403,
      'forbidden',
      `The key "${principal.name}" acts as ${principal.personId}, who is not in the on-call catalog: ${linkKeyHint}`,
    );
  return { person, actor: userActor(person.id), ...key };
}

/** actingOfPrincipal for the request's key (or the web UI session's). */
export function actingOf(res: Response, catalog: Pick<OnCallCatalog, 'people'>, onBehalfOf?: string): Acting {
  return actingOfPrincipal(catalog, principalOf(res), onBehalfOf);
}

/** The catalog person with this Slack member id, acting from Slack. */
export function actingOfSlackUser(
  catalog: Pick<OnCallCatalog, 'people'>,
  slackUserId: string,
): Acting | undefined {
  const person = catalog.people.find((p) => p.slackUserId === slackUserId);
  return person && { person, actor: userActor(person.id), via: 'Slack' };
}

/**
 * Refuses (403) what the acting person may not do anywhere, or what their
 * key's scopes do not allow: the check before an incident is loaded.
 */
export function requireScopeOf(acting: Acting, scope: ApiScope): void {
  if (acting.keyScopes && !grants(acting.keyScopes, scope))
    throw new HttpError(403, 'forbidden', `The key "${acting.keyName}" lacks the ${scope} scope`);
  const refusal = mayUse(acting.person, scope);
  if (refusal) throw new HttpError(403, 'forbidden', refusal);
}

/** The check every change to an existing incident makes once it has loaded the incident. */
export type IncidentAccess = (incident: Pick<Incident, 'incidentId' | 'service' | 'team'>) => void;

/**
 * The acting person's IncidentAccess for `scope`: their rights on the
 * incident's team and service, and their key's services. Reads are not restricted.
 */
export function accessFor(acting: Acting, scope: ApiScope): IncidentAccess {
  return (incident) => {
    if (acting.keyServices && !allowsService({ services: acting.keyServices }, incident.service))
      throw serviceForbidden(
        { services: acting.keyServices },
        incident.service,
        `the service of ${incident.incidentId}`,
      );
    const refusal = mayActOn(acting.person, scope, incident);
    if (refusal) throw new HttpError(403, 'forbidden', refusal);
  };
}
