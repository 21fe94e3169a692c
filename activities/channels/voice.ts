import type { ContactMethod } from '../../domain/contact-methods';
import { placeCall, requirePublicUrl, twilioWebhookUrl, type TwilioCallback } from '../../infra/reach/send';
import { missingTwilioSettings, twilioConfigured, voiceResponse } from '../../infra/reach/twilio';
import { unsetVariables } from './settings';
import type { ChannelModule, ChannelTarget, ChannelSettings, OutgoingNotification } from './types';

/** What a call says about the incident, then the menu. */
export function voiceScript({ context, bundle }: Pick<OutgoingNotification, 'context' | 'bundle'>): string {
  const page = `Fireline page. ${context.severity} incident on ${context.service}: ${context.title}.`;
  if (!bundle) return `${page} Press 1 to acknowledge. Press 2 to escalate.`;
  const more = `${bundle.more} more incident${bundle.more === 1 ? '' : 's'}`;
  return `${page} And ${more}. Press 1 to acknowledge them all. Press 2 to escalate this one.`;
}

/**
 * The call's TwiML: the script inside a one-digit <Gather> whose answer is
 * POSTed to the voice webhook (an absolute URL: Twilio resolves a relative one
 * against the TwiML's own URL, and inline TwiML has none); said twice, then goodbye.
 */
export async function voiceTwiml(
  script: string,
  publicUrl: string,
  callback?: TwilioCallback,
): Promise<string> {
  const response = await voiceResponse();
  const gather = response.gather({
    numDigits: 1,
    action: twilioWebhookUrl(publicUrl, 'voice', callback),
    method: 'POST',
    timeout: 10,
  });
  gather.say(script);
  gather.say(script);
  response.say('No key was pressed. Goodbye.');
  return response.toString();
}

function voiceMissing({ secrets }: ChannelSettings): string[] {
  return [...missingTwilioSettings(secrets), ...unsetVariables(secrets, ['PUBLIC_URL'])];
}

function voiceTarget(method: Extract<ContactMethod, { type: 'voice' }>, destination: string): ChannelTarget {
  return {
    destination,
    missingSettings: voiceMissing,
    async send(notification, deps) {
      const callback = notification.twilioCallback;
      const twiml = await voiceTwiml(voiceScript(notification), requirePublicUrl(deps), callback);
      return { detail: await placeCall(method.number, twiml, deps, callback) };
    },
  };
}

/** Voice calls to people's contact methods through Twilio: press 1 to acknowledge, 2 to escalate. */
export const voiceChannel: ChannelModule<'voice'> = {
  type: 'voice',
  targets: () => [],
  contactMethods: {
    inUse: ({ secrets }) => twilioConfigured(secrets),
    missingSettings: voiceMissing,
    target: (method, destination) => {
      if (method.type !== 'voice') throw new TypeError(`${method.id} is not a voice method`);
      return voiceTarget(method, destination);
    },
  },
};
