import express, { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { NotFoundError } from '../../errors';
import {
  newScheduleBody,
  scheduleChangeBody,
  SCHEDULE_LIMITS,
  scheduleIdPattern,
} from '../../oncall/schedule-body';
import { scheduleIn, schedules } from '../../oncall/schedules';
import { changerOf } from '../../oncall/stored-kind';
import { onCallState, timelineIn } from '../../oncall/service';
import { formAction, formAsBody, formBody, rowsSent } from '../form-action';
import { formFieldOf, LAYER_FIELDS, layersToForm, scheduleFromForm } from '../schedule-form';
import { type FormState } from '../views';
import { scheduleEditorPage } from '../views/schedule-editor';
import { pageContext, sendPage, type PageKit, type UiPage } from './kit';

const TIMELINE_DAYS = 14;
const NOTICES = {
  created: 'The schedule is made: policies that name it page from it at their next level.',
  saved: 'Saved: the next page from this schedule follows it, open incidents included.',
} as const;

/** Layer rows the form offers: the layers, and one more to add (two for a new schedule). */
const rowsFor = (layers: number) => Math.min(SCHEDULE_LIMITS.layers, layers + 1);
const rowsOf = (body: Record<string, unknown>) => rowsSent(body, 'layers', SCHEDULE_LIMITS.layers);

const timeZones = (() => {
  let zones: string[] | undefined;
  return () => (zones ??= Intl.supportedValuesOf('timeZone'));
})();

async function showSchedule(
  kit: PageKit,
  res: Response,
  id: string | undefined,
  extra: { form?: FormState; notice?: string; status?: number; sent?: Record<string, unknown> } = {},
): Promise<void> {
  let schedule;
  let timeline;
  if (id !== undefined) {
    // One read of the run-time model serves the schedule and its timeline.
    const state = await onCallState(kit.deps);
    schedule = scheduleIn(state, id);
    const now = new Date();
    timeline = timelineIn(state, id, now, new Date(now.getTime() + TIMELINE_DAYS * 86_400_000));
  }
  // A refused schedule form shows what was typed; otherwise the schedule as stored.
  const values = (extra.form?.form === 'schedule' ? extra.form.values : undefined) ?? {
    ...(schedule
      ? { name: schedule.name, timeZone: schedule.timeZone, ...layersToForm(schedule.layers) }
      : {}),
  };
  const rows = Math.max(extra.sent ? rowsOf(extra.sent) : 0, schedule ? rowsFor(schedule.layers.length) : 2);
  const page = scheduleEditorPage(pageContext(res), {
    ...(schedule ? { schedule } : {}),
    ...(timeline ? { timeline } : {}),
    values,
    rows,
    people: kit.deps.onCall.catalog.people,
    timeZones: timeZones(),
    ...(extra.form ? { form: extra.form } : {}),
    ...(extra.notice ? { notice: extra.notice } : {}),
  });
  sendPage(res, page, extra.status);
}

/** The form as the API's body, checked by the API's schema; a refusal names the form's fields. */
const checkedForm = <S extends z.ZodType>(schema: S, body: Record<string, unknown>) =>
  formAsBody(schema, () => scheduleFromForm(body, rowsOf(body)), formFieldOf);

function scheduleParam(req: Request): string {
  const id = String(req.params.id);
  if (!scheduleIdPattern.test(id)) throw new NotFoundError(`No schedule ${id}`);
  return id;
}

/**
 * A schedule's page: its next two weeks drawn, and the editor of one made at
 * run time (layers, participant order, hand-off, restrictions), through the
 * same checks and service as the API.
 */
export const schedulesPage: UiPage = (kit) => {
  const router = Router();
  const { deps } = kit;
  // Seven fields per layer row: more than the kit's form parser takes.
  const parser = express.urlencoded({
    extended: false,
    limit: '64kb',
    parameterLimit: LAYER_FIELDS.length * SCHEDULE_LIMITS.layers + 8,
  });
  const rerender =
    (id: (req: Request) => string | undefined) =>
    (req: Request, res: Response, form: FormState, status: number) =>
      showSchedule(kit, res, id(req), { form, status, sent: formBody(req) });

  router.get('/ui/schedules/new', ...kit.read, kit.may('oncall:write'), async (_req, res) => {
    await showSchedule(kit, res, undefined);
  });

  router.post(
    '/ui/schedules',
    parser,
    ...kit.post,
    kit.may('oncall:write'),
    formAction({
      form: () => 'schedule',
      rerender: rerender(() => undefined),
      act: async (req, res) => {
        const { input, named } = checkedForm(newScheduleBody, formBody(req));
        const made = await schedules.create(deps, input, changerOf(deps, res)).catch((err: unknown) => {
          throw named(err);
        });
        return `/ui/schedules/${encodeURIComponent(made.id)}?done=created`;
      },
    }),
  );

  router.get('/ui/schedules/:id', ...kit.read, async (req, res) => {
    const done = req.query.done;
    const notice =
      typeof done === 'string' && Object.hasOwn(NOTICES, done)
        ? NOTICES[done as keyof typeof NOTICES]
        : undefined;
    await showSchedule(kit, res, scheduleParam(req), notice ? { notice } : {});
  });

  router.post(
    '/ui/schedules/:id',
    parser,
    ...kit.post,
    kit.may('oncall:write'),
    formAction({
      form: () => 'schedule',
      rerender: rerender((req) => String(req.params.id)),
      act: async (req, res) => {
        const id = scheduleParam(req);
        const { input, named } = checkedForm(scheduleChangeBody, formBody(req));
        await schedules.replace(deps, id, input, changerOf(deps, res)).catch((err: unknown) => {
          throw named(err);
        });
        return `/ui/schedules/${encodeURIComponent(id)}?done=saved`;
      },
    }),
  );

  router.post(
    '/ui/schedules/:id/delete',
    ...kit.post,
    kit.may('oncall:write'),
    formAction({
      form: () => 'delete',
      rerender: rerender((req) => String(req.params.id)),
      act: async (req, res) => {
        const id = scheduleParam(req);
        const revision = Number(formBody(req).revision);
        await schedules.remove(deps, id, Number.isInteger(revision) ? revision : 0, changerOf(deps, res));
        return '/ui/oncall?done=schedule-deleted';
      },
    }),
  );

  return router;
};
