import { type Request, type Response, Router } from 'express';
import { checkedBy } from '../../actions/run';
import { actingOf } from '../../identity';
import {
  createMaintenanceWindow,
  endWindow,
  listWindows,
  maintenanceWindowParams,
  newMaintenanceWindowBody,
  removeWindow,
} from '../../maintenance/service';
import { filledText, formAction, formBody } from '../form-action';
import type { FormState } from '../views';
import { maintenancePage } from '../views/maintenance';
import { doneOf, pageContext, sendPage, type UiPage } from './kit';

const NOTICES = {
  made: 'The maintenance window is made: alerts of what it covers page nobody while it is under way.',
  ended: 'The window is ended: what it held pages now if still triggered.',
  deleted: 'The window is deleted.',
} as const;

/** Maintenance windows: listed, and (with incidents:write over what they cover) made, ended and deleted. */
export const maintenancePages: UiPage = (kit) => {
  const router = Router();
  const { deps } = kit;
  const show = async (res: Response, options: Parameters<typeof maintenancePage>[2] = {}, status = 200) =>
    sendPage(res, maintenancePage(pageContext(res), await listWindows(deps, 'current'), options), status);
  const rerender = (_req: Request, res: Response, form: FormState, status: number) =>
    show(res, { form }, status);

  router.get('/ui/maintenance', ...kit.read, async (req, res) => {
    const notice = doneOf(req.query, NOTICES);
    await show(res, notice ? { notice } : {});
  });

  router.post(
    '/ui/maintenance',
    ...kit.post,
    kit.may('incidents:write'),
    formAction({
      form: () => 'create',
      rerender,
      formField: (field) => field.replace(/^body\./, ''),
      act: async (req, res) => {
        const body = formBody(req);
        const services = filledText(body.services)
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const duration = filledText(body.durationMinutes);
        const timeZone = filledText(body['weekly.timeZone']);
        const input = checkedBy(
          newMaintenanceWindowBody,
          {
            ...(services ? { services } : {}),
            ...(filledText(body.team) ? { team: filledText(body.team) } : {}),
            ...(filledText(body.startsAt) ? { startsAt: filledText(body.startsAt) } : {}),
            ...(duration !== undefined ? { durationMinutes: Number(duration) } : {}),
            reason: body.reason,
            silenceSev1: body.silenceSev1 === 'on',
            ...(timeZone ? { weekly: { timeZone } } : {}),
          },
          'body',
        );
        await createMaintenanceWindow(deps, input, actingOf(res, deps.onCall.catalog));
        return '/ui/maintenance?done=made';
      },
    }),
  );

  for (const action of ['end', 'delete'] as const) {
    router.post(
      `/ui/maintenance/:id/${action}`,
      ...kit.post,
      kit.may('incidents:write'),
      formAction({
        form: (req) => `${action}:${String(req.params.id)}`,
        rerender,
        act: async (req, res) => {
          const { id } = checkedBy(maintenanceWindowParams, req.params, 'params');
          const acting = actingOf(res, deps.onCall.catalog);
          if (action === 'end') await endWindow(deps, id, acting);
          else await removeWindow(deps, id, acting);
          return `/ui/maintenance?done=${action === 'end' ? 'ended' : 'deleted'}`;
        },
      }),
    );
  }

  return router;
};
