import { type Request, type Response, Router } from 'express';
import { checkedBy } from '../../actions/run';
import { actingOf } from '../../identity';
import {
  componentAnswers,
  componentIdParams,
  newPublicIncidentBody,
  openPublicIncident,
  overrideBody,
  overrideComponent,
  postPublicUpdate,
  publicIncidentAnswers,
  publicIncidentIdParams,
  publicUpdateBody,
} from '../../status/service';
import { formAction, formBody } from '../form-action';
import type { FormState } from '../views';
import { statusAdminPage } from '../views/status-admin';
import { doneOf, pageContext, sendPage, type UiPage } from './kit';

const NOTICES = {
  overridden: 'The component’s state is set: it stands until you clear it.',
  cleared: 'The override is cleared: the incidents set the state again.',
  opened: 'The public incident is on the status page.',
  updated: 'Your public update is on the status page.',
} as const;

/** A form's checkboxes: none, one (a string) or several (a list). */
const listOf = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * The status page for responders (`incidents:write`): override a component's
 * state or clear it, post public updates, open a public incident. The public
 * page shows these with its next refresh.
 */
export const statusAdminPages: UiPage = (kit) => {
  const router = Router();
  const { deps } = kit;
  const show = async (res: Response, options: Parameters<typeof statusAdminPage>[2] = {}, status = 200) => {
    const [components, incidents] = await Promise.all([componentAnswers(deps), publicIncidentAnswers(deps)]);
    sendPage(res, statusAdminPage(pageContext(res), { components, incidents }, options), status);
  };
  const rerender = (_req: Request, res: Response, form: FormState, status: number) =>
    show(res, { form }, status);
  const fields = (field: string) => field.replace(/^body\./, '');

  router.get('/ui/status', ...kit.read, async (req, res) => {
    const notice = doneOf(req.query, NOTICES);
    await show(res, notice ? { notice } : {});
  });

  for (const clear of [false, true]) {
    router.post(
      `/ui/status/components/:id/${clear ? 'clear-override' : 'override'}`,
      ...kit.post,
      kit.may('incidents:write'),
      formAction({
        form: (req) => `override:${String(req.params.id)}`,
        rerender,
        formField: fields,
        act: async (req, res) => {
          const { id } = checkedBy(componentIdParams, req.params, 'params');
          const state = clear ? null : checkedBy(overrideBody, formBody(req), 'body').state;
          await overrideComponent(deps, id, state, actingOf(res, deps.onCall.catalog));
          return `/ui/status?done=${clear ? 'cleared' : 'overridden'}`;
        },
      }),
    );
  }

  router.post(
    '/ui/status/incidents',
    ...kit.post,
    kit.may('incidents:write'),
    formAction({
      form: () => 'open',
      rerender,
      formField: fields,
      act: async (req, res) => {
        const body = formBody(req);
        const input = checkedBy(
          newPublicIncidentBody,
          { title: body.title, components: listOf(body.components), status: body.status, body: body.body },
          'body',
        );
        await openPublicIncident(deps, input, actingOf(res, deps.onCall.catalog));
        return '/ui/status?done=opened';
      },
    }),
  );

  router.post(
    '/ui/status/incidents/:id/updates',
    ...kit.post,
    kit.may('incidents:write'),
    formAction({
      form: (req) => `update:${String(req.params.id)}`,
      rerender,
      formField: fields,
      act: async (req, res) => {
        const { id } = checkedBy(publicIncidentIdParams, req.params, 'params');
        const body = formBody(req);
        const input = checkedBy(publicUpdateBody, { status: body.status, body: body.body }, 'body');
        await postPublicUpdate(deps, id, input, actingOf(res, deps.onCall.catalog));
        return '/ui/status?done=updated';
      },
    }),
  );
  return router;
};
