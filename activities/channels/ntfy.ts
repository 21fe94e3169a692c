import type { ContactMethod } from '../../domain/contact-methods';
import type { IncidentSeverity } from '../../domain/severity';
import type { NtfyMessage } from '../../infra/reach/ntfy';
import { sendNtfy } from '../../infra/reach/send';
import type { ChannelModule, ChannelTarget, OutgoingNotification } from './types';

/** ntfy's priorities (https://docs.ntfy.sh/publish/#message-priority): SEV1 is max (5), SEV4 low (2). */
const ntfyPriority: Record<IncidentSeverity, NtfyMessage['priority']> = {
  SEV1: 5,
  SEV2: 4,
  SEV3: 3,
  SEV4: 2,
};

/** The page as an ntfy JSON message: `Acknowledge` (an http action) with a signed acknowledge link, `Open` with a link. */
export function ntfyMessage(
  topic: string,
  notification: Pick<OutgoingNotification, 'context' | 'url' | 'ackUrl'>,
): NtfyMessage {
  const { context, url, ackUrl } = notification;
  return {
    topic,
    title: `[${context.severity}] ${context.service}: ${context.title}`,
    message: `${context.incidentId} · ${context.status} · ${context.alertCount} alert(s)${context.reason ? ` · ${context.reason}` : ''}`,
    priority: ntfyPriority[context.severity],
    tags: [context.severity === 'SEV1' ? 'rotating_light' : 'warning'],
    ...(url ? { click: url } : {}),
    actions: [
      ...(ackUrl
        ? [
            {
              action: 'http' as const,
              label: 'Acknowledge',
              url: ackUrl,
              method: 'POST' as const,
              clear: true,
            },
          ]
        : []),
      ...(url ? [{ action: 'view' as const, label: 'Open', url }] : []),
    ],
  };
}

function ntfyTarget(method: Extract<ContactMethod, { type: 'ntfy' }>, destination: string): ChannelTarget {
  return {
    destination,
    missingSettings: ({ secrets }) => (method.tokenEnv && !secrets[method.tokenEnv] ? [method.tokenEnv] : []),
    async send(notification, deps) {
      return { detail: await sendNtfy(method, ntfyMessage(method.topic, notification), deps) };
    },
  };
}

/** ntfy topics people subscribed to in the ntfy app (ntfy.sh or a self-hosted server). */
export const ntfyChannel: ChannelModule<'ntfy'> = {
  type: 'ntfy',
  targets: () => [],
  contactMethods: {
    // Nothing server-wide to configure: each method names its server (and its token's variable).
    inUse: () => false,
    missingSettings: () => [],
    target: (method, destination) => {
      if (method.type !== 'ntfy') throw new TypeError(`${method.id} is not an ntfy method`);
      return ntfyTarget(method, destination);
    },
  },
};
