import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { DevInbox } from '../infra/dev-inbox';
import type { Transporter } from 'nodemailer';
import type { NotificationContext, PlannedDelivery } from '../domain/incident';
import { sendJson } from '../infra/http';
import { metrics } from '../infra/metrics';
import { actorName, majorResponseSettings, type Channel, type OnCallCatalog } from '../domain/oncall';
import type { WebClient } from '@slack/web-api';
import type { Incident, TimelineEntry } from '../domain/incident';
import type { Models } from '../infra/models';
import { createSlackApp, severityEmoji, slackEscape, slackLink } from './slack-app';
import { teamsMessage } from './teams-card';
import { commanderActor } from '../domain/actors';

export interface NotificationDeps {
  catalog: OnCallCatalog;
  /** Where channel URLs and secrets are looked up by name (process.env in production). */
  secrets: Record<string, string | undefined>;
  /** Base URL of the API, for links to the incident. */
  publicUrl?: string;
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
}

export interface DeliverInput {
  delivery: PlannedDelivery;
  context: NotificationContext;
  /** Same for every attempt of one delivery: receivers can drop repeats. */
  idempotencyKey: string;
}

export function incidentUrl(publicUrl: string | undefined, incidentId: string): string | undefined {
  return publicUrl
    ? `${publicUrl.replace(/\/$/, '')}/v1/incidents/${encodeURIComponent(incidentId)}`
    : undefined;
}

/**
 * Slack Block Kit message for an incident notification. What came from the alert (title,
 * service, link texts) goes in plain_text objects, which Slack shows as they are; the top-level
 * `text` (the notification's preview) is escaped and sent with mrkdwn off.
 */
