import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  MAX_WEEKLY_DURATION_MS,
  type MaintenanceWindow,
  currentOrNextOccurrence,
  maintenanceWindowId,
  maintenanceWindowIdPattern,
  occurrenceAt,
} from '../../domain/maintenance';
import { isTimeZone } from '../../domain/oncall-schedule';
import { teamById } from '../../domain/oncall';
import { serviceOf } from '../../domain/runtime-services';
import {
  deleteMaintenanceWindow,
  getMaintenanceWindow,
  listMaintenanceWindows,
  replaceMaintenanceWindow,
  storeMaintenanceWindow,
} from '../../infra/maintenance-windows';
import { searchAttributes } from '../../workflows/search-attributes';
import { maintenanceChangedSignal } from '../../workflows/incident/messages';
import { text } from '../actions/fields';
import { serviceName } from '../alerts/schemas';
import type { ApiDeps } from '../deps';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { type Acting, accessFor, requireScopeOf } from '../identity';

type Deps = Pick<ApiDeps, 'models' | 'temporal' | 'onCall' | 'logger'>;

/** The right a window takes: a responder's, on each service (or the team) it covers. */
export const MAINTENANCE_SCOPE = 'incidents:write';

/** The longest a one-off window may last. */
const MAX_WINDOW_DAYS = 31;
const instant = z.iso.datetime({ offset: true });

export const maintenanceWindowParams = z.object({
  id: z.string().regex(maintenanceWindowIdPattern, 'must be a maintenance window id (mw- and 12 hex digits)'),
});

export const newMaintenanceWindowBody = z
  .object({
    services: z.array(serviceName).min(1, 'name at least one service').max(50).optional(),
    team: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a team id')
      .optional(),
    startsAt: instant.optional().describe('when it starts; now if absent'),
    endsAt: instant.optional(),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_WINDOW_DAYS * 24 * 60)
      .optional()
      .describe('how long it lasts, instead of endsAt'),
    reason: text(500, 'say what the work is'),
    silenceSev1: z
      .boolean()
      .default(false)
      .describe('SEV1 incidents page despite a window unless this is true'),
    weekly: z
      .object({
        timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/London'),
        until: instant.optional(),
      })
      .strict()
      .optional()
      .describe('repeats every week at the same wall-clock time in timeZone'),
  })
  .strict()
  .superRefine((body, ctx) => {
    if ((body.services === undefined) === (body.team === undefined))
      ctx.addIssue({ code: 'custom', path: ['services'], message: 'give either services or team' });
    if ((body.endsAt === undefined) === (body.durationMinutes === undefined))
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'give either endsAt or durationMinutes' });
  });
export type NewMaintenanceWindow = z.output<typeof newMaintenanceWindowBody>;

export const maintenanceListQuery = z.object({
  state: z.enum(['current', 'active', 'upcoming', 'all']).default('current'),
});

/** A window as the API shows it: with its current (or next) occurrence, and whether it holds paging now. */
export interface MaintenanceWindowAnswer extends MaintenanceWindow {
  active: boolean;
  /** The occurrence under way, else the next; absent once none is left. */
  occurrence?: { startsAt: string; endsAt: string };
}

export function answerOf(window: MaintenanceWindow, at = new Date()): MaintenanceWindowAnswer {
  const occurrence = currentOrNextOccurrence(window, at);
  return {
    ...window,
    active: occurrenceAt(window, at) !== undefined,
    ...(occurrence ? { occurrence } : {}),
  };
}

const invalid = (field: string, message: string) =>
  new ValidationError([{ field: `body.${field}`, message }]);

/** Refuses (403) a window on a service or team the person may not act on. */
function requireRightsOver(
  deps: Deps,
  acting: Acting,
  window: Pick<MaintenanceWindow, 'services' | 'team'>,
): void {
  requireScopeOf(acting, MAINTENANCE_SCOPE);
  const access = accessFor(acting, MAINTENANCE_SCOPE);
  const catalog = deps.onCall.catalog;
  if (window.team !== undefined)
    access({ incidentId: `the incidents of team ${window.team}`, service: '', team: window.team });
  for (const service of window.services)
    access({
      incidentId: `the incidents of ${service}`,
      service,
      team: serviceOf(catalog, service)?.team ?? '',
    });
}

