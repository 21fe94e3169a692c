import { windowCoversScope } from '../../../domain/maintenance';
import { listWindows } from '../../maintenance/service';
import { Router } from 'express';
import { NotFoundError } from '../../errors';
import { scheduleIdPattern } from '../../oncall/schedule-body';
import { services } from '../../oncall/services';
import { servicePage, servicesPage } from '../views/services';
import { pageContext, sendPage, type UiPage } from './kit';

/** The services: the list, and one service with its integrations. */
export const servicesPages: UiPage = ({ deps, read }) => {
  const router = Router();

  router.get('/ui/services', ...read, async (_req, res) => {
    sendPage(res, servicesPage(pageContext(res), await services.list(deps)));
  });

  router.get('/ui/services/:id', ...read, async (req, res) => {
    const id = req.params.id as string;
    if (!scheduleIdPattern.test(id)) throw new NotFoundError(`No service ${id}`);
    const service = await services.get(deps, id);
    const covering = (await listWindows(deps, 'current')).filter((w) =>
      windowCoversScope(w, { service: service.id, team: service.team ?? '' }),
    );
    sendPage(res, servicePage(pageContext(res), service, covering));
  });

  return router;
};
