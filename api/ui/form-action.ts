import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { checkedBy } from '../actions/run';
import { HttpError, ValidationError } from '../errors';
import type { FormState } from './views';

/** The form fields of a POST, as sent. */
/** A form field as typed, trimmed; undefined when left empty (or not text), as the API takes an absent field. */
export function filledText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function formBody(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

/**
 * The web UI's one way to handle a form: `act` runs the action and answers
 * where to go next (a 303 redirect there), or nothing when it answered itself.
 * A refusal the person can mend (invalid fields, 409 already acknowledged,
 * 403 not allowed, 404) renders the page again through `rerender`, with what
 * was typed, why, and the refusal's status; other errors go to the error page.
 */
export function formAction(options: {
  /** Which form of the page was sent (`resolve`, `cancel:<runId>`): its refusal is shown on it. */
  form: (req: Request) => string;
  act: (req: Request, res: Response) => Promise<string | undefined>;
  rerender: (req: Request, res: Response, refused: FormState, status: number) => Promise<void>;
  /** Field names of a refusal, as the form names them. */
  formField?: (field: string) => string;
}): RequestHandler {
  return async (req, res) => {
    let next: string | undefined;
    try {
      next = await options.act(req, res);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500 || err.status === 401) throw err;
      const refused = refusedForm(options.form(req), formBody(req), err, options.formField);
      await options.rerender(req, res, refused, err.status);
      return;
    }
    if (next !== undefined) res.redirect(303, next);
  };
}

/** The refused form with what was typed and why, field by field where the refusal names fields. */
export function refusedForm(
  form: string,
  body: Record<string, unknown>,
  err: HttpError,
  formField: (field: string) => string = (field) => field,
): FormState {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string' && name !== '_csrf') values[name] = value;
  }
  if (err instanceof ValidationError && err.fields.length > 0) {
    const errors = Object.fromEntries(err.fields.map((f) => [formField(f.field), f.message]));
    return { form, values, errors };
  }
  return { form, values, problem: err.message };
}

/** Rows a sent form had of a repeated group (`layers.3.name` → 4): the highest row it names, at most `max`. */
export function rowsSent(body: Record<string, unknown>, group: string, max: number): number {
  const pattern = new RegExp(`^${group}\\.(\\d+)\\.`);
  const rows = Object.keys(body).flatMap((k) => pattern.exec(k)?.[1] ?? []);
  return Math.min(max, Math.max(0, ...rows.map((r) => Number(r) + 1)));
}

/**
 * A form read as the API's body (`fromForm`), then checked by the API's
 * schema; a refusal, here or by the service afterwards (`named`), names the
 * form's fields (`fieldOf` maps `body.layers.1.start` to the row it came from).
 */
export function formAsBody<S extends z.ZodType>(
  schema: S,
  fromForm: () => { value: Record<string, unknown>; rows: number[] },
  fieldOf: (field: string, rows: number[]) => string,
): { input: z.output<S>; named: (err: unknown) => unknown } {
  const { value, rows } = fromForm();
  const named = (err: unknown) =>
    err instanceof ValidationError
      ? new ValidationError(err.fields.map((f) => ({ ...f, field: fieldOf(f.field, rows) })))
      : err;
  try {
    return { input: checkedBy(schema, value, 'body'), named };
  } catch (err) {
    throw named(err);
  }
}
