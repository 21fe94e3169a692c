import { Router, type Request, type Response } from 'express';
import { runbookMetas } from '../../../runbooks';
import { incidentIdPattern } from '../../../workflows/incident/ids';
import { postmortemIdOf } from '../../../workflows/postmortem/ids';
import { approvalIdPattern } from '../../../workflows/runbook/ids';
import type { ApiDeps } from '../../deps';
import { HttpError, NotFoundError } from '../../errors';
import { readLocatedIncident } from '../../incidents/service';
import { readRunbookSteps, readTimeline, TIMELINE_PAGE_DEFAULT } from '../../incidents/store';
import { postmortemExists } from '../../postmortems/store';
import { incidentPage as incidentView, type FormState } from '../views';
import { doneNotice, incidentActionRoutes } from './incident-actions';
import { pageContext, sendPage, type PageKit, type UiPage } from './kit';

/** What the incident page says when MongoDB did not answer for it. */
export const MONGODB_UNAVAILABLE_NOTICE = 'MongoDB is unavailable; showing the live state from Temporal.';

/** `?before=<seq>`: a page of the timeline at a time, the earlier entries. */
function timelineBefore(req: Request): number | undefined {
  const before = req.method === 'GET' ? (req.query as Record<string, unknown>).before : undefined;
  if (before === undefined) return undefined;
  if (!(typeof before === 'string' && /^\d{1,9}$/.test(before))) {
    throw new HttpError(400, 'validation_failed', 'query.before: must be a timeline entry number (#).', [
      { field: 'query.before', message: 'must be a timeline entry number' },
    ]);
  }
  return Number(before);
}

type Settled<T> = Promise<{ value: T } | { error: unknown }>;
const settle = <T>(work: Promise<T>): Settled<T> =>
  work.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
async function take<T>(read: Settled<T>): Promise<T> {
  const result = await read;
  if ('error' in result) throw result.error;
  return result.value;
}

interface ShowOptions {
  notice?: string;
  form?: FormState;
  status?: number;
}

/** The incident page: after a refused form (`form`) with the refusal's status, else 200. */
async function showIncident(kit: PageKit, req: Request, res: Response, id: string, options: ShowOptions) {
  const deps: ApiDeps = kit.deps;
  const before = timelineBefore(req);
  // The timeline and runbook steps are only in MongoDB: read beside the incident, and not
  // waited for when MongoDB did not answer for the incident.
  const pageRead = settle(readTimeline(deps, id, { limit: TIMELINE_PAGE_DEFAULT, before }));
  const stepsRead = settle(readRunbookSteps(deps, id));
  const { incident, mongodbAnswered } = await readLocatedIncident(deps, id);
  const page = mongodbAnswered ? await take(pageRead) : undefined;
  const runbookSteps = mongodbAnswered ? await take(stepsRead) : [];
  const postmortemId = postmortemIdOf(id);
  const hasPostmortem = incident.status === 'resolved' && (await postmortemExists(deps, postmortemId));
  sendPage(
    res,
    incidentView(pageContext(res), {
      incident,
      timeline: page
        ? { ...page, ...(before !== undefined ? { before } : {}) }
        : { entries: [], nextBefore: null, unavailable: true },
      runbookSteps,
      workflowUrl: kit.workflowUrl,
      postmortemId: hasPostmortem ? postmortemId : undefined,
      notice: options.notice,
      degraded: mongodbAnswered ? undefined : MONGODB_UNAVAILABLE_NOTICE,
      runbooks: runbookMetas(),
      form: options.form,
    }),
    options.status,
  );
}

/** The notice after an action: an approval decided, or the catalog's notice a `?done=` names. */
function actionNotice(query: Record<string, unknown>): string | undefined {
  const decided =
    typeof query.decided === 'string' && approvalIdPattern.test(query.decided) ? query.decided : '';
  const outcome = query.outcome === 'approved' || query.outcome === 'rejected' ? query.outcome : '';
  return decided && outcome ? `You ${outcome} ${decided}.` : doneNotice(query);
}

/** One incident: its facts, timeline, runbooks and approvals, and the forms to act on it. */
export const incidentPage: UiPage = (kit) => {
  const router = Router();

  router.get('/ui/incidents/:id', ...kit.read, async (req, res) => {
    const id = req.params.id as string;
    if (!incidentIdPattern.test(id)) throw new NotFoundError(`No incident ${id}`);
    await showIncident(kit, req, res, id, { notice: actionNotice(req.query) });
  });

  router.use(
    incidentActionRoutes(kit, (req, res, id, form, status) =>
      showIncident(kit, req, res, id, { form, status }),
    ),
  );

  return router;
};
