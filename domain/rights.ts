// What a person may do, on which incidents: the rights the on-call catalog gives each person,
// which every surface (API keys, the web UI, Slack) checks the same way.

/** What an API key or a person may do; `admin` implies every other scope. */
export const apiScopes = [
  'alerts:write',
  'incidents:read',
  'incidents:write',
  'runbooks:run',
  'approvals:decide',
  'postmortems:write',
  'oncall:write',
  'admin',
] as const;
export type ApiScope = (typeof apiScopes)[number];

export const roles = ['observer', 'responder', 'admin'] as const;
export type Role = (typeof roles)[number];

/**
 * One right of a person: a role on the incidents of some teams or services.
 * Absent `teams` and `services` = every incident; with either, incidents of
 * any team or service listed.
 */
export interface PersonRight {
  role: Role;
  teams?: string[];
  services?: string[];
}

/** A person as far as rights go: domain/oncall.ts's Person is one. */
export interface RightsHolder {
  id: string;
  name: string;
  rights?: PersonRight[];
}

/** The scopes each role gives. */
export const roleScopes: Record<Role, readonly ApiScope[]> = {
  observer: ['incidents:read'],
  responder: ['incidents:read', 'incidents:write', 'runbooks:run', 'approvals:decide', 'postmortems:write'],
  admin: ['admin'],
};

/** The rights of a person the catalog gives none: an observer, who reads only. */
const noRights: readonly PersonRight[] = [{ role: 'observer' }];

export function rightsOf(person: RightsHolder): readonly PersonRight[] {
  return person.rights && person.rights.length > 0 ? person.rights : noRights;
}

export function personById<P extends { id: string }>(catalog: { people: P[] }, id: string): P | undefined {
  return catalog.people.find((p) => p.id === id);
}

/** Whether `scopes` grant `scope` (`admin` grants every scope). */
export function grants(scopes: readonly ApiScope[], scope: ApiScope): boolean {
  return scopes.includes(scope) || scopes.includes('admin');
}

/** Every scope the person holds on some incident. */
export function scopesOf(person: RightsHolder): ApiScope[] {
  return [...new Set(rightsOf(person).flatMap((r) => roleScopes[r.role]))];
}

/** The incident an action is on, as far as rights go. */
export interface RightsScope {
  service: string;
  team: string;
  /** Names the incident in a refusal. */
  incidentId?: string;
}

function covers(right: PersonRight, where: RightsScope): boolean {
  if (right.teams === undefined && right.services === undefined) return true;
  return (right.teams ?? []).includes(where.team) || (right.services ?? []).includes(where.service);
}

function rightText(right: PersonRight): string {
  const on = [
    ...(right.teams ?? []).map((t) => `team ${t}`),
    ...(right.services ?? []).map((s) => `service ${s}`),
  ];
  return on.length > 0 ? `${right.role} of ${on.join(', ')}` : `${right.role} of every incident`;
}

function personText(person: RightsHolder): string {
  return person.name && person.name !== person.id ? `${person.name} (${person.id})` : person.id;
}

function theirRights(person: RightsHolder): string {
  return person.rights?.length
    ? `their rights: ${rightsOf(person).map(rightText).join('; ')}`
    : 'the on-call catalog gives them no rights, so they only read';
}

/** Undefined when the person holds `scope` on some incident; otherwise why not. */
export function mayUse(person: RightsHolder, scope: ApiScope): string | undefined {
  if (grants(scopesOf(person), scope)) return undefined;
  return `${personText(person)} may not use ${scope} (${theirRights(person)})`;
}

/**
 * Undefined when the person may use `scope` on the incident; otherwise why
 * not, naming the person, their rights and the incident's team and service.
 */
export function mayActOn(person: RightsHolder, scope: ApiScope, where: RightsScope): string | undefined {
  const holding = rightsOf(person).filter((r) => grants(roleScopes[r.role], scope));
  if (holding.length === 0) return mayUse(person, scope);
  if (holding.some((r) => covers(r, where))) return undefined;
  const incident = `${where.incidentId ?? 'the incident'} (team ${where.team}, service ${where.service})`;
  return `${personText(person)} may not use ${scope} on ${incident} (${theirRights(person)})`;
}

/** The first person the catalog makes an admin of every incident: who a development key acts as. */
export function firstAdmin<P extends RightsHolder>(catalog: { people: P[] }): P | undefined {
  return catalog.people.find((p) =>
    (p.rights ?? []).some((r) => r.role === 'admin' && r.teams === undefined && r.services === undefined),
  );
}

/** Whether two lists of rights give the same roles on the same teams and services, in the same order. */
export function sameRights(a: readonly PersonRight[] = [], b: readonly PersonRight[] = []): boolean {
  const key = (r: PersonRight) =>
    JSON.stringify([
      r.role,
      r.teams ? [...r.teams].sort() : null,
      r.services ? [...r.services].sort() : null,
    ]);
  return a.length === b.length && a.every((r, i) => key(r) === key(b[i]!));
}
