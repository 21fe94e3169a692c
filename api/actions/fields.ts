import { z } from 'zod';
import { incidentIdPattern } from '../../workflows/incident/ids';
import { approvalIdPattern, runbookRunIdPattern } from '../../workflows/runbook/ids';

// The input fields of incident actions, each with its limit and the words every surface
// (JSON API, web UI, Slack) uses to refuse what exceeds it.

/** Free text of at most `max` characters, trimmed; `missing` is what an absent or empty value is told. */
export function text(max: number, missing = 'must not be empty') {
  return z.string({ error: missing }).trim().min(1, missing).max(max, `must be at most ${max} characters`);
}

/** Who acts, when an admin key acts for a catalog person (the JSON API only; api/identity.ts checks the catalog). */
export const actorField = z
  .string()
  .regex(/^[A-Za-z0-9._@-]{1,100}$/, 'must be 1-100 letters, digits, . _ @ -')
  .describe(
    'admin keys only: the id of the on-call catalog person the action is taken for; their rights apply',
  )
  .optional();

export const incidentIdField = z
  .string()
  .regex(incidentIdPattern, 'must be an incident id like INC-0123456789AB');
export const approvalIdField = z.string().regex(approvalIdPattern, 'must be an approval id');
export const runbookRunIdField = z.string().regex(runbookRunIdPattern, 'must be a runbook run id');

/** The longest snooze, in seconds. */
export const SNOOZE_MAX_SECONDS = 7 * 24 * 3600;

export const snoozeSeconds = z
  .number({ error: 'choose how long' })
  .int('choose how long')
  .min(1, 'choose how long')
  .max(SNOOZE_MAX_SECONDS, `must be at most ${SNOOZE_MAX_SECONDS} seconds (7 days)`);

/**
 * The longest value a string or number field takes, for the forms' `maxlength`
 * and for tests that send one more: undefined when the field has no maximum.
 */
export function fieldMaximum(field: z.ZodType): number | undefined {
  const inner = unwrapped(field);
  if (inner instanceof z.ZodString) return inner.maxLength ?? undefined;
  if (inner instanceof z.ZodNumber) return inner.maxValue ?? undefined;
  return undefined;
}

/** The field without its optional, default or nullable wrappers. */
export function unwrapped(field: z.ZodType): z.ZodType {
  let inner = field;
  while (
    inner instanceof z.ZodOptional ||
    inner instanceof z.ZodDefault ||
    inner instanceof z.ZodNullable ||
    inner instanceof z.ZodPrefault
  ) {
    inner = inner.unwrap() as z.ZodType;
  }
  return inner;
}
