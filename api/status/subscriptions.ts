import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { PublicUpdate } from '../../domain/status-page';
import { publicUpdateStatusText } from '../../domain/status-page';
import { withMongoTimeout } from '../../infra/mongo';
import type { ApiDeps } from '../deps';
import { HttpError, NotFoundError, ServiceUnavailableError } from '../errors';
import { STATUS_PAGE_TITLE, statusPaths } from '../ui/views/status-page';
import { STORE_TIMEOUT_MS } from './store';

type Deps = Pick<ApiDeps, 'models' | 'reach' | 'logger'>;

export const subscribeBody = z.object({ email: z.email('must be an email address').max(254) });
export const subscriptionToken = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the token of a subscription link'),
});

/** A confirmation is sent to one address at most this often, however often it is asked for. */
const CONFIRMATION_EVERY_MS = 10 * 60_000;
/** Subscribers mailed at once: a crowd of them must not hold every SMTP connection. */
const MAIL_CONCURRENCY = 4;
const MAX_SUBSCRIBERS = 50_000;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** Whether this server can run email subscriptions: a mailer, and PUBLIC_URL for the links. */
export function subscriptionsOn(deps: Pick<ApiDeps, 'reach'>): boolean {
  return Boolean(deps.reach.mailer && deps.reach.publicUrl);
}

function linkOf(deps: Pick<ApiDeps, 'reach'>, kind: 'confirm' | 'unsubscribe', token: string): string {
  const base = deps.reach.publicUrl!.replace(/\/+$/, '');
  return `${base}${statusPaths.subscriptions}/${kind}?token=${token}`;
}

const stored = <T>(what: string, work: () => Promise<T>) => withMongoTimeout(what, STORE_TIMEOUT_MS, work);

/**
 * Double opt-in, step one: a pending subscription and a mail with its
 * confirmation link. Answers the same whatever the address's state, so the
 * form tells nobody who subscribed; a subscribed address, or one sent a
 * confirmation lately, is sent nothing.
 */
export async function subscribe(deps: Deps, email: string): Promise<void> {
  if (!subscriptionsOn(deps)) throw new NotFoundError('Email subscriptions are off on this server');
  const address = email.trim().toLowerCase();
  const existing = await stored('reading status subscribers', () =>
    deps.models.StatusSubscribers.find({ email: address }).limit(20).lean(),
  );
  if (existing.some((s) => s.confirmed)) return;
  if (existing.some((s) => Date.now() - s.createdAt.getTime() < CONFIRMATION_EVERY_MS)) return;
  const token = randomBytes(32).toString('base64url');
  await stored('adding a status subscriber', async () => {
    await deps.models.StatusSubscribers.deleteMany({ email: address, confirmed: false });
    await deps.models.StatusSubscribers.create({
      _id: hashOf(token),
      email: address,
      confirmed: false,
      unsubscribeToken: randomBytes(32).toString('base64url'),
      createdAt: new Date(),
    });
  });
  try {
    await deps.reach.mailer!.sendMail({
      from: deps.reach.mailFrom,
      to: address,
      subject: `Confirm your subscription to ${STATUS_PAGE_TITLE}`,
      text: [
        `Someone, probably you, asked for the updates of ${STATUS_PAGE_TITLE} by email at this address.`,
        '',
        `To confirm, open this link and press Confirm: ${linkOf(deps, 'confirm', token)}`,
        '',
        'If it was not you, ignore this mail: nothing more will be sent.',
      ].join('\n'),
    });
  } catch (err) {
    // Not sent: the pending subscription goes, so that asking again sends a confirmation at once.
    await deps.models.StatusSubscribers.deleteOne({ _id: hashOf(token) }).catch(() => undefined);
    deps.logger.warn({ err }, 'A status page confirmation mail could not be sent');
    throw new ServiceUnavailableError('The confirmation mail could not be sent; retry shortly');
  }
}

/** Double opt-in, step two: the link's owner confirms (404 for a token of no subscription). */
export async function confirmSubscription(deps: Deps, token: string): Promise<void> {
  const { matchedCount } = await stored('confirming a status subscriber', () =>
    deps.models.StatusSubscribers.updateOne(
      { _id: hashOf(token) },
      { $set: { confirmed: true, confirmedAt: new Date() } },
    ),
  );
  if (matchedCount === 0) throw new NotFoundError('This link is of no subscription (it may have ended)');
}

/** Ends a subscription, by the token of its mails' unsubscribe link; an ended one answers the same. */
export async function unsubscribe(deps: Deps, token: string): Promise<void> {
  await stored('removing a status subscriber', () =>
    deps.models.StatusSubscribers.deleteOne({ unsubscribeToken: token }),
  );
}

/** Whether a link's token names a subscription still (for the page the link opens). */
export async function subscriptionOfLink(
  deps: Deps,
  kind: 'confirm' | 'unsubscribe',
  token: string,
): Promise<boolean> {
  const filter = kind === 'confirm' ? { _id: hashOf(token) } : { unsubscribeToken: token };
  const doc = await stored('reading a status subscriber', () =>
    deps.models.StatusSubscribers.findOne(filter, { _id: 1 }).lean(),
  );
  return doc !== null;
}

/**
 * Mails a public update to every confirmed subscriber: its title, status and
 * text only, with an unsubscribe link (and List-Unsubscribe for one-click).
 * Best effort from this API process, after the update is stored: a failure is
 * logged; the page and the Atom feed have every update regardless.
 */
export async function mailSubscribers(
  deps: Deps,
  incident: { id: string; title: string },
  update: Pick<PublicUpdate, 'status' | 'body' | 'at'>,
): Promise<number> {
  if (!subscriptionsOn(deps)) return 0;
  const subscribers = await stored('reading status subscribers', () =>
    deps.models.StatusSubscribers.find({ confirmed: true }).limit(MAX_SUBSCRIBERS).lean(),
  );
  const page = `${deps.reach.publicUrl!.replace(/\/+$/, '')}${statusPaths.page}#${incident.id}`;
  const status = publicUpdateStatusText[update.status];
  let sent = 0;
  const queue = [...subscribers];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      try {
        const unsubscribeUrl = linkOf(deps, 'unsubscribe', s.unsubscribeToken);
        await deps.reach.mailer!.sendMail({
          from: deps.reach.mailFrom,
          to: s.email,
          subject: `[${STATUS_PAGE_TITLE}] ${status}: ${incident.title}`,
          text: [
            `${status}: ${incident.title}`,
            update.at,
            '',
            update.body,
            '',
            `More on the status page: ${page}`,
            `Unsubscribe: ${unsubscribeUrl}`,
          ].join('\n'),
          headers: {
            'List-Unsubscribe': `<${unsubscribeUrl}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        });
        sent += 1;
      } catch (err) {
        deps.logger.warn({ err, subscriber: s._id.slice(0, 8) }, 'A status page update was not mailed');
      }
    }
  };
  await Promise.all(Array.from({ length: MAIL_CONCURRENCY }, worker));
  return sent;
}

/** Starts mailing an update in the background, so the responder's request does not wait on SMTP. */
export function mailSubscribersLater(
  deps: Deps,
  incident: { id: string; title: string },
  update: Pick<PublicUpdate, 'status' | 'body' | 'at'>,
): void {
  mailSubscribers(deps, incident, update).catch((err: unknown) => {
    if (err instanceof HttpError) return;
    deps.logger.warn({ err }, 'Status page subscribers could not be read: the update was not mailed');
  });
}
