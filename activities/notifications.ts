import { ApplicationFailure } from '@temporalio/common';
import type { WebClient } from '@slack/web-api';
import type { Transporter } from 'nodemailer';
import { actionLinkUrl, type ActionLinkSettings, type ActionLinkVia } from '../infra/action-links';
import type { ContactMethodReader } from '../infra/contact-methods';
import type { DevInbox } from '../infra/dev-inbox';
import type { EgressPolicy } from '../infra/egress';
import { metrics } from '../infra/metrics';
import type { DevInboxAnswerable, Models } from '../infra/models';
import { commanderActor } from '../domain/actors';
import type { Incident, NotificationContext, PlannedDelivery, TimelineEntry } from '../domain/incident';
import { actorName, majorResponseSettings, type OnCallCatalog } from '../domain/oncall';
import { parseContactDestination } from '../domain/contact-methods';
import {
  channelTarget,
  contactMethodTarget,
  type ChannelDeps,
  type ChannelSettings,
  type ChannelTarget,
} from './channels';
import { postSigned } from './channels/signed-post';
import type { TwilioCallback } from '../infra/reach/send';
import { createSlackApp } from './slack-app';
import { catalogWith, type RuntimeOnCallReader } from '../infra/runtime-oncall';

export interface NotificationDeps {
  catalog: OnCallCatalog;
  /** The on-call model made at run time, as last read: people made at run time are reached and named too. */
  runtimeOnCall?: Pick<RuntimeOnCallReader, 'lastKnown'>;
  /** Where channel URLs and secrets are looked up by name (process.env in production). */
  secrets: Record<string, string | undefined>;
  /** Base URL of the API, for links to the incident. */
  publicUrl?: string;
  /** Signs the one-click acknowledge links of email, push and ntfy pages; none = no links. */
  actionLinks?: ActionLinkSettings;
  /** SMTP transport for email; email deliveries fail clearly without one. */
  mailer?: Transporter;
  mailFrom: string;
  /** Per-request timeout for webhooks. */
  httpTimeoutMs?: number;
  /** Development only: where pages for channels that are not configured go instead of failing. */
  devInbox?: DevInbox;
  /** The Slack app's Web API client (SLACK_BOT_TOKEN); Slack channels with a `slackChannelId` use it. */
  slack?: WebClient;
  /** Where the Slack app keeps its messages' ids; needed with `slack`. */
  models?: Pick<Models, 'ChatMessage'>;
  /** People's verified contact methods (`contact:<person>:<method>` destinations), with their outage fallback. */
  contactMethods?: ContactMethodReader;
  /** Where person-supplied URLs (push endpoints, ntfy servers) may be reached (FIRELINE_EGRESS_ALLOW). */
  egress?: EgressPolicy;
}

export interface DeliverInput {
  delivery: PlannedDelivery;
  context: NotificationContext;
  /** Same for every attempt of one delivery: receivers can drop repeats. */
  idempotencyKey: string;
  /** An earlier attempt of this delivery (its first, made with the step's plan) may have sent it. */
  retried?: boolean;
  /**
   * The paged person's short code for this incident (digits, allocated by the
   * inbound reply handling): an SMS asks for `<code>a` to acknowledge, `<code>e` to escalate.
   */
  replyCode?: string;
  /** Which person, incident and step Twilio's status and keypress callbacks are for (a person's pager sets it). */
  twilioCallback?: TwilioCallback;
  /** A storm bundle: this many more of the person's incidents are pending. */
  bundle?: { more: number };
}

export interface DeliverResult {
  detail: string;
  /** Kept in the development inbox, not sent. */
  devInbox?: boolean;
  /** The Slack app posted the incident's message. */
  chatMessage?: boolean;
}

export interface BridgeRequest {
  incidentId: string;
  title: string;
  service: string;
  severity: string;
  team: string;
  policyId: string;
}

export function incidentUrl(publicUrl: string | undefined, incidentId: string): string | undefined {
  return publicUrl
    ? `${publicUrl.replace(/\/$/, '')}/v1/incidents/${encodeURIComponent(incidentId)}`
    : undefined;
}

