import type { z } from 'zod';
import type { ApiDeps } from '../deps';
import { fieldErrorsFrom, ValidationError } from '../errors';
import { accessFor, requireScopeOf, type Acting } from '../identity';
import type { ActionCall, IncidentAction } from './catalog';

/** What a surface has for one action, before the catalog's schemas check it. */
export interface UncheckedCall {
  incidentId: string;
  target: Record<string, unknown>;
  input: unknown;
}

/**
 * `value` checked by `schema`; otherwise a 400 naming each bad field, under
 * `location` when the surface names fields so (`body` gives `body.note`).
 */
export function checkedBy<S extends z.ZodType>(schema: S, value: unknown, location?: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ValidationError(fieldErrorsFrom(parsed.error, location));
}

/**
 * Runs a catalog action as a person, for every surface (the JSON API, the web
 * UI, Slack): the one rights check (the action's scope, by the key and the
 * person's rights, then the person's rights on the incident's team and
 * service once it is loaded), the input checked by the catalog's schemas.
 * Answers the checked call, for the surface's reply.
 */
export async function runAction(
  deps: ApiDeps,
  action: IncidentAction,
  call: UncheckedCall,
  acting: Acting,
): Promise<{ call: ActionCall<Record<string, unknown>, Record<string, unknown>>; result: unknown }> {
  requireScopeOf(acting, action.scope);
  const target = checkedBy(action.target, call.target);
  const input = checkedBy(action.input, call.input);
  const checked = {
    incidentId: call.incidentId,
    actor: acting.actor,
    ...(acting.via ? { via: acting.via } : {}),
    target,
    input,
  };
  const result = await action.run(deps, checked, accessFor(acting, action.scope));
  return { call: checked, result };
}