/** The window a request describes, checked: its times, its team, and the person's rights over what it covers. */
export function windowFrom(
  deps: Deps,
  body: NewMaintenanceWindow,
  acting: Acting,
  now = new Date(),
): MaintenanceWindow {
  if (body.team !== undefined && !teamById(deps.onCall.catalog, body.team))
    throw invalid('team', `${JSON.stringify(body.team)} is not a team in the on-call catalog`);
  const startsAt = body.startsAt ? new Date(body.startsAt) : now;
  const endsAt = body.endsAt
    ? new Date(body.endsAt)
    : new Date(startsAt.getTime() + body.durationMinutes! * 60_000);
  const field = body.endsAt ? 'endsAt' : 'durationMinutes';
  const length = endsAt.getTime() - startsAt.getTime();
  if (length <= 0) throw invalid(field, 'the window must end after it starts');
  if (body.weekly) {
    if (length > MAX_WEEKLY_DURATION_MS) throw invalid(field, 'a weekly window must be shorter than a week');
    if (body.weekly.until !== undefined && Date.parse(body.weekly.until) <= startsAt.getTime())
      throw invalid('weekly.until', 'must be after the window starts');
  } else {
    if (length > MAX_WINDOW_DAYS * 24 * 3600_000)
      throw invalid(field, `a window lasts at most ${MAX_WINDOW_DAYS} days`);
    if (endsAt.getTime() <= now.getTime()) throw invalid(field, 'the window would be over already');
  }
  const window: MaintenanceWindow = {
    id: maintenanceWindowId(randomBytes(6)),
    services: [...new Set(body.services ?? [])],
    ...(body.team !== undefined ? { team: body.team } : {}),
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    reason: body.reason,
    createdBy: acting.actor,
    createdAt: now.toISOString(),
    silenceSev1: body.silenceSev1,
    ...(body.weekly ? { weekly: body.weekly } : {}),
  };
  requireRightsOver(deps, acting, window);
  return window;
}

export async function createMaintenanceWindow(
  deps: Deps,
  body: NewMaintenanceWindow,
  acting: Acting,
): Promise<MaintenanceWindowAnswer> {
  const window = windowFrom(deps, body, acting);
  await storeMaintenanceWindow(deps.models, window);
  return answerOf(window);
}

export async function listWindows(
  deps: Pick<Deps, 'models'>,
  state: z.output<typeof maintenanceListQuery>['state'],
  at = new Date(),
): Promise<MaintenanceWindowAnswer[]> {
  const answers = (await listMaintenanceWindows(deps.models)).map((w) => answerOf(w, at));
  switch (state) {
    case 'active':
      return answers.filter((w) => w.active);
    case 'upcoming':
      return answers.filter((w) => !w.active && w.occurrence !== undefined);
    case 'current':
      return answers.filter((w) => w.occurrence !== undefined);
    case 'all':
      return answers;
  }
}

async function requireWindow(deps: Pick<Deps, 'models'>, id: string): Promise<MaintenanceWindow> {
  const window = await getMaintenanceWindow(deps.models, id);
  if (!window) throw new NotFoundError(`No maintenance window ${id}`);
  return window;
}

export async function showWindow(deps: Pick<Deps, 'models'>, id: string): Promise<MaintenanceWindowAnswer> {
  return answerOf(await requireWindow(deps, id));
}

/**
 * Ends a window under way now: it stays listed (with `state=all`) as what
 * happened. A weekly window ends for good: no occurrence follows. The
 * incidents it held page at once if they are still triggered.
 */
export async function endWindow(deps: Deps, id: string, acting: Acting): Promise<MaintenanceWindowAnswer> {
  const window = await requireWindow(deps, id);
  requireRightsOver(deps, acting, window);
  const now = new Date();
  const current = occurrenceAt(window, now);
  if (!current) throw new ConflictError(`Maintenance window ${id} is not under way; delete it to cancel it`);
  // The occurrence under way ends now, and none follows: a weekly window becomes that one occurrence.
  const { weekly: _weekly, ...oneOff } = window;
  const ended: MaintenanceWindow = { ...oneOff, startsAt: current.startsAt, endsAt: now.toISOString() };
  await replaceMaintenanceWindow(deps.models, ended);
  await noticeHeldIncidents(deps, window);
  return answerOf(ended, now);
}

export async function removeWindow(deps: Deps, id: string, acting: Acting): Promise<void> {
  const window = await requireWindow(deps, id);
  requireRightsOver(deps, acting, window);
  await deleteMaintenanceWindow(deps.models, id);
  await noticeHeldIncidents(deps, window);
}

/** Incidents a notice goes to at most: each open incident of the window's services is one signal. */
const MAX_NOTICES = 1000;

/**
 * Tells the open, triggered incidents of the window's services (or team)
 * that it changed, so those it held ask again at once. An incident missed
 * (Temporal unreachable) still asks when the end it knew comes.
 */
async function noticeHeldIncidents(deps: Deps, window: MaintenanceWindow): Promise<void> {
  // Service and team ids match patterns without quotes, so they cannot change the query.
  const covered = [
    ...(window.services.length > 0
      ? [`${searchAttributes.service.name} IN (${window.services.map((s) => `'${s}'`).join(', ')})`]
      : []),
    ...(window.team !== undefined ? [`${searchAttributes.team.name} = '${window.team}'`] : []),
  ].join(' OR ');
  const query = `WorkflowType = 'incidentWorkflow' AND ExecutionStatus = 'Running' AND (${covered})`;
  let sent = 0;
  try {
    for await (const execution of deps.temporal.workflow.list({ query, pageSize: 200 })) {
      if (sent++ >= MAX_NOTICES) break;
      await deps.temporal.workflow
        .getHandle(execution.workflowId)
        .signal(maintenanceChangedSignal, { windowId: window.id })
        .catch((err: unknown) =>
          deps.logger.warn({ err, workflowId: execution.workflowId }, 'maintenance notice not delivered'),
        );
    }
  } catch (err) {
    deps.logger.warn(
      { err, windowId: window.id },
      'incidents held by a maintenance window not told it changed',
    );
  }
}
