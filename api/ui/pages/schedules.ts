import type { Response } from 'express';
import { newScheduleBody, scheduleChangeBody, SCHEDULE_LIMITS } from '../../oncall/schedule-body';
import { scheduleIn, schedules } from '../../oncall/schedules';
import { onCallState, timelineIn } from '../../oncall/service';
import { formFieldOf, LAYER_FIELDS, layersToForm, scheduleFromForm } from '../schedule-form';
import { scheduleEditorPage } from '../views/schedule-editor';
import { pageContext, sendPage, type PageKit, type UiPage } from './kit';
import { type ModelEditor, modelEditorRoutes, sentRows, type ShowExtra } from './model-editor';

const TIMELINE_DAYS = 14;

const editor: ModelEditor<typeof newScheduleBody, typeof scheduleChangeBody> = {
  base: '/ui/schedules',
  form: 'schedule',
  noun: 'schedule',
  group: { name: 'layers', fields: LAYER_FIELDS.length, max: SCHEDULE_LIMITS.layers },
  fromForm: scheduleFromForm,
  fieldOf: formFieldOf,
  schemas: { create: newScheduleBody, change: scheduleChangeBody },
  service: schedules,
  notices: {
    created: 'The schedule is made: policies that name it page from it at their next level.',
    saved: 'Saved: the next page from this schedule follows it, open incidents included.',
  },
  deleted: '/ui/oncall?done=schedule-deleted',
  show: showSchedule,
};

/** Layer rows the form offers: the layers, and one more to add (two for a new schedule). */
const rowsFor = (layers: number) => Math.min(SCHEDULE_LIMITS.layers, layers + 1);

const timeZones = (() => {
  let zones: string[] | undefined;
  return () => (zones ??= Intl.supportedValuesOf('timeZone'));
})();

async function showSchedule(
  kit: PageKit,
  res: Response,
  id: string | undefined,
  extra: ShowExtra,
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
  const rows = Math.max(
    extra.sent ? sentRows(editor, extra.sent) : 0,
    schedule ? rowsFor(schedule.layers.length) : 2,
  );
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

/**
 * A schedule's page: its next two weeks drawn, and the editor of one made at
 * run time (layers, participant order, hand-off, restrictions), through the
 * same checks and service as the API.
 */
export const schedulesPage: UiPage = (kit) => modelEditorRoutes(kit, editor);
