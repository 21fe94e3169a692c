import type { WebClient } from '@slack/web-api';
import { ApplicationFailure } from '@temporalio/common';
import { slackActions, type SlackActionValue } from '../domain/chat';
import type { Incident, NotificationContext, TimelineEntry } from '../domain/incident';
import { actorName, type OnCallCatalog } from '../domain/oncall';
import { Context } from '@temporalio/activity';
import { chatMessageId, type ChatMessageDocument, type Models } from '../infra/models';
import { commanderActor } from '../domain/actors';
import { failureMessage } from '../domain/failure';
import { externalHref } from '../infra/html';
import { openSlackDirectMessage } from '../infra/reach/send';
import { DEFAULT_MONGO_LOOKUP_TIMEOUT_MS, isDuplicateKeyError, withMongoTimeout } from '../infra/mongo';
import { incidentHeadline, incidentSummary } from './channels/summary';

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

/**
 * Slack's `<url|text>` for an http(s) URL, as the web UI links them; any
 * other scheme (`javascript:`, `slack:`, `file:`…) is not linked: undefined.
 */
export function slackLink(href: string, text: string): string | undefined {
  const url = externalHref(href);
  return url === undefined ? undefined : `<${slackUrl(url)}|${slackEscape(text)}>`;
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
  const headline = `${severityEmoji[view.severity] ?? ''} ${incidentHeadline(view)}`.trim();
  const status = view.statusLine ?? view.status;
  // The bridge and the responders have a section of their own below.
  const facts = incidentSummary({
    ...view,
    status,
    response: view.commander || view.major ? { commander: view.commander, responders: [] } : undefined,
  });
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(headline, 150), emoji: true } },
    { type: 'section', fields: facts.map((fact) => plain(`${fact.label}\n${fact.value}`)) },
  ];
  if (view.major) {
    const bridge = view.bridgeUrl
      ? (slackLink(view.bridgeUrl, 'Join the bridge') ?? 'not shown: its link is not http(s)')
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
  const links = [...(view.url ? [{ href: view.url, text: 'Open incident' }] : []), ...view.links]
    .flatMap((l) => slackLink(l.href, l.text ?? l.href) ?? [])
    .slice(0, 10);
  if (links.length > 0) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(links.join(' · ')) }] });
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
  /** How long a read or write of a message's record waits for MongoDB before going on without it. */
  mongoTimeoutMs?: number;
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
 * Message metadata on everything the app posts: when MongoDB cannot say what
 * was posted, or an earlier attempt may have posted without recording it, the
 * channel itself says (conversations.history and conversations.replies).
 */
export const slackMetadataEvents = {
  /** The incident's message: `{ incident_id, channel_id, page_key }`. */
  incident: 'fireline_incident',
  /** A later page in its thread: `{ incident_id, page_key }`. */
  page: 'fireline_page',
  /** A timeline entry in its thread: `{ incident_id, seq }`. */
  timeline: 'fireline_timeline',
} as const;

/** Pages of conversation history or of a thread read when looking for what was posted. */
const maxLookupPages = 5;

/** An incident's message in one channel, from its record or found in the channel. */
interface KnownMessage {
  conversation: string;
  ts: string;
  /** Pages posted as the message or in its thread (their idempotency keys). */
  pageKeys: string[];
  /** The last timeline entry posted in the thread. */
  threadedSeq: number;
}

type Payload = Record<string, unknown> | undefined;

/** The attempt of the running activity (1 outside one). */
function attemptOfActivity(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

function warn(message: string, attributes: Record<string, unknown>): void {
  try {
    Context.current().log.warn(message, attributes);
  } catch {
    // Outside an activity (unit tests): nowhere to log.
  }
}

/** A Slack Web API call, its failure turned into a retryable or a permanent one. */
async function slackCall<T>(method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    return slackFailure(err, method);
  }
}

/**
 * The records MongoDB keeps of the app's messages (ChatMessage). A page never waits for them:
 * every read and write is bounded; a read that times out is `unknown`, a write that fails is logged.
 */
