import express, { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { NotFoundError } from '../../errors';
import { scheduleIdPattern } from '../../oncall/schedule-body';
import { changerOf, type Changer, type StoredKindDeps } from '../../oncall/stored-kind';
import { formAction, formAsBody, formBody, rowsSent } from '../form-action';
import type { FormState } from '../views';
import type { PageKit } from './kit';

/** What a page shows after a refusal: the form as typed, why, and the rows it had. */
export interface ShowExtra {
  form?: FormState;
  notice?: string;
  status?: number;
  sent?: Record<string, unknown>;
}

/**
 * The editor of one kind of the on-call model made at run time (schedules,
 * escalation policies): its form's repeated group (`layers.<row>.…`), how the
 * form becomes the API's body and a refusal's field the form's, the API's
 * schemas and service, and how its page is shown.
 */
export interface ModelEditor<New extends z.ZodType, Change extends z.ZodType> {
  /** `/ui/schedules` */
  base: string;
  /** `schedule`: the form's name, and the noun of a 404. */
  form: string;
  noun: string;
  group: { name: string; fields: number; max: number };
  fromForm: (
    body: Record<string, unknown>,
    rows: number,
  ) => { value: Record<string, unknown>; rows: number[] };
  fieldOf: (field: string, rows: number[]) => string;
  schemas: { create: New; change: Change };
  service: {
    create(deps: StoredKindDeps, input: z.output<New>, changer: Changer): Promise<{ id: string }>;
    replace(deps: StoredKindDeps, id: string, input: z.output<Change>, changer: Changer): Promise<unknown>;
    remove(deps: StoredKindDeps, id: string, revision: number, changer: Changer): Promise<void>;
  };
  notices: { created: string; saved: string };
  /** Where a delete lands: the On call page, with its notice. */
  deleted: string;
  show: (kit: PageKit, res: Response, id: string | undefined, extra: ShowExtra) => Promise<void>;
}

/** Rows a sent form had of the editor's group. */
export const sentRows = (
  editor: Pick<ModelEditor<z.ZodType, z.ZodType>, 'group'>,
  body: Record<string, unknown>,
) => rowsSent(body, editor.group.name, editor.group.max);

/**
 * The editor's routes: `new` and its POST, the page and its POST (a change
 * with the revision read), and delete, each through the API's schema and
 * service, a refusal shown on the form with what was typed.
 */
export function modelEditorRoutes<New extends z.ZodType, Change extends z.ZodType>(
  kit: PageKit,
  editor: ModelEditor<New, Change>,
): Router {
  const router = Router();
  const { deps } = kit;
  // Fields per row of the repeated group: more than the kit's form parser takes.
  const parser = express.urlencoded({
    extended: false,
    limit: '64kb',
    parameterLimit: editor.group.fields * editor.group.max + 8,
  });
  const idOf = (req: Request) => {
    const id = String(req.params.id);
    if (!scheduleIdPattern.test(id)) throw new NotFoundError(`No ${editor.noun} ${id}`);
    return id;
  };
  const checked = <S extends z.ZodType>(schema: S, body: Record<string, unknown>) =>
    formAsBody(schema, () => editor.fromForm(body, sentRows(editor, body)), editor.fieldOf);
  const rerender =
    (id: (req: Request) => string | undefined) =>
    (req: Request, res: Response, form: FormState, status: number) =>
      editor.show(kit, res, id(req), { form, status, sent: formBody(req) });
  const path = (id: string) => `${editor.base}/${encodeURIComponent(id)}`;

  router.get(`${editor.base}/new`, ...kit.read, kit.may('oncall:write'), async (_req, res) => {
    await editor.show(kit, res, undefined, {});
  });

  router.post(
    editor.base,
    parser,
    ...kit.post,
    kit.may('oncall:write'),
    formAction({
      form: () => editor.form,
      rerender: rerender(() => undefined),
      act: async (req, res) => {
        const { input, named } = checked(editor.schemas.create, formBody(req));
        const made = await editor.service.create(deps, input, changerOf(deps, res)).catch((err: unknown) => {
          throw named(err);
        });
        return `${path(made.id)}?done=created`;
      },
    }),
  );

  router.get(`${editor.base}/:id`, ...kit.read, async (req, res) => {
    const done = req.query.done;
    const notice = done === 'created' || done === 'saved' ? editor.notices[done] : undefined;
    await editor.show(kit, res, idOf(req), notice ? { notice } : {});
  });

  router.post(
    `${editor.base}/:id`,
    parser,
    ...kit.post,
    kit.may('oncall:write'),
    formAction({
      form: () => editor.form,
      rerender: rerender((req) => String(req.params.id)),
      act: async (req, res) => {
        const id = idOf(req);
        const { input, named } = checked(editor.schemas.change, formBody(req));
        await editor.service.replace(deps, id, input, changerOf(deps, res)).catch((err: unknown) => {
          throw named(err);
        });
        return `${path(id)}?done=saved`;
      },
    }),
  );

  router.post(
    `${editor.base}/:id/delete`,
    ...kit.post,
    kit.may('oncall:write'),
    formAction({
      form: () => 'delete',
      rerender: rerender((req) => String(req.params.id)),
      act: async (req, res) => {
        const id = idOf(req);
        const revision = Number(formBody(req).revision);
        await editor.service.remove(
          deps,
          id,
          Number.isInteger(revision) ? revision : 0,
          changerOf(deps, res),
        );
        return editor.deleted;
      },
    }),
  );

  return router;
}
