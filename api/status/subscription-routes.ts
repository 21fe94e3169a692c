import express, { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { ApiDeps } from '../deps';
import { HttpError, NotFoundError } from '../errors';
import { statusMessagePage, statusPaths } from '../ui/views/status-page';
import {
  confirmSubscription,
  subscribe,
  subscribeBody,
  subscriptionOfLink,
  subscriptionToken,
  subscriptionsOn,
  unsubscribe,
} from './subscriptions';

/** Subscription requests per client address per hour: each may send a mail to someone. */
const SUBSCRIBE_PER_HOUR = 20;

const confirmPath = `${statusPaths.subscriptions}/confirm`;
const unsubscribePath = `${statusPaths.subscriptions}/unsubscribe`;

function page(
  res: Response,
  status: number,
  title: string,
  message: string,
  action?: Parameters<typeof statusMessagePage>[2],
): void {
  res
    .status(status)
    .type('html')
    .send(statusMessagePage(title, message, action));
}

/** The link's token: in the form's body, or in the URL (a mail client's one-click unsubscribe POSTs to the link). */
function tokenOf(req: Request): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const parsed = subscriptionToken.safeParse({ token: body?.token ?? req.query.token });
  return parsed.success ? parsed.data.token : undefined;
}

const badLink = (res: Response) =>
  page(res, 404, 'Link not valid', 'This link is of no subscription: it may have ended, or be cut short.');

/**
 * Email subscriptions, double opt-in, no key: the page's form asks for a
 * confirmation mail; its link opens a page whose button confirms (a GET never
 * acts, so a mail scanner confirms nothing); every update mail has an
 * unsubscribe link, which works in one click from mail clients too (RFC 8058).
 */
export function subscriptionRoutes(deps: ApiDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });
  const limiter = rateLimit({
    windowMs: 3_600_000,
    limit: SUBSCRIBE_PER_HOUR,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(new HttpError(429, 'rate_limited', 'Too many subscriptions from this address; retry later')),
  });

  router.post(statusPaths.subscriptions, limiter, form, async (req, res) => {
    const parsed = subscribeBody.safeParse(req.body);
    if (!parsed.success)
      return page(res, 400, 'Not subscribed', 'That is not an email address: go back and check it.');
    if (!subscriptionsOn(deps))
      return page(
        res,
        404,
        'Not subscribed',
        'Email subscriptions are off here: follow the Atom feed instead.',
      );
    await subscribe(deps, parsed.data.email);
    page(
      res,
      202,
      'Check your inbox',
      'Unless this address is subscribed already, a mail with a confirmation link is on its way. Nothing else is sent until you confirm.',
    );
  });

  router.get(confirmPath, async (req, res) => {
    const token = tokenOf(req);
    if (!token || !(await subscriptionOfLink(deps, 'confirm', token))) return badLink(res);
    page(res, 200, 'Confirm your subscription', 'Press Confirm to get each update of this page by email.', {
      path: confirmPath,
      token,
      button: 'Confirm',
    });
  });
  router.post(confirmPath, form, async (req, res) => {
    const token = tokenOf(req);
    if (!token) return badLink(res);
    try {
      await confirmSubscription(deps, token);
    } catch (err) {
      if (err instanceof NotFoundError) return badLink(res);
      throw err;
    }
    page(res, 200, 'Subscribed', 'You will get each update by email; every mail has a link to unsubscribe.');
  });

  router.get(unsubscribePath, async (req, res) => {
    const token = tokenOf(req);
    if (!token || !(await subscriptionOfLink(deps, 'unsubscribe', token))) return badLink(res);
    page(res, 200, 'Unsubscribe', 'Press Unsubscribe to get no more updates by email.', {
      path: unsubscribePath,
      token,
      button: 'Unsubscribe',
    });
  });
  router.post(unsubscribePath, form, async (req, res) => {
    const token = tokenOf(req);
    if (!token) return badLink(res);
    await unsubscribe(deps, token);
    page(res, 200, 'Unsubscribed', 'No more updates will be mailed to you.');
  });
  return router;
}
