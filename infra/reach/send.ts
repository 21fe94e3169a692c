import { ApplicationFailure } from '@temporalio/common';
import type { WebClient } from '@slack/web-api';
import type { Transporter } from 'nodemailer';
import {
  maskPhone,
  maskPhonesIn,
  type ContactMethod,
  type PushSubscriptionKeys,
} from '../../domain/contact-methods';
import type { EgressPolicy } from '../egress';
import { publishNtfy, type NtfyMessage } from './ntfy';
import { endpointRefusal, missingVapidSettings, PushRejected, sendWebPush, vapidSettings } from './push';
import { isTwilioRefusal, twilioClient, twilioSettings, type TwilioSettings } from './twilio';

/**
 * What sending to a person's contact method needs: the environment (provider
 * credentials, looked up by name), PUBLIC_URL for Twilio's callbacks, the
 * egress policy for person-supplied URLs, and a mail transport for email.
 */
export interface ReachDeps {
  secrets: Record<string, string | undefined>;
  httpTimeoutMs: number;
  publicUrl?: string;
  egress?: EgressPolicy;
  mailer?: Transporter;
  mailFrom?: string;
  /** The Slack app's client (SLACK_BOT_TOKEN), for direct messages. */
  slack?: WebClient;
}

type Method<T extends ContactMethod['type']> = Extract<ContactMethod, { type: T }>;

/** The Twilio settings from the environment; fails without retry when one is missing. */
function requireTwilio(deps: Pick<ReachDeps, 'secrets'>): TwilioSettings {
  const settings = twilioSettings(deps.secrets);
  if (!settings) {
    throw ApplicationFailure.nonRetryable(
      'Twilio is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET) and TWILIO_FROM',
      'ChannelNotConfigured',
    );
  }
  return settings;
}

/**
 * Runs one Twilio request. A refusal (4xx but 429) fails without retry; its
 * message, which may quote the number, is masked before it reaches the
 * timeline or Temporal's history.
 */
async function callTwilio<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    const message = maskPhonesIn(err instanceof Error ? err.message : String(err));
    if (isTwilioRefusal(err)) {
      throw ApplicationFailure.nonRetryable(
        `Twilio refused the ${what}: ${message}${err.code ? ` (error ${err.code})` : ''}`,
        'NotificationRejected',
      );
    }
    throw ApplicationFailure.retryable(`Twilio ${what} failed: ${message}`, 'TwilioUnavailable');
  }
}

/**
 * Which person, incident and step a call or text belongs to: the query of the
 * URLs Twilio calls back (`?person=bob&incident=INC-…&step=s1`), which the
 * signature covers as a whole.
 */
export interface TwilioCallback {
  personId: string;
  incidentId: string;
  stepId: string;
}

/**
 * `https://fireline.example/v1/integrations/twilio/<path>[?person=…&incident=…&step=…]`,
 * from PUBLIC_URL and Fireline's own ids only (never from an alert).
 */
export function twilioWebhookUrl(
  publicUrl: string,
  path: 'voice' | 'status' | 'sms',
  callback?: TwilioCallback,
): string {
  const base = `${publicUrl.replace(/\/+$/, '')}/v1/integrations/twilio/${path}`;
  if (!callback) return base;
  const query = new URLSearchParams({
    person: callback.personId,
    incident: callback.incidentId,
    step: callback.stepId,
  });
  return `${base}?${query.toString()}`;
}

/** PUBLIC_URL, which a call's keypress and status callbacks are sent to; fails without retry when unset. */
export function requirePublicUrl(deps: Pick<ReachDeps, 'publicUrl'>): string {
  if (!deps.publicUrl) {
    throw ApplicationFailure.nonRetryable(
      'voice calls need PUBLIC_URL: the keypress and status callbacks are sent there',
      'ChannelNotConfigured',
    );
  }
  return deps.publicUrl;
}

/** One SMS through Twilio; answers a detail with the number masked. */
export async function sendSms(
  number: string,
  body: string,
  deps: ReachDeps,
  callback?: TwilioCallback,
): Promise<string> {
  const settings = requireTwilio(deps);
  const client = await twilioClient(settings, deps.httpTimeoutMs);
  const message = await callTwilio('SMS', () =>
    client.messages.create({
      to: number,
      ...(settings.from.startsWith('MG') ? { messagingServiceSid: settings.from } : { from: settings.from }),
      body,
      ...(deps.publicUrl ? { statusCallback: twilioWebhookUrl(deps.publicUrl, 'status', callback) } : {}),
    }),
  );
  return `SMS to ${maskPhone(number)} ${message.status} (${message.sid})`;
}

/** Places one call through Twilio speaking `twiml`; answers a detail with the number masked. */
export async function placeCall(
  number: string,
  twiml: string,
  deps: ReachDeps,
  callback?: TwilioCallback,
): Promise<string> {
  const settings = requireTwilio(deps);
  const publicUrl = requirePublicUrl(deps);
  if (settings.from.startsWith('MG')) {
    throw ApplicationFailure.nonRetryable(
      'voice calls need TWILIO_FROM to be a phone number, not a messaging service',
      'ChannelNotConfigured',
    );
  }
  const client = await twilioClient(settings, deps.httpTimeoutMs);
  const call = await callTwilio('call', () =>
    client.calls.create({
      to: number,
      from: settings.from,
      twiml,
      statusCallback: twilioWebhookUrl(publicUrl, 'status', callback),
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      statusCallbackMethod: 'POST',
      // Rings this long before Twilio gives up (no-answer).
      timeout: 30,
      // Answering machine detection: the status callback's AnsweredBy says a voicemail took the
      // call (machine_start, fax), and the pager moves on to the next rule at once.
      machineDetection: 'Enable',
    }),
  );
  return `call to ${maskPhone(number)} ${call.status} (${call.sid})`;
}

