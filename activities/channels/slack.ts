import { ApplicationFailure } from '@temporalio/common';
import type { NotificationContext } from '../../domain/incident';
import { channelsOfType } from '../../domain/oncall';
import { severityEmoji, slackEscape, slackLink } from '../slack-app';
import { requireSetting, unsetVariables } from './settings';
import { postMessage } from './signed-post';
import { incidentHeadline, incidentSummary } from './summary';
import type { ChannelModule } from './types';

/**
 * Slack Block Kit message for an incoming webhook. What came from the alert (title, service,
 * link texts) goes in plain_text objects, which Slack shows as they are; the top-level `text`
 * (the notification's preview) is escaped and sent with mrkdwn off.
 */
export function slackMessage(context: NotificationContext, url: string | undefined): Record<string, unknown> {
  const headline = `${severityEmoji[context.severity] ?? ''} ${incidentHeadline(context)}`.trim();
  const links = [...(url ? [{ href: url, text: 'Open incident' }] : []), ...context.links].flatMap(
    (l) => slackLink(l.href, l.text ?? l.href) ?? [],
  );
  const bridge = context.response?.bridgeUrl && slackLink(context.response.bridgeUrl, 'Join the bridge');
  const labels = Object.entries(context.labels ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join('  ');
  // The bridge is a link of its own below, and only when it is http(s).
  const facts = incidentSummary(context).filter((fact) => fact.key !== 'bridge');
  return {
    text: slackEscape(headline),
    mrkdwn: false,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headline.slice(0, 150), emoji: true } },
      {
        type: 'section',
        fields: facts.map((fact) => ({ type: 'plain_text', text: `${fact.label}\n${fact.value}` })),
      },
      ...(bridge ? [{ type: 'section', text: { type: 'mrkdwn', text: `*Bridge:* ${bridge}` } }] : []),
      // Slack's limit for a text object is 3,000 characters.
      ...(labels
        ? [{ type: 'context', elements: [{ type: 'plain_text', text: labels.slice(0, 2900), emoji: false }] }]
        : []),
      ...(links.length > 0
        ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: links.join(' · ') }] }]
        : []),
    ],
  };
}

/**
 * Slack: through the Slack app when the channel has a `slackChannelId` and SLACK_BOT_TOKEN is set
 * (one message per incident, updated in place), else a message per page to the incoming webhook
 * in `webhookUrlEnv`.
 */
export const slackChannel: ChannelModule<'slack'> = {
  type: 'slack',
  targets: (catalog) =>
    channelsOfType(catalog, 'slack').map((channel) => ({
      destination: channel.id,
      missingSettings({ secrets, slackApp }) {
        if (channel.slackChannelId && slackApp) return [];
        if (!channel.webhookUrlEnv) return ['SLACK_BOT_TOKEN'];
        return unsetVariables(secrets, [channel.webhookUrlEnv]);
      },
      async send({ context, actorContext, idempotencyKey, url, retried }, deps) {
        if (channel.slackChannelId && deps.slackApp) {
          // The app's message names people by their Slack mention: it gets the actors, not the names.
          const detail = await deps.slackApp.page(
            channel.id,
            channel.slackChannelId,
            actorContext,
            idempotencyKey,
            url,
            retried,
          );
          return { detail, chatMessage: true };
        }
        if (!channel.webhookUrlEnv) {
          throw ApplicationFailure.nonRetryable(
            `channel ${channel.id}: SLACK_BOT_TOKEN is not set and the channel has no webhookUrlEnv`,
            'ChannelNotConfigured',
          );
        }
        const webhookUrl = requireSetting(deps.secrets, channel.webhookUrlEnv, channel.id);
        return {
          detail: await postMessage(
            webhookUrl,
            slackMessage(context, url),
            idempotencyKey,
            deps.httpTimeoutMs,
          ),
        };
      },
    })),
};