function chatMessageRecords(models: Pick<Models, 'ChatMessage'>, mongoTimeoutMs: number) {
  return {
    /** The message's record; `unknown` when MongoDB does not answer in time. */
    async read(_id: string): Promise<ChatMessageDocument | null | 'unknown'> {
      try {
        return await withMongoTimeout('reading a chat message record', mongoTimeoutMs, () =>
          models.ChatMessage.findById(_id).lean<ChatMessageDocument>(),
        );
      } catch (err) {
        warn('chat message record unreadable; asking Slack', { _id, error: failureMessage(err) });
        return 'unknown';
      }
    },

    /** A write of the record that must not fail what was already posted: logged, not thrown. */
    async keep(what: string, write: (model: Models['ChatMessage']) => Promise<unknown>): Promise<void> {
      try {
        await withMongoTimeout(what, mongoTimeoutMs, () => write(models.ChatMessage));
      } catch (err) {
        if (isDuplicateKeyError(err)) return;
        warn(`chat message record not written (${what})`, { error: failureMessage(err) });
      }
    },
  };
}

type ChatMessageRecords = ReturnType<typeof chatMessageRecords>;

/** The incident's top-level message in a conversation, found by its metadata. */
async function findIncidentMessage(
  slack: WebClient,
  conversation: string,
  incidentId: string,
  channelId: string,
): Promise<{ ts: string; pageKey?: string } | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < maxLookupPages; page++) {
    const history = await slackCall('conversations.history', () =>
      slack.conversations.history({ channel: conversation, include_all_metadata: true, limit: 200, cursor }),
    );
    for (const message of history.messages ?? []) {
      const payload = message.metadata?.event_payload as Payload;
      if (
        message.ts &&
        message.metadata?.event_type === slackMetadataEvents.incident &&
        payload?.incident_id === incidentId &&
        payload.channel_id === channelId
      ) {
        return {
          ts: message.ts,
          pageKey: typeof payload.page_key === 'string' ? payload.page_key : undefined,
        };
      }
    }
    cursor = history.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return undefined;
}