/** A button of a push notification; the service worker POSTs `acknowledge` to its signed, single-use URL. */
export interface PushAction {
  action: 'acknowledge' | 'open';
  title: string;
  url: string;
}

/**
 * What Fireline's service worker receives (decrypted) and shows:
 * `showNotification(title, { body, tag, requireInteraction: urgency === 'high', actions })`.
 */
export interface PushPayload {
  kind: 'incident.page' | 'contact.verification' | 'contact.test';
  title: string;
  body: string;
  urgency: 'high' | 'normal';
  /** Replaces an earlier notification with the same tag (`incident-<id>`). */
  tag: string;
  incidentId?: string;
  /** Opened on a tap. */
  openUrl?: string;
  /** `acknowledge` appears only with a signed acknowledge link. */
  actions: PushAction[];
}

function requireEgress(deps: Pick<ReachDeps, 'egress'>): EgressPolicy {
  if (!deps.egress) {
    throw ApplicationFailure.nonRetryable(
      'no egress policy to reach person-supplied URLs with',
      'ChannelNotConfigured',
    );
  }
  return deps.egress;
}

/** Sends one push message; refuses an endpoint that is not https (unless allowed), without retry. */
export async function sendPush(
  subscription: PushSubscriptionKeys,
  payload: PushPayload,
  deps: ReachDeps,
): Promise<string> {
  const vapid = vapidSettings(deps.secrets);
  if (!vapid) {
    throw ApplicationFailure.nonRetryable(
      `push is not configured: set ${missingVapidSettings(deps.secrets).join(', ')}`,
      'ChannelNotConfigured',
    );
  }
  const egress = requireEgress(deps);
  const refusal = endpointRefusal(subscription.endpoint, egress);
  if (refusal) throw ApplicationFailure.nonRetryable(`the push endpoint ${refusal}`, 'EgressRefused');
  const host = new URL(subscription.endpoint).host;
  try {
    const status = await sendWebPush(
      {
        subscription,
        payload: JSON.stringify(payload),
        vapid,
        // A page older than an hour is news, not a page.
        ttlSeconds: 3600,
        urgency: payload.urgency,
        topic: payload.incidentId?.replace(/[^A-Za-z0-9_-]/g, '').slice(-32) || undefined,
        timeoutMs: deps.httpTimeoutMs,
      },
      egress,
    );
    return `push via ${host}: HTTP ${status}`;
  } catch (err) {
    if (err instanceof PushRejected && err.status !== 429 && err.status < 500) {
      throw ApplicationFailure.nonRetryable(`push via ${host}: ${err.message}`, 'NotificationRejected');
    }
    throw err;
  }
}

/** Publishes one message to a person's ntfy topic, its token read from the variable the method names. */
export async function sendNtfy(
  method: Method<'ntfy'>,
  message: NtfyMessage,
  deps: ReachDeps,
): Promise<string> {
  const egress = requireEgress(deps);
  const refusal = endpointRefusal(method.server, egress);
  if (refusal) throw ApplicationFailure.nonRetryable(`the ntfy server ${refusal}`, 'EgressRefused');
  let token: string | undefined;
  if (method.tokenEnv) {
    token = deps.secrets[method.tokenEnv];
    if (!token) {
      throw ApplicationFailure.nonRetryable(
        `ntfy ${method.id}: environment variable ${method.tokenEnv} is not set`,
        'ChannelNotConfigured',
      );
    }
  }
  const id = await publishNtfy(
    { server: method.server, token, message, timeoutMs: deps.httpTimeoutMs },
    egress,
  );
  return `ntfy ${new URL(method.server).host}: message ${id}`;
}

/** One plain email (the code or a test page). */
export async function sendEmail(
  address: string,
  subject: string,
  text: string,
  deps: ReachDeps,
): Promise<string> {
  if (!deps.mailer) {
    throw ApplicationFailure.nonRetryable('email is not configured: set SMTP_URL', 'ChannelNotConfigured');
  }
  await deps.mailer.sendMail({ from: deps.mailFrom, to: address, subject, text });
  return `email to ${address}`;
}

/** The app's direct message conversation with a Slack user (https://api.slack.com/methods/conversations.open). */
export async function openSlackDirectMessage(slack: WebClient, slackUserId: string): Promise<string> {
  const opened = await slack.conversations.open({ users: slackUserId });
  const id = opened.channel?.id;
  if (!id) throw ApplicationFailure.retryable('Slack conversations.open answered without a channel');
  return id;
}

/** A direct message from the Slack app to a person. */
export async function sendSlackDirectMessage(
  slackUserId: string,
  text: string,
  deps: ReachDeps,
): Promise<string> {
  if (!deps.slack) {
    throw ApplicationFailure.nonRetryable(
      'Slack direct messages need the Slack app: set SLACK_BOT_TOKEN',
      'ChannelNotConfigured',
    );
  }
  const conversation = await openSlackDirectMessage(deps.slack, slackUserId);
  const posted = await deps.slack.chat.postMessage({ channel: conversation, text, mrkdwn: false });
  return `Slack direct message ${posted.ts ?? ''} to ${slackUserId}`.replace('  ', ' ');
}
