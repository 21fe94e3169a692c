import type { WebClient } from '@slack/web-api';
import { ApplicationFailure } from '@temporalio/common';
import { slackActions, type SlackActionValue } from '../domain/chat';
import type { Incident, NotificationContext, TimelineEntry } from '../domain/incident';
import { actorName, type OnCallCatalog } from '../domain/oncall';
import { chatMessageId, type Models } from '../infra/models';
import { commanderActor } from '../domain/actors';
import { isDuplicateKeyError } from '../infra/mongo';

// Slack's limits: header text 150 characters, other text objects 3,000, button text 75, value 2,000, 50 blocks.
const maxText = 2900;

export const severityEmoji: Record<string, string> = {
  SEV1: ':red_circle:',
  SEV2: ':large_orange_circle:',
  SEV3: ':large_yellow_circle:',
  SEV4: ':white_circle:',
};

/** Slack's three control characters escaped, so text from an alert cannot mention anyone or make a link. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A URL inside Slack's `<url|text>`: its control characters and the separator percent-encoded. */
export function slackUrl(href: string): string {
  return href.replace(/[<>|]/g, (c) => encodeURIComponent(c)).replace(/&/g, '&amp;');
}

const clip = (text: string, max = maxText) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const plain = (text: string) => ({ type: 'plain_text', text: clip(text), emoji: true });

/** What the message shows of one incident: the same for the first post and every update. */
export interface SlackIncidentView {
  incidentId: string;
  title: string;
  service: string;
  team: string;
  severity: string;
  priority: string;
  major: boolean;
  status: Incident['status'];
  alertCount: number;
  /** `Acknowledged by Dave Test`, `Resolved by …: note`. */
  statusLine?: string;
  /** `level 1: schedule always-dave → dave (email)`, newest last, with Slack mentions where known. */
  paged: string[];
  commander?: string;
  bridgeUrl?: string;
  bridgeProblem?: string;
  responders?: string[];
  runbooks: string[];
  approvals: Array<{ approvalId: string; text: string }>;
  links: Array<{ href: string; text?: string }>;
  url?: string;
}

function mention(catalog: OnCallCatalog, personId: string): string {
  const person = catalog.people.find((p) => p.id === personId);
  return person?.slackUserId ? `<@${person.slackUserId}>` : slackEscape(person?.name ?? personId);
}

/** The view of an incident as the workflow holds it. */
export function viewOfIncident(incident: Incident, catalog: OnCallCatalog, url?: string): SlackIncidentView {
  const name = (actor: string) => actorName(catalog, actor);
  const statusLine =
    incident.status === 'acknowledged' && incident.acknowledgedBy
      ? `Acknowledged by ${name(incident.acknowledgedBy)}`
      : incident.status === 'resolved' && incident.resolvedBy
        ? `Resolved by ${name(incident.resolvedBy)}${incident.resolutionNote ? `: ${incident.resolutionNote}` : ''}`
        : incident.status === 'snoozed' && incident.snoozedUntil
          ? `Snoozed until ${incident.snoozedUntil}`
          : undefined;
  return {
    incidentId: incident.incidentId,
    title: incident.title,
    service: incident.service,
    team: incident.team,
    severity: incident.severity,
    priority: incident.priority,
    major: incident.major,
    status: incident.status,
    alertCount: incident.alertCount,
    statusLine,
    paged: (incident.pages ?? []).slice(-3).map((page) => {
      const who = page.people.map((id) => mention(catalog, id));
      return `${slackEscape(page.reason)}: ${who.length > 0 ? who.join(', ') : slackEscape(page.targets.join(', '))}`;
    }),
    commander: incident.commander ? name(commanderActor(incident.commander)) : undefined,
    bridgeUrl: incident.response?.bridgeUrl,
    bridgeProblem: incident.response?.bridgeProblem,
    responders: incident.response?.responders.map(
      (r) => `${name(r.actor)}${r.how === 'paged' ? ' (paged)' : ''}`,
    ),
    runbooks: incident.runbookRuns
      .slice(-5)
      .map((r) => `${r.runbookId}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`),
    approvals: incident.approvals
      .filter((a) => a.status === 'pending')
      .slice(0, 5)
      .map((a) => ({
        approvalId: a.approvalId,
        text: `Approval needed for ${a.runbookId}, step "${a.step}": ${a.prompt}${
          a.approvers.length > 0 ? ` (approvers: ${a.approvers.map(name).join(', ')})` : ''
        }`,
      })),
    links: incident.links,
    url,
  };
}