export function slackMessage(context: NotificationContext, url: string | undefined): Record<string, unknown> {
  const headline =
    `${severityEmoji[context.severity] ?? ''} ${context.severity} ${context.priority}${context.major ? ' MAJOR' : ''}: ${context.title}`.trim();
  const links = [...(url ? [{ href: url, text: 'Open incident' }] : []), ...context.links].flatMap(
    (l) => slackLink(l.href, l.text ?? l.href) ?? [],
  );
  const bridge = context.response?.bridgeUrl && slackLink(context.response.bridgeUrl, 'Join the bridge');
  const labels = Object.entries(context.labels ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join('  ');
  const field = (label: string, value: string | number) => ({
    type: 'plain_text',
    text: `${label}\n${value}`,
  });
  return {
    text: slackEscape(headline),
    mrkdwn: false,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headline.slice(0, 150), emoji: true } },
      {
        type: 'section',
        fields: [
          field('Incident', context.incidentId),
          field('Service', context.service),
          field('Status', context.status),
          field('Team', context.team),
          field('Alerts', context.alertCount),
          field('Why', context.reason),
          ...(context.response
            ? [
                field('Commander', context.response.commander ?? 'unclaimed'),
                field('Responders', context.response.responders.join(', ') || 'none yet'),
              ]
            : []),
        ],
      },
      ...(bridge ? [{ type: 'section', text: { type: 'mrkdwn', text: `*Bridge:* ${bridge}` } }] : []),
      // Slack's limit for a text object is 3,000 characters.
      ...(labels
        ? [{ type: 'context', elements: [{ type: 'plain_text', text: labels.slice(0, 2900), emoji: false }] }]
        : []),
      ...(links.length > 0
        ? [
            {
              type: 'context',
              elements: [
                {
                  type: 'mrkdwn',
                  text: links.join(' · '),
                },
              ],
            },
          ]
        : []),
    ],
  };
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function requireSecret(secrets: NotificationDeps['secrets'], name: string, channel: Channel): string {
  const value = secrets[name];
  if (!value) {
    throw ApplicationFailure.nonRetryable(
      `channel ${channel.id}: environment variable ${name} is not set`,
      'ChannelNotConfigured',
    );
  }
  return value;
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<string> {
  const { status } = await sendJson(
    url,
    { headers, body, signal: AbortSignal.timeout(timeoutMs) },
    { label: '', rejectedType: 'NotificationRejected' },
  );
  return `HTTP ${status}`;
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

export function createNotificationActivities(deps: NotificationDeps) {
  const timeoutMs = deps.httpTimeoutMs ?? 10_000;
  const slackApp =
    deps.slack && deps.models
      ? createSlackApp({ slack: deps.slack, catalog: deps.catalog, models: deps.models })
      : undefined;
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

    /**
     * Asks the team's bridge webhook for a conference bridge for a major
     * incident. The same idempotency key on every attempt; the answer must be
     * `{ "url": "https://…" }`.
     */
    async createBridge(input: {
      incidentId: string;
      title: string;
      service: string;
      severity: string;
      team: string;
      policyId: string;
    }): Promise<{ url: string }> {
      const settings = majorResponseSettings(deps.catalog, input.team, input.policyId);
      const hook = settings?.bridgeWebhook;
      if (!hook) {
        throw ApplicationFailure.nonRetryable(
          `no bridge webhook is configured for team ${input.team}`,
          'ChannelNotConfigured',
        );
      }
      const target = deps.secrets[hook.urlEnv];
      if (!target) {
        throw ApplicationFailure.nonRetryable(
          `environment variable ${hook.urlEnv} is not set`,
          'ChannelNotConfigured',
        );
      }
      const timestamp = new Date().toISOString();
      const body = JSON.stringify({
        type: 'incident.bridge.requested',
        incidentId: input.incidentId,
        title: input.title,
        service: input.service,
        severity: input.severity,
        team: input.team,
        incidentUrl: incidentUrl(deps.publicUrl, input.incidentId),
      });
      const headers: Record<string, string> = {
        'Idempotency-Key': `${input.incidentId}:bridge`,
        'X-Fireline-Timestamp': timestamp,
      };
      if (hook.secretEnv) {
        const secret = deps.secrets[hook.secretEnv];
        if (!secret) {
          throw ApplicationFailure.nonRetryable(
            `environment variable ${hook.secretEnv} is not set`,
            'ChannelNotConfigured',
          );
        }
        headers['X-Fireline-Signature'] = signWebhook(secret, timestamp, body);
      }
      const { text } = await sendJson(
        target,
        { headers, body, signal: AbortSignal.timeout(timeoutMs) },
        { label: 'bridge webhook: ', rejectedType: 'NotificationRejected' },
      );
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
    },

    /** Sends one planned notification. Retried by the workflow; the idempotency key is the same on every attempt. */
    async deliverNotification(
      input: DeliverInput,
    ): Promise<{ detail: string; devInbox?: boolean; chatMessage?: boolean }> {
      try {
        const result = await deliver(input);
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

  /** The variable a delivery needs and that is not set, if any (the channel is not configured). */
  function missingSetting(delivery: PlannedDelivery): string | undefined {
    if (delivery.channelType === 'email') return deps.mailer ? undefined : 'SMTP_URL';
    const channel = deps.catalog.channels.find((c) => c.id === delivery.destination);
    if (!channel) return undefined;
    if (channel.type === 'slack') {
      if (channel.slackChannelId && deps.slack) return undefined;
      return channel.webhookUrlEnv && deps.secrets[channel.webhookUrlEnv]
        ? undefined
        : (channel.webhookUrlEnv ?? 'SLACK_BOT_TOKEN');
    }
    const needed =
      channel.type === 'teams'
        ? [channel.webhookUrlEnv]
        : channel.type === 'webhook'
          ? [channel.urlEnv, ...(channel.secretEnv ? [channel.secretEnv] : [])]
          : [];
    return needed.find((name) => !deps.secrets[name]);
  }

  async function deliver(
    input: DeliverInput,
  ): Promise<{ detail: string; devInbox?: boolean; chatMessage?: boolean }> {
    const { delivery, idempotencyKey } = input;
    const context = withNames(deps.catalog, input.context);
    const url = incidentUrl(deps.publicUrl, context.incidentId);

    const missing = deps.devInbox ? missingSetting(delivery) : undefined;
    if (deps.devInbox && missing) {
      await deps.devInbox.keep({
        _id: idempotencyKey,
        incidentId: context.incidentId,
        title: context.title,
        severity: context.severity,
        status: context.status,
        label: delivery.label,
        reason: context.reason,
        missing,
      });
      return { detail: `${missing} is not set`, devInbox: true };
    }

    if (delivery.channelType === 'email') {
      const recipients = emailRecipients(deps.catalog, delivery.destination);
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
        text: [
          `${context.title}`,
          ``,
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
        ].join('\n'),
        headers: { 'X-Fireline-Incident': context.incidentId, 'Idempotency-Key': idempotencyKey },
      })) as { accepted?: unknown[] };
      return { detail: `email accepted for ${info.accepted?.length ?? recipients.length} recipient(s)` };
    }

    const channel = deps.catalog.channels.find((c) => c.id === delivery.destination);
    if (!channel || channel.type !== delivery.channelType) {
      throw ApplicationFailure.nonRetryable(
        `channel ${delivery.destination} is not in the catalog`,
        'ChannelNotConfigured',
      );
    }
    if (channel.type === 'slack') {
      if (channel.slackChannelId && slackApp) {
        // The app's message names people by their Slack mention: it gets the actors, not the names.
        const detail = await slackApp.page(
          channel.id,
          channel.slackChannelId,
          input.context,
          idempotencyKey,
          url,
        );
        return { detail, chatMessage: true };
      }
      if (!channel.webhookUrlEnv) {
        throw ApplicationFailure.nonRetryable(
          `channel ${channel.id}: SLACK_BOT_TOKEN is not set and the channel has no webhookUrlEnv`,
          'ChannelNotConfigured',
        );
      }
      const webhookUrl = requireSecret(deps.secrets, channel.webhookUrlEnv, channel);
      const body = JSON.stringify(slackMessage(context, url));
      return { detail: await post(webhookUrl, body, { 'Idempotency-Key': idempotencyKey }, timeoutMs) };
    }
    if (channel.type === 'teams') {
      const webhookUrl = requireSecret(deps.secrets, channel.webhookUrlEnv, channel);
      const body = JSON.stringify(teamsMessage(context, url));
      return { detail: await post(webhookUrl, body, { 'Idempotency-Key': idempotencyKey }, timeoutMs) };
    }
    if (channel.type === 'webhook') {
      const target = requireSecret(deps.secrets, channel.urlEnv, channel);
      const timestamp = new Date().toISOString();
      const body = JSON.stringify({
        type: 'incident.notification',
        idempotencyKey,
        sentAt: timestamp,
        incidentUrl: url,
        incident: context,
      });
      const headers: Record<string, string> = {
        'Idempotency-Key': idempotencyKey,
        'X-Fireline-Timestamp': timestamp,
      };
      if (channel.secretEnv) {
        headers['X-Fireline-Signature'] = signWebhook(
          requireSecret(deps.secrets, channel.secretEnv, channel),
          timestamp,
          body,
        );
      }
      return { detail: await post(target, body, headers, timeoutMs) };
    }
    throw ApplicationFailure.nonRetryable(
      `channel ${delivery.destination} cannot take ${delivery.channelType}`,
    );
  }
}

function emailRecipients(catalog: OnCallCatalog, destination: string): string[] {
  if (destination.startsWith('person:')) {
    const person = catalog.people.find((p) => `person:${p.id}` === destination);
    if (person?.email) return [person.email];
    throw ApplicationFailure.nonRetryable(`${destination} has no email address`, 'ChannelNotConfigured');
  }
  const channel = catalog.channels.find((c) => c.id === destination);
  if (channel?.type === 'email') return channel.to;
  throw ApplicationFailure.nonRetryable(
    `email channel ${destination} is not in the catalog`,
    'ChannelNotConfigured',
  );
}
