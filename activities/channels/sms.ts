import type { ContactMethod } from '../../domain/contact-methods';
import { sendSms } from '../../infra/reach/send';
import { missingTwilioSettings, twilioConfigured } from '../../infra/reach/twilio';
import type { ChannelModule, ChannelTarget, OutgoingNotification } from './types';

/** Longest SMS body sent: two segments of 160 GSM characters. */
const MAX_SMS_LENGTH = 320;

/**
 * `[SEV1] payments: Card authorisations failing — reply 4821a to acknowledge, 4821e to escalate`:
 * the reply instructions only with a reply code; the title shortened to keep the body in two segments.
 */
export function smsText({
  context,
  replyCode,
  bundle,
}: Pick<OutgoingNotification, 'context' | 'replyCode' | 'bundle'>): string {
  const head = `[${context.severity}] ${context.service}: `;
  const codes = replyCode ? ` — reply ${replyCode}a to acknowledge, ${replyCode}e to escalate` : '';
  // A storm bundle: the first incident, then how many more and how to acknowledge them all.
  const more = bundle
    ? ` … and ${bundle.more} more incident${bundle.more === 1 ? '' : 's'} — reply 'a all' to acknowledge all`
    : '';
  const tail = `${codes}${more}`;
  const room = MAX_SMS_LENGTH - head.length - tail.length;
  const title =
    context.title.length > room ? `${context.title.slice(0, Math.max(room - 1, 0))}…` : context.title;
  return `${head}${title}${tail}`;
}

/** A person's verified phone number, paged by SMS. */
function smsTarget(method: Extract<ContactMethod, { type: 'sms' }>, destination: string): ChannelTarget {
  return {
    destination,
    missingSettings: ({ secrets }) => missingTwilioSettings(secrets),
    async send(notification, deps) {
      return {
        detail: await sendSms(method.number, smsText(notification), deps, notification.twilioCallback),
      };
    },
  };
}

/** SMS to people's contact methods through Twilio (or a provider with its API at TWILIO_API_URL). */
export const smsChannel: ChannelModule<'sms'> = {
  type: 'sms',
  targets: () => [],
  contactMethods: {
    inUse: ({ secrets }) => twilioConfigured(secrets),
    missingSettings: ({ secrets }) => missingTwilioSettings(secrets),
    target: (method, destination) => {
      if (method.type !== 'sms') throw new TypeError(`${method.id} is not an sms method`);
      return smsTarget(method, destination);
    },
  },
};