/** The view of a first page, from what a notification carries (the message is updated with the rest right after). */
export function viewOfPage(
  context: NotificationContext,
  catalog: OnCallCatalog,
  url?: string,
): SlackIncidentView {
  const name = (actor: string) => actorName(catalog, actor);
  return {
    incidentId: context.incidentId,
    title: context.title,
    service: context.service,
    team: context.team,
    severity: context.severity,
    priority: context.priority,
    major: context.major,
    status: context.status,
    alertCount: context.alertCount,
    paged: [
      `${slackEscape(context.reason)}: ${(context.paged ?? []).map((id) => mention(catalog, id)).join(', ') || 'this channel'}`,
    ],
    commander: context.response?.commander ? name(commanderActor(context.response.commander)) : undefined,
    bridgeUrl: context.response?.bridgeUrl,
    responders: context.response?.responders.map(name),
    runbooks: [],
    approvals: [],
    links: context.links,
    url,
  };
}

function button(text: string, action: string, value: SlackActionValue, style?: 'primary' | 'danger') {
  return {
    type: 'button',
    text: { type: 'plain_text', text, emoji: true },
    action_id: action,
    value: JSON.stringify(value),
    ...(style ? { style } : {}),
  };
}

/**
 * The incident's Block Kit message. What came from an alert goes in plain_text
 * objects or is escaped; mrkdwn carries only Fireline's own words, links and mentions.
 */
export function slackIncidentMessage(view: SlackIncidentView): { text: string; blocks: unknown[] } {
  const headline =
    `${severityEmoji[view.severity] ?? ''} ${view.severity} ${view.priority}${view.major ? ' MAJOR' : ''}: ${view.title}`.trim();
  const status = view.statusLine ?? view.status;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(headline, 150), emoji: true } },
    {
      type: 'section',
      fields: [
        plain(`Status\n${status}`),
        plain(`Incident\n${view.incidentId}`),
        plain(`Service\n${view.service}`),
        plain(`Team\n${view.team}`),
        plain(`Alerts\n${view.alertCount}`),
        ...(view.commander || view.major ? [plain(`Commander\n${view.commander ?? 'unclaimed'}`)] : []),
      ],
    },
  ];
  if (view.major) {
    const bridge = view.bridgeUrl
      ? `<${slackUrl(view.bridgeUrl)}|Join the bridge>`
      : slackEscape(view.bridgeProblem ?? 'bridge being created');
    const responders = view.responders?.length ? slackEscape(view.responders.join(', ')) : 'none yet';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(`*Major incident response*\n*Bridge:* ${bridge}\n*Responders:* ${responders}`),
      },
    });
  }
  if (view.paged.length > 0) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: clip(`Paged — ${view.paged.join(' · ')}`) }],
    });
  }
  if (view.runbooks.length > 0) {
    blocks.push({ type: 'context', elements: [plain(`Runbooks: ${view.runbooks.join(' · ')}`)] });
  }
  for (const approval of view.approvals) {
    blocks.push({ type: 'section', text: plain(approval.text) });
    if (view.status !== 'resolved') {
      const value = { incidentId: view.incidentId, approvalId: approval.approvalId };
      blocks.push({
        type: 'actions',
        block_id: `approval:${approval.approvalId}`.slice(0, 255),
        elements: [
          button('Approve', slackActions.approve, value, 'primary'),
          button('Reject', slackActions.reject, value, 'danger'),
        ],
      });
    }
  }
  if (view.status !== 'resolved') {
    const value = { incidentId: view.incidentId };
    blocks.push({
      type: 'actions',
      block_id: 'incident',
      elements: [
        ...(view.status !== 'acknowledged'
          ? [button('Acknowledge', slackActions.acknowledge, value, 'primary')]
          : []),
        button('Resolve', slackActions.resolve, value),
        button('Escalate', slackActions.escalate, value, 'danger'),
        button('Snooze 1h', slackActions.snooze, value),
        ...(view.major ? [button('Claim commander', slackActions.claimCommander, value)] : []),
      ],
    });
  }
  const links = [...(view.url ? [{ href: view.url, text: 'Open incident' }] : []), ...view.links].slice(
    0,
    10,
  );
  if (links.length > 0) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(links.map((l) => `<${slackUrl(l.href)}|${slackEscape(l.text ?? l.href)}>`).join(' · ')),
        },
      ],
    });
  }
  return { text: slackEscape(clip(`${headline} — ${status}`)), blocks };
}

