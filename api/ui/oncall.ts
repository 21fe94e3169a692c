import { Router, type Request, type RequestHandler, type Response } from 'express';
import { zonedTimeToInstant } from '../../domain/oncall-schedule';
import { overrideIdPattern } from '../../domain/oncall-overrides';
import { actorFor, principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError, NotFoundError, ValidationError } from '../errors';
import {
  createFeed,
  createOverride,
  deleteOverride,
  catalogWithOverrides,
  onCallIn,
  requireSchedule,
  shiftsIn,
} from '../oncall/service';
import { refusedForm } from './respond';
import { type FormState, onCallPage, type PageContext } from './views';

const NOTICES = {
  'override-added': 'The override is saved: the next page for that schedule goes to the person covering.',
  'override-deleted': 'The override is deleted.',
} as const;

/** `2026-12-24T18:00` from a datetime-local field, in the schedule's time zone, as an ISO instant. */
function localToInstant(value: unknown, timeZone: string, field: string): string {
  const match = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(value) : null;
  if (!match) throw new ValidationError([{ field, message: 'give a date and time' }]);
  return zonedTimeToInstant(match[1]!, match[2]!, timeZone).toISOString();
}

/**
 * The web UI's On call page: who is on call, each schedule's next week, its
 * overrides (added and deleted with `oncall:write`, through the same checks as
 * the API), and calendar feeds.
 */
export function onCallUiRoutes(
  deps: ApiDeps,
  steps: { read: RequestHandler[]; post: RequestHandler[]; mayWrite: RequestHandler },
  page: {
    context: (res: Response) => PageContext;
    send: (res: Response, html: string, status?: number) => void;
  },
): Router {
  const router = Router();

  const show = async (
    req: Request,
    res: Response,
    extra: { notice?: string; form?: FormState; feedUrl?: string; status?: number } = {},
  ) => {
    const now = new Date();
    const week = new Date(now.getTime() + 7 * 86_400_000);
    // One read of the overrides serves every schedule on the page.
    const state = await catalogWithOverrides(deps);
    const schedules = state.catalog.schedules.map((s) => ({
      id: s.id,
      timeZone: s.timeZone,
      shifts: shiftsIn(state, s.id, now, week),
      overrides: state.overrides.filter((o) => o.scheduleId === s.id && Date.parse(o.end) > now.getTime()),
    }));
    page.send(
      res,
      onCallPage(page.context(res), {
        now: onCallIn(state, now),
        schedules,
        people: state.catalog.people,
        ...extra,
      }),
      extra.status,
    );
  };

  /** Runs a form's action; a refusal renders the page again with what was typed and why. */
  const act =
    (
      form: (req: Request) => string,
      action: (req: Request, res: Response) => Promise<void>,
    ): RequestHandler =>
    async (req, res) => {
      try {
        await action(req, res);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status >= 500 || err.status === 401) throw err;
        const state = refusedForm(form(req), (req.body ?? {}) as Record<string, unknown>, err);
        await show(req, res, { form: state, status: err.status });
      }
    };

  router.get('/ui/oncall', ...steps.read, async (req, res) => {
    const done =
      typeof req.query.done === 'string' && Object.hasOwn(NOTICES, req.query.done) ? req.query.done : '';
    await show(req, res, { notice: done ? NOTICES[done as keyof typeof NOTICES] : undefined });
  });

  router.post(
    '/ui/oncall/:scheduleId/overrides',
    ...steps.post,
    steps.mayWrite,
    act(
      (req) => `override:${String(req.params.scheduleId)}`,
      async (req, res) => {
        const schedule = requireSchedule(deps.catalog, String(req.params.scheduleId));
        const body = (req.body ?? {}) as Record<string, unknown>;
        const problems: { field: string; message: string }[] = [];
        const instant = (name: 'start' | 'end') => {
          try {
            return localToInstant(body[name], schedule.timeZone, `body.${name}`);
          } catch (err) {
            if (err instanceof ValidationError) problems.push(...err.fields);
            return '';
          }
        };
        const start = instant('start');
        const end = instant('end');
        if (problems.length > 0) throw new ValidationError(problems);
        const note =
          typeof body.note === 'string' && body.note.trim() ? body.note.trim().slice(0, 500) : undefined;
        await createOverride(
          deps,
          schedule.id,
          { personId: typeof body.personId === 'string' ? body.personId : '', start, end, note },
          actorFor(res, undefined),
        );
        res.redirect(303, '/ui/oncall?done=override-added');
      },
    ),
  );

  router.post(
    '/ui/oncall/:scheduleId/overrides/:overrideId/delete',
    ...steps.post,
    steps.mayWrite,
    act(
      (req) => `delete:${String(req.params.overrideId)}`,
      async (req, res) => {
        const overrideId = String(req.params.overrideId);
        if (!overrideIdPattern.test(overrideId)) throw new NotFoundError(`No override ${overrideId}`);
        await deleteOverride(deps, String(req.params.scheduleId), overrideId);
        res.redirect(303, '/ui/oncall?done=override-deleted');
      },
    ),
  );

  router.post(
    '/ui/oncall/feeds',
    ...steps.post,
    act(
      () => 'feed',
      async (req, res) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
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
        await show(req, res, {
          feedUrl: `${base}${feed.path}`,
          notice: `Calendar feed ${feed.feedId} made.`,
        });
      },
    ),
  );

  return router;
}
