import type { ContactMethod, ContactMethodType } from '../../domain/contact-methods';
import { missingVapidSettings } from './push';
import {
  placeCall,
  sendEmail,
  sendNtfy,
  sendPush,
  sendSlackDirectMessage,
  sendSms,
  type ReachDeps,
} from './send';
import { missingTwilioSettings, voiceResponse } from './twilio';

/** A message to a person about their contact method itself: its confirmation code, or a test page. */
export interface ContactMessage {
  kind: 'contact.verification' | 'contact.test';
  /** One line: the SMS, the push title, the email subject. */
  text: string;
  /** What a call says (digits spelled out so they are read one by one). */
  speech: string;
}

/** How a contact method type is sent a message of its own (the pages themselves are the channel modules'). */
interface ContactMessenger<T extends ContactMethodType> {
  /** The variables it needs that are not set (email: SMTP_URL). */
  missingSettings(deps: Pick<ReachDeps, 'secrets' | 'mailer' | 'publicUrl' | 'slack'>): string[];
  send(
    method: Extract<ContactMethod, { type: T }>,
    message: ContactMessage,
    deps: ReachDeps,
  ): Promise<string>;
}

/** A call that says the message twice and hangs up. */
async function spoken(speech: string): Promise<string> {
  const response = await voiceResponse();
  response.say(speech);
  response.pause({ length: 1 });
  response.say(speech);
  return response.toString();
}

/** How each contact method type is sent its confirmation code and test page. */
export const contactMessengers: { [T in ContactMethodType]?: ContactMessenger<T> } = {
  email: {
    missingSettings: ({ mailer }) => (mailer ? [] : ['SMTP_URL']),
    send: (method, message, deps) => sendEmail(method.address, message.text, message.text, deps),
  },
  sms: {
    missingSettings: ({ secrets }) => missingTwilioSettings(secrets),
    send: (method, message, deps) => sendSms(method.number, message.text, deps),
  },
  voice: {
    missingSettings: ({ secrets, publicUrl }) => [
      ...missingTwilioSettings(secrets),
      ...(publicUrl ? [] : ['PUBLIC_URL']),
    ],
    send: async (method, message, deps) => placeCall(method.number, await spoken(message.speech), deps),
  },
  push: {
    missingSettings: ({ secrets }) => missingVapidSettings(secrets),
    send: (method, message, deps) =>
      sendPush(
        method.subscription,
        {
          kind: message.kind,
          title: 'Fireline',
          body: message.text,
          urgency: 'normal',
          tag: message.kind,
          actions: [],
        },
        deps,
      ),
  },
  ntfy: {
    missingSettings: () => [],
    send: (method, message, deps) =>
      sendNtfy(method, { topic: method.topic, title: 'Fireline', message: message.text, priority: 3 }, deps),
  },
  slack_dm: {
    missingSettings: ({ slack }) => (slack ? [] : ['SLACK_BOT_TOKEN']),
    send: (method, message, deps) => sendSlackDirectMessage(method.slackUserId, message.text, deps),
  },
};

/** The messenger of a type, for any method (the catalog pairs each type with its own methods). */
export function contactMessenger(type: ContactMethodType): ContactMessenger<ContactMethodType> | undefined {
  return contactMessengers[type] as ContactMessenger<ContactMethodType> | undefined;
}
