import { ApplicationFailure } from '@temporalio/common';
import { channelsOfType, type OnCallCatalog } from '../../domain/oncall';
import type { ChannelModule, ChannelTarget, OutgoingNotification } from './types';

/** The plain-text body of an incident email. */
export function emailText({
  context,
  url,
  ackUrl,
}: Pick<OutgoingNotification, 'context' | 'url' | 'ackUrl'>): string {
  return [
    `${context.title}`,
    ``,
    // The link opens a page with a button: a mail scanner following it acknowledges nothing.
    ...(ackUrl ? [`Acknowledge: ${ackUrl}`, ``] : []),
    `Incident: ${context.incidentId}${url ? ` (${url})` : ''}`,
    `Service: ${context.service}  Team: ${context.team}  Status: ${context.status}`,
    `Severity: ${context.severity}  Priority: ${context.priority}${context.major ? '  MAJOR INCIDENT' : ''}`,
    `Alerts: ${context.alertCount}  Why you: ${context.reason}`,
    ...(context.response
      ? [
          `Bridge: ${context.response.bridgeUrl ?? 'none yet'}`,
          `Commander: ${context.response.commander ?? 'unclaimed'}`,
          `Responders: ${context.response.responders.join(', ') || 'none yet'}`,
        ]
      : []),
    ...Object.entries(context.labels ?? {}).map(([name, value]) => `Label ${name}: ${value}`),
    ...context.links.map((l) => `${l.text ?? 'Link'}: ${l.href}`),
  ].join('\n');
}

/** Email over SMTP (SMTP_URL) to some addresses: a person's, or an email channel's list. */
function emailTarget(destination: string, recipients: string[]): ChannelTarget {
  return {
    destination,
    missingSettings: ({ mailer }) => (mailer ? [] : ['SMTP_URL']),
    async send({ context, idempotencyKey, url, ackUrl }, deps) {
      if (!deps.mailer) {
        throw ApplicationFailure.nonRetryable(
          'email is not configured: set SMTP_URL',
          'ChannelNotConfigured',
        );
      }
      const info = (await deps.mailer.sendMail({
        from: deps.mailFrom,
        to: recipients,
        subject: `[${context.severity}/${context.priority}] ${context.title}`,
        // Receivers that see the same Message-ID twice show one message.
        messageId: `<${idempotencyKey.replace(/[^A-Za-z0-9.:-]/g, '-')}@fireline>`,
        text: emailText({ context, url, ackUrl }),
        headers: { 'X-Fireline-Incident': context.incidentId, 'Idempotency-Key': idempotencyKey },
      })) as { accepted?: unknown[] };
      return { detail: `email accepted for ${info.accepted?.length ?? recipients.length} recipient(s)` };
    },
  };
}

/** Email: every person with an address (`person:<id>`), every email channel, and people's email contact methods. */
export const emailChannel: ChannelModule<'email'> = {
  type: 'email',
  targets: (catalog: OnCallCatalog) => [
    ...catalog.people.flatMap((person) =>
      person.email ? [emailTarget(`person:${person.id}`, [person.email])] : [],
    ),
    ...channelsOfType(catalog, 'email').map((channel) => emailTarget(channel.id, channel.to)),
  ],
  contactMethods: {
    // SMTP_URL is one setting for every email: the catalog's addresses check it already.
    inUse: () => false,
    missingSettings: ({ mailer }) => (mailer ? [] : ['SMTP_URL']),
    target: (method, destination) => {
      if (method.type !== 'email') throw new TypeError(`${method.id} is not an email method`);
      return emailTarget(destination, [method.address]);
    },
  },
};
