import { Router } from 'express';
import { NotFoundError } from '../../errors';
import { readDevInbox } from '../../inbox/store';
import { inboxPage as inboxView } from '../views';
import { pageContext, sendPage, type UiPage } from './kit';

/** The development inbox: what Fireline would have sent, when FIRELINE_DEV_INBOX is on. */
export const inboxPage: UiPage = ({ deps, read }) => {
  const router = Router();
  router.get('/ui/inbox', ...read, async (_req, res) => {
    if (!deps.config.FIRELINE_DEV_INBOX)
      throw new NotFoundError('The development inbox is off (FIRELINE_DEV_INBOX)');
    sendPage(res, inboxView(pageContext(res), await readDevInbox(deps)));
  });
  return router;
};