/** A thread reply: the timeline entry, with the actor's name. */
export function slackThreadText(entry: TimelineEntry, catalog: OnCallCatalog): string {
  const who = entry.actor.startsWith('user:') ? ` — ${actorName(catalog, entry.actor)}` : '';
  return slackEscape(clip(`${entry.message}${who}`));
}

export interface SlackAppDeps {
  slack: WebClient;
  catalog: OnCallCatalog;
  models: Pick<Models, 'ChatMessage'>;
}

function slackFailure(err: unknown, method: string): never {
  const code = (err as { data?: { error?: string } }).data?.error;
  // Slack's refusals that a retry cannot fix: the channel, the token or the message is wrong.
  const permanent = [
    'channel_not_found',
    'not_in_channel',
    'invalid_auth',
    'not_authed',
    'account_inactive',
    'token_revoked',
    'missing_scope',
    'invalid_blocks',
    'msg_too_long',
    'is_archived',
    'message_not_found',
  ];
  const message = `Slack ${method} failed: ${code ?? (err instanceof Error ? err.message : String(err))}`;
  if (code && permanent.includes(code)) throw ApplicationFailure.nonRetryable(message, 'SlackRefused');
  throw ApplicationFailure.retryable(message, 'SlackFailed');
}

/**
 * The Slack app's side of an incident: one message per channel, posted at the
 * first page and updated in place (chat.update) from then on; later pages and
 * the timeline's important entries go in its thread.
 */
export function createSlackApp(deps: SlackAppDeps) {
  const { slack, catalog, models } = deps;

  async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      return slackFailure(err, method);
    }
  }

  return {
    /** A page to a Slack channel: the incident's message if it has none there yet, else a reply in its thread shown in the channel. */
    async page(
      channelId: string,
      conversation: string,
      context: NotificationContext,
      idempotencyKey: string,
      url: string | undefined,
    ): Promise<string> {
      const _id = chatMessageId(context.incidentId, channelId);
      const existing = await models.ChatMessage.findById(_id).lean();
      if (existing) {
        if (existing.pageKeys.includes(idempotencyKey)) return `already posted in thread ${existing.ts}`;
        const who = (context.paged ?? []).map((id) => mention(catalog, id)).join(', ');
        await call('chat.postMessage', () =>
          slack.chat.postMessage({
            channel: existing.conversation,
            thread_ts: existing.ts,
            reply_broadcast: true,
            text: `Paging ${slackEscape(context.reason)}${who ? `: ${who}` : ''} — ${slackEscape(clip(context.title, 200))} is ${context.status}`,
          }),
        );
        await models.ChatMessage.updateOne({ _id }, { $push: { pageKeys: idempotencyKey } });
        return `Slack thread reply to ${existing.ts}`;
      }
      const message = slackIncidentMessage(viewOfPage(context, catalog, url));
      const posted = await call('chat.postMessage', () =>
        slack.chat.postMessage({
          channel: conversation,
          text: message.text,
          blocks: message.blocks as never,
        }),
      );
      if (!posted.ts || !posted.channel)
        throw ApplicationFailure.retryable('Slack chat.postMessage answered without a ts');
      try {
        await models.ChatMessage.create({
          _id,
          incidentId: context.incidentId,
          channelId,
          provider: 'slack',
          conversation: posted.channel,
          ts: posted.ts,
          threadedSeq: 0,
          pageKeys: [idempotencyKey],
          createdAt: new Date(),
        });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
      return `Slack message ${posted.ts} in ${posted.channel}`;
    },

    /** Brings every message of the incident up to date, then posts the new thread entries. Idempotent per entry. */
    async sync(incident: Incident, entries: TimelineEntry[], url: string | undefined): Promise<void> {
      const message = slackIncidentMessage(viewOfIncident(incident, catalog, url));
      for (const channelId of incident.chatChannels ?? []) {
        const _id = chatMessageId(incident.incidentId, channelId);
        const doc = await models.ChatMessage.findById(_id).lean();
        if (!doc) continue;
        await call('chat.update', () =>
          slack.chat.update({
            channel: doc.conversation,
            ts: doc.ts,
            text: message.text,
            blocks: message.blocks as never,
          }),
        );
        for (const entry of entries) {
          if (entry.seq <= doc.threadedSeq) continue;
          await call('chat.postMessage', () =>
            slack.chat.postMessage({
              channel: doc.conversation,
              thread_ts: doc.ts,
              text: slackThreadText(entry, catalog),
            }),
          );
          await models.ChatMessage.updateOne({ _id }, { $set: { threadedSeq: entry.seq } });
        }
      }
    },
  };
}
