import type { UpdateDefinition } from '@temporalio/client';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { incidentSeverities } from '../../domain/incident';
import { checkRunbookParams } from '../../infra/runbook-params';
import { runbookMetas } from '../../runbooks';
import { incidentIdPattern } from '../../workflows/incident/ids';
import {
  type IncidentActionInput,
  acknowledgeUpdate,
  addNoteUpdate,
  claimCommanderUpdate,
  escalateUpdate,
  patchIncidentUpdate,
  resolveUpdate,
  snoozeUpdate,
  startRunbookUpdate,
} from '../../workflows/incident/messages';
import { runbookRunIdPattern } from '../../workflows/runbook/ids';
import { actorFor, incidentAccess } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError, NotFoundError, ValidationError } from '../errors';
import { cancelRunbookRun, readIncident, updateIncident } from '../incidents/service';
import type { FormState } from './views';
import { FORM_LIMITS } from './views/incident-actions';
import { paramsFromForm } from './views/runbook-form';

/** What an action answers with on success: a fixed notice (never text from the request). */
export const DONE_NOTICES = {
  acknowledged: 'You acknowledged the incident: escalation stopped.',
  resolved: 'You resolved the incident.',
  snoozed: 'You snoozed the incident.',
  escalated: 'You escalated the incident to the next level.',
  noted: 'Your note is on the timeline.',
  edited: 'Your changes are saved.',
  'runbook-started': 'The runbook started: see its run below.',
  'runbook-cancelled': 'The runbook run is being cancelled; its compensations run first.',
  'commander-claimed': 'You are the incident commander.',
} as const;
export type DoneNotice = keyof typeof DONE_NOTICES;

/** The notice a `?done=` names, if it names one. */
export function doneNotice(query: Record<string, unknown>): string | undefined {
  return typeof query.done === 'string' && Object.hasOwn(DONE_NOTICES, query.done)
    ? DONE_NOTICES[query.done as DoneNotice]
    : undefined;
}

/** Renders the incident page again with a refused form, with the refusal's HTTP status. */
export type RenderIncident = (
  req: Request,
  res: Response,
  id: string,
  form: FormState,
  status: number,
) => Promise<void>;

/** A same-site page to go back to after an action from a list (the list's own filters). */
export function listReturn(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/ui\/incidents(\?[A-Za-z0-9=&%+._-]{0,400})?$/.test(value)
    ? value
    : undefined;
}

const optionalText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .transform((v) => v.trim() || undefined)
    .optional();

/**
 * The web UI's actions on an incident: each a form POST with the CSRF token,
 * checked by the same scope, Update and validator as the JSON API's route, with
 * the key's name as the actor. Success redirects to the page (303) with a
 * notice; a refusal (409 already acknowledged, 403 not allowed) or invalid
 * fields render the page again with the reason and what was typed.
 */
