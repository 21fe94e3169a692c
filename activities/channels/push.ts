import type { ContactMethod } from '../../domain/contact-methods';
import { missingVapidSettings, vapidConfigured } from '../../infra/reach/push';
import { sendPush, type PushPayload } from '../../infra/reach/send';
import type { ChannelModule, ChannelTarget, OutgoingNotification } from './types';

export type { PushAction, PushPayload } from '../../infra/reach/send';

/** The page as the service worker receives it: `Acknowledge` with a signed acknowledge link, `Open` with a link. */

export function pushPayload(
  notification: Pick<OutgoingNotification, 'context' | 'url' | 'ackUrl'>,
): PushPayload {
  const { context, url, ackUrl } = notification;
  return {
    kind: 'incident.page',
    title: `[${context.severity}] ${context.service}: ${context.title}`,
    body: `${context.incidentId} · ${context.status} · ${context.alertCount} alert(s)${context.reason ? ` · ${context.reason}` : ''}`,
    urgency: context.severity === 'SEV1' || context.severity === 'SEV2' ? 'high' : 'normal',
    tag: `incident-${context.incidentId}`,
    incidentId: context.incidentId,
    ...(url ? { openUrl: url } : {}),
    actions: [
      ...(ackUrl ? [{ action: 'acknowledge' as const, title: 'Acknowledge', url: ackUrl }] : []),
      ...(url ? [{ action: 'open' as const, title: 'Open', url }] : []),
    ],
  };
}

function pushTarget(method: Extract<ContactMethod, { type: 'push' }>, destination: string): ChannelTarget {
  return {
    destination,
    missingSettings: ({ secrets }) => missingVapidSettings(secrets),
    async send(notification, deps) {
      return { detail: await sendPush(method.subscription, pushPayload(notification), deps) };
    },
  };
}

/** Web Push to the browsers people subscribed (VAPID keys from the environment). */
export const pushChannel: ChannelModule<'push'> = {
  type: 'push',
  targets: () => [],
  contactMethods: {
    inUse: ({ secrets }) => vapidConfigured(secrets),
    missingSettings: ({ secrets }) => missingVapidSettings(secrets),
    target: (method, destination) => {
      if (method.type !== 'push') throw new TypeError(`${method.id} is not a push method`);
      return pushTarget(method, destination);
    },
  },
};
