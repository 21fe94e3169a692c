import type { Transporter } from 'nodemailer';
import type { ChannelType, NotificationContext } from '../../domain/incident';
import type { OnCallCatalog } from '../../domain/oncall';
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
}

/** One notification on its way out. */
export interface OutgoingNotification {
  /** With actors as people read them (the catalog's names). */
  context: NotificationContext;
  /** With actors as the workflow holds them: the Slack app mentions people instead of naming them. */
  actorContext: NotificationContext;
  /** Same for every attempt of one delivery: receivers can drop repeats. */
  idempotencyKey: string;
  /** Link to the incident in the API, when PUBLIC_URL is set. */
  url?: string;
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

/** A way to reach people: one per channel type, registered in channels/index.ts. */
export interface ChannelModule<T extends ChannelType = ChannelType> {
  type: T;
  /** Every destination of this type the catalog has. */
  targets(catalog: OnCallCatalog): ChannelTarget[];
}
