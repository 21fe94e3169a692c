import type { z } from 'zod';
import type { IncidentAccess } from '../auth';
import type { ApiDeps } from '../deps';
import { fieldErrorsFrom, ValidationError } from '../errors';
import type { ActionCall, IncidentAction } from './catalog';

/** What a surface has for one action, before the catalog's schemas check it. */
export interface UncheckedCall {
  incidentId: string;
  actor: string;
  via?: string;
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
 * Runs a catalog action for a surface other than the JSON API (which checks
 * through `validated`); answers the checked call, for the surface's reply.
 */
export async function runAction(
  deps: ApiDeps,
  action: IncidentAction,
  call: UncheckedCall,
  access: IncidentAccess,
): Promise<ActionCall<Record<string, unknown>, Record<string, unknown>>> {
  const target = checkedBy(action.target, call.target);
  const input = checkedBy(action.input, call.input);
  const checked = { ...call, target, input };
  await action.run(deps, checked, access);
  return checked;
}
