import { type Request, type Response, Router } from 'express';
import { actorFor } from '../../auth';
import { checkedBy } from '../../actions/run';
import {
  changeHeartbeat,
  createHeartbeat,
  deleteHeartbeat,
  heartbeatNameParams,
  listHeartbeats,
  newHeartbeatBody,
} from '../../heartbeats/service';
import { filledText, formAction, formBody } from '../form-action';
import type { FormState } from '../views';
import { heartbeatsPage } from '../views/heartbeats';
import { doneOf, pageContext, sendPage, type UiPage } from './kit';

const NOTICES = {
  paused: 'The heartbeat is paused: no incident opens until it is resumed.',
  resumed: 'The heartbeat is resumed.',
  deleted: 'The heartbeat is deleted; the incident it opened, if any, resolves.',
} as const;

/** A number field as the API takes it: empty is absent. */
const numberOf = (value: unknown) => {
  const text = filledText(value);
  return text === undefined ? undefined : Number(text);
};

/** Heartbeats: the list with each one's state, and (with `oncall:write`) made, paused, resumed and deleted. */
export const heartbeatsPages: UiPage = (kit) => {
  const router = Router();
  const { deps } = kit;
  const show = async (res: Response, options: Parameters<typeof heartbeatsPage>[2] = {}, status = 200) =>
    sendPage(res, heartbeatsPage(pageContext(res), await listHeartbeats(deps), options), status);
  const rerender = (_req: Request, res: Response, form: FormState, status: number) =>
    show(res, { form }, status);

  router.get('/ui/heartbeats', ...kit.read, async (req, res) => {
    const notice = doneOf(req.query, NOTICES);
    await show(res, notice ? { notice } : {});
  });

  router.post(
    '/ui/heartbeats',
    ...kit.post,
    kit.may('oncall:write'),
    formAction({
      form: () => 'create',
      rerender,
      formField: (field) => field.replace(/^body\./, ''),
      act: async (req, res) => {
        const body = formBody(req);
        const input = checkedBy(
          newHeartbeatBody,
          {
            name: body.name,
            service: body.service,
            intervalSeconds: numberOf(body.intervalSeconds),
            ...(numberOf(body.graceSeconds) !== undefined
              ? { graceSeconds: numberOf(body.graceSeconds) }
              : {}),
          },
          'body',
        );
        const made = await createHeartbeat(deps, input, actorFor(res, undefined));
        // The token is shown this once: the answer is the page itself, not a redirect.
        const pingUrl = made.pingUrl.startsWith('/')
          ? `${req.protocol}://${req.get('host')}${made.pingUrl}`
          : made.pingUrl;
        await show(res, { made: { name: input.name, pingUrl } }, 201);
        return undefined;
      },
    }),
  );

  for (const action of ['pause', 'resume', 'delete'] as const) {
    router.post(
      `/ui/heartbeats/:name/${action}`,
      ...kit.post,
      kit.may('oncall:write'),
      formAction({
        form: (req) => `${action}:${String(req.params.name)}`,
        rerender,
        act: async (req, res) => {
          const { name } = checkedBy(heartbeatNameParams, req.params, 'params');
          if (action === 'delete') await deleteHeartbeat(deps, name, actorFor(res, undefined));
          else await changeHeartbeat(deps, name, { paused: action === 'pause' });
          return `/ui/heartbeats?done=${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'deleted'}`;
        },
      }),
    );
  }

  return router;
};
