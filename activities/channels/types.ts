import type { Transporter } from 'nodemailer';
import type { ContactMethod } from '../../domain/contact-methods';
import type { ChannelType, NotificationContext } from '../../domain/incident';
import type { EgressPolicy } from '../../infra/egress';
import type { OnCallCatalog } from '../../domain/oncall';
import type { TwilioCallback } from '../../infra/reach/send';
import type { SlackApp } from '../slack-app';

/**
 * What a channel's settings are checked against: the environment, and whether the clients built
 * from SMTP_URL (a mail transport) and SLACK_BOT_TOKEN (the Slack app) exist.
 */
export interface ChannelSettings {
  secrets: Record<string, string | undefined>;
  mailer: boolean;
  slackApp: boolean;
}

/** What every channel module sends with: built once by the notification activities. */
export interface ChannelDeps {
  catalog: OnCallCatalog;
  secrets: Record<string, string | undefined>;
  /** Per-request timeout for HTTP channels. */
  httpTimeoutMs: number;
  mailer?: Transporter;
  mailFrom: string;
  slackApp?: SlackApp;
  /** Base URL of the API: Twilio's status callbacks and the voice menu's action are under it. */
  publicUrl?: string;
  /** Where person-supplied URLs (push endpoints, ntfy servers) may be reached (FIRELINE_EGRESS_ALLOW). */
  egress?: EgressPolicy;
}

/** One notification on its way out. */
export interface OutgoingNotification {
  /** With actors as people read them (the catalog's names). */
  context: NotificationContext;
  /** With actors as the workflow holds them: the Slack app mentions people instead of naming them. */
  actorContext: NotificationContext;
  /** Same for every attempt of one delivery: receivers can drop repeats. */
  idempotencyKey: string;
  /** An earlier attempt of this delivery may have sent it, though the activity's attempt is its first. */
  retried?: boolean;
  /** Link to the incident in the API, when PUBLIC_URL is set. */
  url?: string;
  /** The paged person's short code for this incident: an SMS asks for `<code>a` / `<code>e` in reply. */
  replyCode?: string;
  /** Which person, incident and step Twilio's callbacks (status, keypress) are for. */
  twilioCallback?: TwilioCallback;
  /** A storm bundle: this many more incidents are pending for the person, acknowledged together by `a all`. */
  bundle?: { more: number };
  /**
   * A signed, short-lived link for the paged person to acknowledge the incident
   * (infra/action-links.ts): email pages carry it, push and ntfy offer it as a button.
   */
  ackUrl?: string;
}

export interface SendResult {
  detail: string;
  /** The Slack app posted the incident's message: the workflow keeps it up to date from then on. */
  chatMessage?: boolean;
}

/** One destination of a channel type: a catalog channel, or a person's email address. */
export interface ChannelTarget {
  /** The catalog id deliveries name it by (`person:<id>` for a person's email). */
  destination: string;
  /** The variables it needs that `settings` lack, in the order they are needed. */
  missingSettings(settings: ChannelSettings): string[];
  /** Sends one notification; fails without retry when a setting is missing. */
  send(notification: OutgoingNotification, deps: ChannelDeps): Promise<SendResult>;
}

/** How a channel type reaches people's own contact methods of that type (stored in MongoDB, not in the catalog). */
export interface ContactMethodChannel {
  /**
   * Whether the operator set any of the provider's variables: the worker then
   * checks at start that all it needs are set (contact methods are added at
   * run time, so the catalog cannot say whether they will be used).
   */
  inUse(settings: ChannelSettings): boolean;
  /** The provider variables `settings` lack (a method's own variables are checked when sending). */
  missingSettings(settings: ChannelSettings): string[];
  /** The verified method as a destination named `destination` (`contact:<person>:<method>`). */
  target(method: ContactMethod, destination: string): ChannelTarget;
}

/** A way to reach people: one per channel type, registered in channels/index.ts. */
export interface ChannelModule<T extends ChannelType = ChannelType> {
  type: T;
  /** Every destination of this type the catalog has. */
  targets(catalog: OnCallCatalog): ChannelTarget[];
  /** Set by the types a person's contact method can be (sms, voice, push, ntfy). */
  contactMethods?: ContactMethodChannel;
}