/** What the channels' settings are checked against, from the notification dependencies. */
export function channelSettingsOf(
  deps: Pick<NotificationDeps, 'secrets' | 'mailer' | 'slack'>,
): ChannelSettings {
  return { secrets: deps.secrets, mailer: Boolean(deps.mailer), slackApp: Boolean(deps.slack) };
}

/** The channel types whose pages carry a signed acknowledge link, and how the timeline names them. */
const linkVia: Partial<Record<PlannedDelivery['channelType'], ActionLinkVia>> = {
  email: 'email link',
  push: 'push',
  ntfy: 'ntfy',
};

/**
 * The signed acknowledge link of a page to one person's own destination (their
 * email address, one of their contact methods): built here, when sending, so the
 * token never enters the workflow's history. None for a shared channel (an email
 * list, a person's catalog channel), where others could follow it as that person.
 */
function ackUrlOf(
  delivery: PlannedDelivery,
  incidentId: string,
  settings: ActionLinkSettings | undefined,
): string | undefined {
  const via = linkVia[delivery.channelType];
  const personId = delivery.personId;
  if (!settings || !via || !personId) return undefined;
  const own =
    delivery.destination === `person:${personId}` ||
    parseContactDestination(delivery.destination)?.personId === personId;
  return own ? actionLinkUrl(settings, { incidentId, personId, action: 'acknowledge', via }) : undefined;
}

/** The context with actors as people read them: the catalog's names. */
function withNames(catalog: OnCallCatalog, context: NotificationContext): NotificationContext {
  if (!context.response) return context;
  const name = (actor: string) => actorName(catalog, actor);
  return {
    ...context,
    response: {
      ...context.response,
      commander: context.response.commander && name(commanderActor(context.response.commander)),
      responders: context.response.responders.map(name),
    },
  };
}

/**
 * Sends one planned notification through its channel type's module. With the development inbox,
 * a page whose channel lacks a setting is kept there instead.
 */
/** A text or call to a person kept in the inbox is answered there as from their phone. */
function answerableOf({ delivery, replyCode, twilioCallback }: DeliverInput): {
  answerable?: DevInboxAnswerable;
} {
  const { channelType, personId } = delivery;
  if ((channelType !== 'sms' && channelType !== 'voice') || !personId) return {};
  return {
    answerable: {
      personId,
      channelType,
      ...(replyCode ? { replyCode } : {}),
      ...(twilioCallback ? { stepId: twilioCallback.stepId } : {}),
    },
  };
}

async function deliver(
  input: DeliverInput,
  deps: ChannelDeps &
    Pick<NotificationDeps, 'publicUrl' | 'devInbox' | 'slack' | 'contactMethods' | 'actionLinks'>,
): Promise<DeliverResult> {
  const { delivery, idempotencyKey } = input;
  const target = await targetOf(delivery, deps);
  const context = withNames(deps.catalog, input.context);
  if (deps.devInbox) {
    const [missing] = target.missingSettings(channelSettingsOf(deps));
    if (missing) {
      await deps.devInbox.keep({
        _id: idempotencyKey,
        incidentId: context.incidentId,
        title: context.title,
        severity: context.severity,
        status: context.status,
        label: delivery.label,
        reason: context.reason,
        missing,
        ...answerableOf(input),
      });
      return { detail: `${missing} is not set`, devInbox: true };
    }
  }
  const ackUrl = ackUrlOf(delivery, context.incidentId, deps.actionLinks);
  return target.send(
    {
      context,
      actorContext: input.context,
      idempotencyKey,
      ...(input.retried ? { retried: true } : {}),
      url: incidentUrl(deps.publicUrl, context.incidentId),
      ...(input.replyCode ? { replyCode: input.replyCode } : {}),
      ...(input.twilioCallback ? { twilioCallback: input.twilioCallback } : {}),
      ...(input.bundle ? { bundle: input.bundle } : {}),
      ...(ackUrl ? { ackUrl } : {}),
    },
    deps,
  );
}

