import type { Request, RequestHandler, Response } from 'express';
import { HttpError, ValidationError } from '../errors';
import type { FormState } from './views';

/** The form fields of a POST, as sent. */
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