export function respondRoutes(
  deps: ApiDeps,
  steps: { before: RequestHandler[]; mayWrite: RequestHandler; mayRun: RequestHandler },
  render: RenderIncident,
): Router {
  const router = Router();

  const route = (
    path: string,
    scope: RequestHandler,
    form: (req: Request) => string,
    act: (id: string, body: Record<string, unknown>, res: Response, req: Request) => Promise<DoneNotice>,
  ) =>
    router.post(`/ui/incidents/:id/${path}`, ...steps.before, scope, async (req, res) => {
      const id = req.params.id as string;
      if (!incidentIdPattern.test(id)) throw new NotFoundError(`No incident ${id}`);
      const body = (req.body ?? {}) as Record<string, unknown>;
      let done: DoneNotice;
      try {
        done = await act(id, body, res, req);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status >= 500 || err.status === 401) throw err;
        await render(req, res, id, refusedForm(form(req), body, err), err.status);
        return;
      }
      const back = listReturn(body.next);
      if (back) {
        // The board reads MongoDB, which may lag the workflow by a moment: it shows this one live.
        const url = new URL(back, 'http://ui.invalid');
        url.searchParams.set('acted', id);
        url.searchParams.set('done', done);
        res.redirect(303, `${url.pathname}${url.search}`);
        return;
      }
      res.redirect(303, `/ui/incidents/${encodeURIComponent(id)}?done=${done}`);
    });

  /** An Update on the incident with the form's fields, as the JSON API runs it. */
  const update =
    <Arg extends IncidentActionInput, Ret>(
      definition: UpdateDefinition<Ret, [Arg]>,
      done: DoneNotice,
      fields: (
        body: Record<string, unknown>,
        id: string,
      ) => Promise<Omit<Arg, keyof IncidentActionInput>> | Omit<Arg, keyof IncidentActionInput>,
    ) =>
    async (id: string, body: Record<string, unknown>, res: Response): Promise<DoneNotice> => {
      const input = { ...(await fields(body, id)), incidentId: id, actor: actorFor(res, undefined) } as Arg;
      await updateIncident(deps, definition, input, incidentAccess(res));
      return done;
    };

  const parse = <T extends z.ZodType>(schema: T, body: Record<string, unknown>): z.output<T> => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      // The form's own field names: the page shows each message next to its field.
      throw new ValidationError(
        parsed.error.issues.map((issue) => ({
          field: issue.path.map(String).join('.'),
          message: issue.message,
        })),
      );
    }
    return parsed.data;
  };

  route(
    'acknowledge',
    steps.mayWrite,
    () => 'acknowledge',
    update(acknowledgeUpdate, 'acknowledged', () => ({})),
  );
  route(
    'resolve',
    steps.mayWrite,
    () => 'resolve',
    update(resolveUpdate, 'resolved', (body) =>
      parse(z.object({ note: optionalText(FORM_LIMITS.resolution) }), body),
    ),
  );
  route(
    'snooze',
    steps.mayWrite,
    () => 'snooze',
    update(snoozeUpdate, 'snoozed', (body) =>
      parse(
        z.object({
          durationSeconds: z.coerce
            .number({ message: 'choose how long' })
            .int('choose how long')
            .min(1, 'choose how long')
            .max(7 * 24 * 3600, 'at most 7 days'),
        }),
        body,
      ),
    ),
  );
  route(
    'escalate',
    steps.mayWrite,
    () => 'escalate',
    update(escalateUpdate, 'escalated', (body) =>
      parse(z.object({ reason: optionalText(FORM_LIMITS.reason) }), body),
    ),
  );
  route(
    'commander',
    steps.mayWrite,
    () => 'commander',
    update(claimCommanderUpdate, 'commander-claimed', () => ({})),
  );
  route(
    'notes',
    steps.mayWrite,
    () => 'note',
    update(addNoteUpdate, 'noted', (body) =>
      parse(
        z.object({
          text: z
            .string({ message: 'write the note' })
            .trim()
            .min(1, 'write the note')
            .max(FORM_LIMITS.note, `must be at most ${FORM_LIMITS.note} characters`),
        }),
        body,
      ),
    ),
  );
  route(
    'edit',
    steps.mayWrite,
    () => 'edit',
    update(patchIncidentUpdate, 'edited', async (body, id) => {
      const fields = parse(
        z.object({
          severity: z.enum(incidentSeverities, { message: 'choose a severity' }),
          title: z
            .string()
            .trim()
            .min(1, 'the title cannot be empty')
            .max(FORM_LIMITS.title, `must be at most ${FORM_LIMITS.title} characters`),
          commander: optionalText(FORM_LIMITS.commander),
        }),
        body,
      );
      // Only what changed goes to the workflow, so the timeline names just that.
      const current = await readIncident(deps, id);
      const changes = {
        ...(fields.severity !== current.severity ? { severity: fields.severity } : {}),
        ...(fields.title !== current.title ? { title: fields.title } : {}),
        ...(fields.commander !== undefined && fields.commander !== current.commander
          ? { commander: fields.commander }
          : {}),
      };
      if (Object.keys(changes).length === 0)
        throw new HttpError(400, 'validation_failed', 'Nothing changed.');
      return changes;
    }),
  );

  route(
    'runbooks',
    steps.mayRun,
    (req) => {
      const runbookId = (req.body as Record<string, unknown> | undefined)?.runbookId;
      return `runbook:${typeof runbookId === 'string' ? runbookId : ''}`;
    },
    async (id, body, res) => {
      const meta = runbookMetas().find((m) => m.id === body.runbookId);
      if (!meta) throw new NotFoundError(`No runbook ${String(body.runbookId)}`);
      const params = paramsFromForm(meta, body);
      const problems = checkRunbookParams(meta, params);
      if (problems.length > 0) {
        // `params.badRelease` → the form field `param.badRelease`.
        throw new ValidationError(
          problems.map((p) => ({ field: p.field.replace(/^params\./, 'param.'), message: p.message })),
        );
      }
      await updateIncident(
        deps,
        startRunbookUpdate,
        { incidentId: id, actor: actorFor(res, undefined), runbookId: meta.id, params },
        incidentAccess(res),
      );
      return 'runbook-started';
    },
  );

  route(
    'runbooks/:runId/cancel',
    steps.mayRun,
    (req) => `cancel:${String(req.params.runId)}`,
    async (id, _body, res, req) => {
      const runId = req.params.runId as string;
      if (!runbookRunIdPattern.test(runId)) throw new NotFoundError(`No runbook run ${runId}`);
      await cancelRunbookRun(deps, id, runId, incidentAccess(res));
      return 'runbook-cancelled';
    },
  );

  return router;
}

/** The refused form with what was typed and why, field by field where the refusal names fields. */
export function refusedForm(form: string, body: Record<string, unknown>, err: HttpError): FormState {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string' && name !== '_csrf') values[name] = value;
  }
  if (err instanceof ValidationError && err.fields.length > 0) {
    return { form, values, errors: Object.fromEntries(err.fields.map((f) => [f.field, f.message])) };
  }
  return { form, values, problem: err.message };
}
