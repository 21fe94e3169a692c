import { Router, type Request, type Response } from 'express';
import type { OnCallSchedule } from '../../../domain/oncall';
import { overrideIdPattern } from '../../../domain/oncall-overrides';
import { zonedTimeToInstant } from '../../../domain/oncall-schedule';
import { checkedBy } from '../../actions/run';
import { actorFor, principalOf } from '../../auth';
import { NotFoundError, ValidationError } from '../../errors';
import { overrideBody } from '../../oncall/routes';
import {
  onCallState,
  createFeed,
  createOverride,
  deleteOverride,
  onCallIn,
  requireSchedule,
  shiftsIn,
} from '../../oncall/service';
import { formAction, formBody } from '../form-action';
import { onCallPage as onCallView, type FormState } from '../views';
import { pageContext, sendPage, type PageKit, type UiPage } from './kit';

const NOTICES = {
  'override-added': 'The override is saved: the next page for that schedule goes to the person covering.',
  'override-deleted': 'The override is deleted.',
  'schedule-deleted': 'The schedule is deleted, with its overrides.',
  'policy-deleted': 'The escalation policy is deleted.',
} as const;

/** `2026-12-24T18:00` from a datetime-local field, in the schedule's time zone, as an ISO instant. */
function localToInstant(value: unknown, timeZone: string): string | undefined {
  const match = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(value) : null;
  return match ? zonedTimeToInstant(match[1]!, match[2]!, timeZone).toISOString() : undefined;
}

/** The override form as the API's override body, checked by the API's schema. */
function overrideFromForm(body: Record<string, unknown>, timeZone: string) {
  const start = localToInstant(body.start, timeZone);
  const end = localToInstant(body.end, timeZone);
  const missing = [
    ...(start ? [] : [{ field: 'body.start', message: 'give a date and time' }]),
    ...(end ? [] : [{ field: 'body.end', message: 'give a date and time' }]),
  ];
  if (missing.length > 0) throw new ValidationError(missing);
  const note = typeof body.note === 'string' && body.note.trim() ? body.note.trim() : undefined;
  const personId = typeof body.personId === 'string' ? body.personId : '';
  return checkedBy(overrideBody, { personId, start, end, note }, 'body');
}

interface ShowOptions {
  notice?: string;
  form?: FormState;
  feedUrl?: string;
  status?: number;
}

async function showOnCall(kit: PageKit, res: Response, extra: ShowOptions = {}) {
  const now = new Date();
  const week = new Date(now.getTime() + 7 * 86_400_000);
  // One read of the schedules and overrides serves every schedule on the page.
  const state = await onCallState(kit.deps);
  const schedules = state.catalog.schedules.map((s: OnCallSchedule & { revision?: number }) => ({
    id: s.id,
    timeZone: s.timeZone,
    ...(s.revision === undefined ? {} : { revision: s.revision }),
    shifts: shiftsIn(state, s.id, now, week),
    overrides: state.overrides.filter((o) => o.scheduleId === s.id && Date.parse(o.end) > now.getTime()),
  }));
  const data = { now: onCallIn(state, now), schedules, people: state.catalog.people, ...extra };
  sendPage(res, onCallView(pageContext(res), data), extra.status);
}

/**
 * On call: who is on call, each schedule's next week, its overrides (added and
 * deleted with `oncall:write`, through the same checks as the API), and calendar feeds.
 */
export const onCallPage: UiPage = (kit) => {
  const router = Router();
  const { deps } = kit;
  const rerender = (_req: Request, res: Response, form: FormState, status: number) =>
    showOnCall(kit, res, { form, status });

  router.get('/ui/oncall', ...kit.read, async (req, res) => {
    const done = req.query.done;
    const notice = typeof done === 'string' && Object.hasOwn(NOTICES, done) ? done : '';
    await showOnCall(kit, res, { notice: notice ? NOTICES[notice as keyof typeof NOTICES] : undefined });
  });

  router.post(
    '/ui/oncall/:scheduleId/overrides',
    ...kit.post,
    kit.may('oncall:write'),
    formAction({
      form: (req) => `override:${String(req.params.scheduleId)}`,
      rerender,
      act: async (req, res) => {
        const schedule = requireSchedule((await onCallState(deps)).catalog, String(req.params.scheduleId));
        const override = overrideFromForm(formBody(req), schedule.timeZone);
        await createOverride(deps, schedule.id, override, actorFor(res, undefined));
        return '/ui/oncall?done=override-added';
      },
    }),
  );

  router.post(
    '/ui/oncall/:scheduleId/overrides/:overrideId/delete',
    ...kit.post,
    kit.may('oncall:write'),
    formAction({
      form: (req) => `delete:${String(req.params.overrideId)}`,
      rerender,
      act: async (req) => {
        const overrideId = String(req.params.overrideId);
        if (!overrideIdPattern.test(overrideId)) throw new NotFoundError(`No override ${overrideId}`);
        await deleteOverride(deps, String(req.params.scheduleId), overrideId);
        return '/ui/oncall?done=override-deleted';
      },
    }),
  );

  router.post(
    '/ui/oncall/feeds',
    ...kit.post,
    formAction({
      form: () => 'feed',
      rerender,
      act: async (req, res) => {
        const body = formBody(req);
        const target =
          typeof body.personId === 'string'
            ? { personId: body.personId }
            : { scheduleId: typeof body.scheduleId === 'string' ? body.scheduleId : '' };
        const feed = await createFeed(deps, target, {
          actor: actorFor(res, undefined),
          keyId: principalOf(res).keyId,
        });
        const base =
          deps.config.PUBLIC_URL?.replace(/\/+$/, '') ??
          `${req.protocol}://${req.get('host') ?? 'localhost'}`;
        await showOnCall(kit, res, {
          feedUrl: `${base}${feed.path}`,
          notice: `Calendar feed ${feed.feedId} made.`,
        });
        return undefined;
      },
    }),
  );

  return router;
};