/** Adds to `known` the pages and timeline entries its thread holds, by their metadata. */
async function readThread(slack: WebClient, known: KnownMessage, incidentId: string): Promise<void> {
  let cursor: string | undefined;
  for (let page = 0; page < maxLookupPages; page++) {
    const thread = await slackCall('conversations.replies', () =>
      slack.conversations.replies({
        channel: known.conversation,
        ts: known.ts,
        include_all_metadata: true,
        limit: 200,
        cursor,
      }),
    );
    for (const reply of thread.messages ?? []) {
      const payload = reply.metadata?.event_payload as Payload;
      if (reply.ts === known.ts || payload?.incident_id !== incidentId) continue;
      if (reply.metadata?.event_type === slackMetadataEvents.page && typeof payload.page_key === 'string')
        known.pageKeys.push(payload.page_key);
      if (reply.metadata?.event_type === slackMetadataEvents.timeline && typeof payload.seq === 'number')
        known.threadedSeq = Math.max(known.threadedSeq, payload.seq);
    }
    cursor = thread.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
}

/** The incident's message in a conversation, found by its metadata, with what its thread holds. */
async function findInSlack(
  slack: WebClient,
  conversation: string,
  incidentId: string,
  channelId: string,
): Promise<KnownMessage | undefined> {
  const found = await findIncidentMessage(slack, conversation, incidentId, channelId);
  if (!found) return undefined;
  const known: KnownMessage = {
    conversation,
    ts: found.ts,
    pageKeys: found.pageKey ? [found.pageKey] : [],
    threadedSeq: 0,
  };
  await readThread(slack, known, incidentId);
  return known;
}

/** Where to look for an incident's message in one channel, and when to ask Slack rather than trust the record. */
interface MessageLookup {
  _id: string;
  conversation: string | undefined;
  incidentId: string;
  channelId: string;
  askSlack: (record: ChatMessageDocument | null | 'unknown') => boolean;
}

/**
 * Where the incident's message is: its record, checked against the channel
 * when the record cannot be read, or when an earlier attempt may have posted
 * without recording it. A record found missing is written from the channel.
 */
async function locateMessage(
  slack: WebClient,
  records: ChatMessageRecords,
  lookup: MessageLookup,
): Promise<KnownMessage | undefined> {
  const { _id, incidentId, channelId } = lookup;
  const record = await records.read(_id);
  const recorded: KnownMessage | undefined =
    record && record !== 'unknown'
      ? {
          conversation: record.conversation,
          ts: record.ts,
          pageKeys: record.pageKeys,
          threadedSeq: record.threadedSeq,
        }
      : undefined;
  const where = recorded?.conversation ?? lookup.conversation;
  if (!where || !lookup.askSlack(record)) return recorded;
  const found = await findInSlack(slack, where, incidentId, channelId);
  if (!found) return recorded;
  if (!recorded) {
    if (record === null) {
      await records.keep('recording a message found in Slack', (ChatMessage) =>
        ChatMessage.create({
          _id,
          incidentId,
          channelId,
          provider: 'slack',
          conversation: found.conversation,
          ts: found.ts,
          threadedSeq: found.threadedSeq,
          pageKeys: found.pageKeys,
          createdAt: new Date(),
        }),
      );
    }
    return found;
  }
  return {
    ...recorded,
    pageKeys: [...new Set([...recorded.pageKeys, ...found.pageKeys])],
    threadedSeq: Math.max(recorded.threadedSeq, found.threadedSeq),
  };
}

interface SlackAppParts {
  slack: WebClient;
  catalog: OnCallCatalog;
  records: ChatMessageRecords;
}

/** One page where the channel has the incident's message already: a reply in its thread, shown in the channel. */
async function pageInThread(
  { slack, catalog, records }: SlackAppParts,
  existing: KnownMessage,
  _id: string,
  context: NotificationContext,
  idempotencyKey: string,
): Promise<string> {
  if (existing.pageKeys.includes(idempotencyKey)) return `already posted in thread ${existing.ts}`;
  const who = (context.paged ?? []).map((id) => mention(catalog, id)).join(', ');
  await slackCall('chat.postMessage', () =>
    slack.chat.postMessage({
      channel: existing.conversation,
      thread_ts: existing.ts,
      reply_broadcast: true,
      text: `Paging ${slackEscape(context.reason)}${who ? `: ${who}` : ''} — ${slackEscape(clip(context.title, 200))} is ${context.status}`,
      metadata: {
        event_type: slackMetadataEvents.page,
        event_payload: { incident_id: context.incidentId, page_key: idempotencyKey },
      },
    }),
  );
  await records.keep('recording a page in the thread', (ChatMessage) =>
    ChatMessage.updateOne({ _id }, { $push: { pageKeys: idempotencyKey } }),
  );
  return `Slack thread reply to ${existing.ts}`;
}

/** A page to a Slack channel: the incident's message if it has none there yet, else a reply in its thread. */
async function postPage(
  parts: SlackAppParts,
  page: {
    channelId: string;
    conversation: string;
    context: NotificationContext;
    idempotencyKey: string;
    url: string | undefined;
    /** An earlier attempt may have posted it (see OutgoingNotification). */
    retried: boolean;
  },
): Promise<string> {
  const { slack, catalog, records } = parts;
  const { channelId, conversation, context, idempotencyKey } = page;
  const { incidentId } = context;
  const _id = chatMessageId(incidentId, channelId);
  const retried = page.retried || attemptOfActivity() > 1;
  const existing = await locateMessage(slack, records, {
    _id,
    conversation,
    incidentId,
    channelId,
    askSlack: (record) => record === 'unknown' || retried,
  });
  if (existing) return pageInThread(parts, existing, _id, context, idempotencyKey);
  const message = slackIncidentMessage(viewOfPage(context, catalog, page.url));
  const posted = await slackCall('chat.postMessage', () =>
    slack.chat.postMessage({
      channel: conversation,
      text: message.text,
      blocks: message.blocks as never,
      metadata: {
        event_type: slackMetadataEvents.incident,
        event_payload: { incident_id: incidentId, channel_id: channelId, page_key: idempotencyKey },
      },
    }),
  );
  if (!posted.ts || !posted.channel)
    throw ApplicationFailure.retryable('Slack chat.postMessage answered without a ts');
  const { ts, channel } = posted;
  await records.keep('recording the message', (ChatMessage) =>
    ChatMessage.create({
      _id,
      incidentId,
      channelId,
      provider: 'slack',
      conversation: channel,
      ts,
      threadedSeq: 0,
      pageKeys: [idempotencyKey],
      createdAt: new Date(),
    }),
  );
  return `Slack message ${ts} in ${channel}`;
}

/** Brings every message of the incident up to date, then posts the new thread entries. Idempotent per entry. */
async function syncMessages(
  { slack, catalog, records }: SlackAppParts,
  incident: Incident,
  entries: TimelineEntry[],
  url: string | undefined,
): Promise<void> {
  const message = slackIncidentMessage(viewOfIncident(incident, catalog, url));
  const retried = attemptOfActivity() > 1;
  for (const channelId of incident.chatChannels ?? []) {
    const _id = chatMessageId(incident.incidentId, channelId);
    const channel = catalog.channels.find((c) => c.id === channelId);
    // The workflow lists the channel once its message is posted: a record that is missing was lost.
    const doc = await locateMessage(slack, records, {
      _id,
      conversation: channel?.type === 'slack' ? channel.slackChannelId : undefined,
      incidentId: incident.incidentId,
      channelId,
      askSlack: (record) => record === null || record === 'unknown' || retried,
    });
    if (!doc) continue;
    await slackCall('chat.update', () =>
      slack.chat.update({
        channel: doc.conversation,
        ts: doc.ts,
        text: message.text,
        blocks: message.blocks as never,
      }),
    );
    for (const entry of entries) {
      if (entry.seq <= doc.threadedSeq) continue;
      await slackCall('chat.postMessage', () =>
        slack.chat.postMessage({
          channel: doc.conversation,
          thread_ts: doc.ts,
          text: slackThreadText(entry, catalog),
          metadata: {
            event_type: slackMetadataEvents.timeline,
            event_payload: { incident_id: incident.incidentId, seq: entry.seq },
          },
        }),
      );
      await records.keep('recording a thread entry', (ChatMessage) =>
        ChatMessage.updateOne({ _id }, { $set: { threadedSeq: entry.seq } }),
      );
    }
  }
}

async function openDirectMessage(slack: WebClient, slackUserId: string): Promise<string> {
  return slackCall('conversations.open', () => openSlackDirectMessage(slack, slackUserId));
}

/**
 * The Slack app's side of an incident: one message per channel, posted at the
 * first page and updated in place (chat.update) from then on; later pages and
 * the timeline's important entries go in its thread. MongoDB keeps where each
 * message is, but a page never waits for it: every read and write of the
 * record is bounded, and what it cannot say is looked up in the channel.
 */
export function createSlackApp(deps: SlackAppDeps) {
  const parts: SlackAppParts = {
    slack: deps.slack,
    catalog: deps.catalog,
    records: chatMessageRecords(deps.models, deps.mongoTimeoutMs ?? DEFAULT_MONGO_LOOKUP_TIMEOUT_MS),
  };
  return {
    /** A page to a Slack channel: the incident's message if it has none there yet, else a reply in its thread shown in the channel. */
    page: (
      channelId: string,
      conversation: string,
      context: NotificationContext,
      idempotencyKey: string,
      url: string | undefined,
      retried = false,
    ): Promise<string> => postPage(parts, { channelId, conversation, context, idempotencyKey, url, retried }),

    /**
     * A page in the app's direct message with a person (`conversations.open`):
     * the incident's message with its buttons, kept up to date like a channel's.
     */
    pageDirect: async (
      destination: string,
      slackUserId: string,
      context: NotificationContext,
      idempotencyKey: string,
      url: string | undefined,
      retried = false,
    ): Promise<string> => {
      const conversation = await openDirectMessage(parts.slack, slackUserId);
      return postPage(parts, {
        channelId: destination,
        conversation,
        context,
        idempotencyKey,
        url,
        retried,
      });
    },

    /** Brings every message of the incident up to date, then posts the new thread entries. Idempotent per entry. */
    sync: (incident: Incident, entries: TimelineEntry[], url: string | undefined): Promise<void> =>
      syncMessages(parts, incident, entries, url),
  };
}

export type SlackApp = ReturnType<typeof createSlackApp>;
