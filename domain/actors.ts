// Who did something, as the timeline, the incident and the post-mortem name them.
import type { Integration } from './incident';

/** Fireline itself: escalations, SLA breaches, notifications. */
export const firelineActor = 'fireline';

/** A person, acting through the API, the CLI or the web UI: `user:alice`. */
export function userActor(name: string): string {
  return `user:${name}`;
}

/** An alert source: `integration:alertmanager`. */
export function integrationActor(integration: Integration): string {
  return `integration:${integration}`;
}

/** A runbook, signing what it records on the incident's timeline: `runbook:restart-service`. */
export function runbookActor(runbookId: string): string {
  return `runbook:${runbookId}`;
}

/** Fireline or an alert source: not a responder. */
export function isAutomatedActor(actor: string): boolean {
  return actor === firelineActor || actor.startsWith('integration:');
}

export function isRunbookActor(actor: string): boolean {
  return actor.startsWith('runbook:');
}

/** The incident's commander as an actor: `commander` names the person (`alice`), as PATCH and a claim store it. */
export function commanderActor(commander: string): string {
  return commander.startsWith('user:') ? commander : userActor(commander);
}

/** The person a commander actor names, as `commander` stores it (`user:dave` → `dave`). */
export function commanderOfActor(actor: string): string {
  return actor.startsWith('user:') ? actor.slice('user:'.length) : actor;
}

/** Who did something and from where, as the timeline says it: `user:dave (via Slack)`. */
export function actorVia(actor: string, via?: string): string {
  return via ? `${actor} (via ${via})` : actor;
}
