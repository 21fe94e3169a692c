import { Router } from 'express';
import { postmortemIdPattern } from '../../../workflows/postmortem/ids';
import { NotFoundError } from '../../errors';
import { listPostmortems, loadPostmortem } from '../../postmortems/store';
import { postmortemPage, postmortemsPage } from '../views';
import { pageContext, sendPage, type UiPage } from './kit';

/** The post-mortems: the list, and one post-mortem. */
export const postmortemsPages: UiPage = ({ deps, read }) => {
  const router = Router();

  router.get('/ui/postmortems', ...read, async (_req, res) => {
    sendPage(res, postmortemsPage(pageContext(res), await listPostmortems(deps, { limit: 100 })));
  });

  router.get('/ui/postmortems/:id', ...read, async (req, res) => {
    const id = req.params.id as string;
    if (!postmortemIdPattern.test(id)) throw new NotFoundError(`No post-mortem ${id}`);
    sendPage(res, postmortemPage(pageContext(res), await loadPostmortem(deps, id)));
  });

  return router;
};
