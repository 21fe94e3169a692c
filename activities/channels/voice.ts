import type { ContactMethod } from '../../domain/contact-methods';
import { placeCall, requirePublicUrl, twilioWebhookUrl } from '../../infra/reach/send';
import { missingTwilioSettings, twilioConfigured, voiceResponse } from '../../infra/reach/twilio';
import { unsetVariables } from './settings';
import type { ChannelModule, ChannelTarget, ChannelSettings, OutgoingNotification } from './types';

/** What a call says about the incident, then the menu. */
export function voiceScript({ context }: Pick<OutgoingNotification, 'context'>): string {
  return (
    `Fireline page. ${context.severity} incident on ${context.service}: ${context.title}. ` +
    `Press 1 to acknowledge. Press 2 to escalate.`
  );
}

/**
 * The call's TwiML: the script inside a one-digit <Gather> whose answer is
 * POSTed to the voice webhook (an absolute URL: Twilio resolves a relative one
 * against the TwiML's own URL, and inline TwiML has none); said twice, then goodbye.
 */
export async function voiceTwiml(script: string, publicUrl: string): Promise<string> {
  const response = await voiceResponse();
  const gather = response.gather({
    numDigits: 1,
    action: twilioWebhookUrl(publicUrl, 'voice'),
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
      const twiml = await voiceTwiml(voiceScript(notification), requirePublicUrl(deps));
      return { detail: await placeCall(method.number, twiml, deps) };
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
