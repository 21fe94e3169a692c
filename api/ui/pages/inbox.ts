import { Router, type Request, type Response } from 'express';
import type { Person } from '../../../domain/oncall';
import { NotFoundError } from '../../errors';
import { answerDevInboxPage } from '../../inbox/answer';
import { readDevInbox } from '../../inbox/store';
import { formAction, formBody } from '../form-action';
import { inboxPage as inboxView, type FormState } from '../views';
import { pageContext, sendPage, type UiPage } from './kit';

/**
 * The development inbox: what Fireline would have sent, when FIRELINE_DEV_INBOX
 * is on; the person a text or call was for answers it here as from their phone.
 */
export const inboxPage: UiPage = ({ deps, read, post }) => {
  const router = Router();
  const show = async (res: Response, state: { notice?: string; form?: FormState }, status = 200) =>
    sendPage(res, inboxView(pageContext(res), await readDevInbox(deps), state), status);

  router.get('/ui/inbox', ...read, async (_req, res) => {
    if (!deps.config.FIRELINE_DEV_INBOX)
      throw new NotFoundError('The development inbox is off (FIRELINE_DEV_INBOX)');
    await show(res, {});
  });

  router.post(
    '/ui/inbox/:entryId/answer',
    ...post,
    formAction({
      form: (req) => String(req.params.entryId),
      rerender: (_req, res, form, status) => show(res, { form }, status),
      act: async (req: Request, res: Response) => {
        const body = formBody(req);
        const said = await answerDevInboxPage(
          deps,
          res.locals.viewerPerson as Person | undefined,
          String(req.params.entryId),
          {
            ...(typeof body.text === 'string' ? { text: body.text } : {}),
            ...(typeof body.digits === 'string' ? { digits: body.digits } : {}),
          },
        );
        await show(res, { notice: `Fireline answered: ${said}` });
        return undefined;
      },
    }),
  );
  return router;
};
