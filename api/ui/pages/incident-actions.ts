import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { runbookMetas } from '../../../runbooks';
import { incidentIdPattern } from '../../../workflows/incident/ids';
import { incidentActionList, type IncidentAction, type IncidentActionId } from '../../actions/catalog';
import { unwrapped } from '../../actions/fields';
import { checkedBy, runAction } from '../../actions/run';
import type { ApiDeps } from '../../deps';
import { HttpError, NotFoundError } from '../../errors';
import { actingOf } from '../../identity';
import { readIncident } from '../../incidents/service';
import { formAction, formBody } from '../form-action';
import type { FormState } from '../views';
import { paramsFromForm } from '../views/runbook-form';
import type { PageKit } from './kit';

/** Renders the incident page again with a refused form, with the refusal's HTTP status. */
export type RenderIncident = (
  req: Request,
  res: Response,
  id: string,
  form: FormState,
  status: number,
) => Promise<void>;

/** The notice a `?done=` names, if it names one of the catalog's. */
export function doneNotice(query: Record<string, unknown>): string | undefined {
  if (query.done === 'declared') return 'You declared the incident: triage ran and its first level is paged.';
  return incidentActionList.find((a) => a.done === query.done)?.notice;
}

/** A same-site page to go back to after an action from a list (the list's own filters). */
export function listReturn(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/ui\/incidents(\?[A-Za-z0-9=&%+._-]{0,400})?$/.test(value)
    ? value
    : undefined;
}

/**
 * A form's fields as the action's input: text trimmed, an empty field left
 * out (an optional field is then absent, a required one refused), a number
 * field read as a number. The catalog's schema checks the result.
 */
export function formInput(schema: z.ZodObject, body: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.shape)) {
    const raw = body[name];
    const value = typeof raw === 'string' ? raw.trim() : undefined;
    if (value === undefined || value === '') continue;
    const n = Number(value);
    input[name] = unwrapped(field as z.ZodType).def.type === 'number' && Number.isFinite(n) ? n : value;
  }
  return input;
}

/** Where the form's input needs more than its fields: what the web UI sends for these actions. */
const formInputs: Partial<
  Record<IncidentActionId, (deps: ApiDeps, id: string, body: Record<string, unknown>) => Promise<unknown>>
> = {
  // The form sends every field; only what changed goes to the workflow, so the timeline names just that.
  edit: async (deps, id, body) => {
    const fields = formInput(incidentActionList.find((a) => a.id === 'edit')!.input, body);
    const current = (await readIncident(deps, id)) as unknown as Record<string, unknown>;
    const changes = Object.fromEntries(Object.entries(fields).filter(([name, v]) => current[name] !== v));
    if (Object.keys(changes).length === 0) throw new HttpError(400, 'validation_failed', 'Nothing changed.');
    return changes;
  },
  // A runbook's parameters are `param.<name>` fields, typed by its schema.
  startRunbook: async (_deps, _id, body) => {
    const meta = runbookMetas().find((m) => m.id === body.runbookId);
    return { runbookId: body.runbookId, params: meta ? paramsFromForm(meta, body) : {} };
  },
};

/** The form an action's refusal is shown on: one per action, one per run or runbook where there are several. */
function formName(action: IncidentAction & { id: IncidentActionId }, req: Request): string {
  if (action.id === 'startRunbook') {
    const runbookId = formBody(req).runbookId;
    return `runbook:${typeof runbookId === 'string' ? runbookId : ''}`;
  }
  if (action.id === 'cancelRunbook') return `cancel:${String(req.params.runId)}`;
  if (action.id === 'approve' || action.id === 'reject') return `decide:${String(req.params.approvalId)}`;
  return action.name;
}

/** Where the browser goes after the action: the list it came from, or the incident with the notice. */
function afterAction(
  action: IncidentAction,
  id: string,
  req: Request,
  done: { approvalId?: unknown },
): string {
  if (action.target.shape.approvalId) {
    const outcome = action.done;
    const query = new URLSearchParams({ decided: String(done.approvalId), outcome });
    return `/ui/incidents/${encodeURIComponent(id)}?${query.toString()}`;
  }
  const back = listReturn(formBody(req).next);
  if (back) {
    // The board reads MongoDB, which may lag the workflow by a moment: it shows this one live.
    const url = new URL(back, 'http://ui.invalid');
    url.searchParams.set('acted', id);
    url.searchParams.set('done', action.done);
    return `${url.pathname}${url.search}`;
  }
  return `/ui/incidents/${encodeURIComponent(id)}?done=${action.done}`;
}

/**
 * The incident page's actions, one form POST per catalog action with the CSRF
 * token: the same scope, schemas, Update and validator as the JSON API's
 * route, with the key's person acting. Success redirects (303) with a
 * notice; a refusal renders the page again with the reason and what was typed.
 */
export function incidentActionRoutes(kit: PageKit, render: RenderIncident): Router {
  const router = Router();
  for (const action of incidentActionList) {
    const path = `/ui/incidents/:id/${action.uiPath ?? action.name}`;
    router.post(
      path,
      ...kit.post,
      kit.may(action.scope),
      formAction({
        form: (req) => formName(action, req),
        // `body.params.x` from the runbook's parameter check is the form's `param.x`.
        formField: (field) => field.replace(/^body\.params\./, 'param.'),
        rerender: (req, res, refused, status) => render(req, res, String(req.params.id), refused, status),
        act: async (req, res) => {
          const { id, ...target } = req.params as Record<string, string>;
          if (!incidentIdPattern.test(id!)) throw new NotFoundError(`No incident ${id}`);
          // A path that names no approval or run of this shape names nothing there is.
          try {
            checkedBy(action.target, target);
          } catch {
            throw new NotFoundError(`No ${Object.keys(target).join(' ')} ${Object.values(target).join(' ')}`);
          }
          const body = formBody(req);
          const input = await (formInputs[action.id]?.(kit.deps, id!, body) ?? formInput(action.input, body));
          await runAction(
            kit.deps,
            action,
            { incidentId: id!, target, input },
            actingOf(res, kit.deps.onCall.catalog),
          );
          return afterAction(action, id!, req, target);
        },
      }),
    );
  }
  return router;
}