/** The destination a delivery names: a catalog one, or a person's verified contact method of the delivery's type. */
async function targetOf(
  delivery: DeliverInput['delivery'],
  deps: Pick<ChannelDeps, 'catalog'> & Pick<NotificationDeps, 'contactMethods'>,
): Promise<ChannelTarget> {
  const contact = parseContactDestination(delivery.destination);
  if (!contact) return channelTarget(deps.catalog, delivery.channelType, delivery.destination);
  const method = await deps.contactMethods?.verifiedMethod(contact.personId, contact.methodId);
  if (!method || method.type !== delivery.channelType) {
    throw ApplicationFailure.nonRetryable(
      `${contact.personId} has no verified ${delivery.channelType} contact method ${contact.methodId}`,
      'ChannelNotConfigured',
    );
  }
  return contactMethodTarget(method, delivery.destination);
}

/**
 * Asks the team's bridge webhook for a conference bridge for a major incident. The same
 * idempotency key on every attempt; the answer must be `{ "url": "https://…" }`.
 */
async function requestBridge(
  input: BridgeRequest,
  deps: Pick<ChannelDeps, 'catalog' | 'secrets' | 'httpTimeoutMs'> & Pick<NotificationDeps, 'publicUrl'>,
): Promise<{ url: string }> {
  const hook = majorResponseSettings(deps.catalog, input.team, input.policyId)?.bridgeWebhook;
  if (!hook) {
    throw ApplicationFailure.nonRetryable(
      `no bridge webhook is configured for team ${input.team}`,
      'ChannelNotConfigured',
    );
  }
  const setting = (name: string) => {
    const value = deps.secrets[name];
    if (!value) {
      throw ApplicationFailure.nonRetryable(
        `environment variable ${name} is not set`,
        'ChannelNotConfigured',
      );
    }
    return value;
  };
  const { text } = await postSigned({
    url: setting(hook.urlEnv),
    secret: hook.secretEnv && setting(hook.secretEnv),
    idempotencyKey: `${input.incidentId}:bridge`,
    body: () => ({
      type: 'incident.bridge.requested',
      incidentId: input.incidentId,
      title: input.title,
      service: input.service,
      severity: input.severity,
      team: input.team,
      incidentUrl: incidentUrl(deps.publicUrl, input.incidentId),
    }),
    timeoutMs: deps.httpTimeoutMs,
    label: 'bridge webhook: ',
  });
  let url: unknown;
  try {
    url = (JSON.parse(text) as { url?: unknown } | null)?.url;
  } catch {
    url = undefined;
  }
  if (typeof url !== 'string' || !/^https:\/\/[^\s]{1,2000}$/.test(url)) {
    throw ApplicationFailure.nonRetryable(
      'the bridge webhook answered without a "url" starting with https://',
      'NotificationRejected',
    );
  }
  return { url };
}

export function createNotificationActivities(deps: NotificationDeps) {
  // The copy planning read moments before: a delivery never waits on MongoDB for it.
  const catalogOf = catalogWith(deps.catalog);
  const catalogNow = () => (deps.runtimeOnCall ? catalogOf(deps.runtimeOnCall.lastKnown()) : deps.catalog);
  const slackApp =
    deps.slack && deps.models
      ? createSlackApp({
          slack: deps.slack,
          get catalog() {
            return catalogNow();
          },
          models: deps.models,
        })
      : undefined;
  const baseChannelDeps = { ...deps, httpTimeoutMs: deps.httpTimeoutMs ?? 10_000, slackApp };
  return {
    /** Brings the incident's chat messages up to date and posts the new entries in their threads. */
    async syncChatMessages(input: { incident: Incident; entries: TimelineEntry[] }): Promise<void> {
      if (!slackApp) return;
      await slackApp.sync(
        input.incident,
        input.entries,
        incidentUrl(deps.publicUrl, input.incident.incidentId),
      );
    },

    /** Asks the team's bridge webhook for a major incident's conference bridge. */
    async createBridge(input: BridgeRequest): Promise<{ url: string }> {
      return requestBridge(input, baseChannelDeps);
    },

    /** Sends one planned notification. Retried by the workflow; the idempotency key is the same on every attempt. */
    async deliverNotification(input: DeliverInput): Promise<DeliverResult> {
      try {
        const result = await deliver(input, { ...baseChannelDeps, catalog: catalogNow() });
        metrics.notifications.inc({
          channel: input.delivery.channelType,
          outcome: result.devInbox ? 'dev_inbox' : 'sent',
        });
        return result;
      } catch (err) {
        metrics.notifications.inc({ channel: input.delivery.channelType, outcome: 'failed' });
        throw err;
      }
    },
  };
}
