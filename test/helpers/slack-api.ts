import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';

export interface SlackCall {
  method: string;
  /** The call's arguments; Block Kit arrays decoded from the form's JSON strings. */
  args: Record<string, unknown>;
  authorization?: string;
  /** What the stand-in answered. */
  answer?: Record<string, unknown>;
}

/**
 * A local stand-in for Slack's Web API (`https://slack.com/api/<method>`),
 * answering as Slack does, for Slack's own `@slack/web-api` client pointed
 * at it with `slackApiUrl`. Records every call.
 */
export class SlackApiStandIn {
  readonly calls: SlackCall[] = [];
  /** Methods that answer `{ ok: false, error }`. */
  readonly errors = new Map<string, string>();
  /** The next call of a method takes effect at once but is answered this many ms late (an answer lost on the way). */
  readonly answerLate = new Map<string, number>();
  /** What was posted, oldest first, as conversations.history and conversations.replies show it. */
  readonly messages: Array<{
    channel: string;
    ts: string;
    text?: unknown;
    thread_ts?: string;
    metadata?: unknown;
  }> = [];
  private readonly server: http.Server;
  private nextTs = 1_700_000_000;

  constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const method = (req.url ?? '/').replace(/^\/api\//, '').replace(/\?.*$/, '');
        const args: Record<string, unknown> = {};
        if ((req.headers['content-type'] ?? '').includes('application/json')) {
          Object.assign(args, JSON.parse(raw || '{}'));
        } else {
          for (const [name, value] of new URLSearchParams(raw)) {
            args[name] = /^[[{]/.test(value) ? JSON.parse(value) : value;
          }
        }
        const call: SlackCall = { method, args, authorization: req.headers.authorization };
        this.calls.push(call);
        res.setHeader('content-type', 'application/json');
        const error = this.errors.get(method);
        if (error) {
          res.end(JSON.stringify({ ok: false, error }));
          return;
        }
        const ts = `${this.nextTs++}.000100`;
        const channel = args.channel;
        if (method === 'chat.postMessage') {
          this.messages.push({
            channel: String(channel),
            ts,
            text: args.text,
            ...(typeof args.thread_ts === 'string' ? { thread_ts: args.thread_ts } : {}),
            ...(args.metadata ? { metadata: args.metadata } : {}),
          });
        }
        const answer =
          method === 'chat.postMessage'
            ? { ok: true, channel, ts, message: { ts, text: args.text } }
            : method === 'chat.update'
              ? { ok: true, channel, ts: args.ts, text: args.text }
              : method === 'chat.postEphemeral'
                ? { ok: true, message_ts: ts }
                : method === 'conversations.history' || method === 'conversations.replies'
                  ? this.read(method, args)
                  : method === 'conversations.open'
                    ? // https://api.slack.com/methods/conversations.open: the DM's id, `D…`, same for the same user.
                      { ok: true, channel: { id: `D${String(args.users).replace(/^[UW]/, '')}` } }
                    : method === 'views.open'
                      ? this.openView(args)
                      : { ok: false, error: 'unknown_method' };
        call.answer = answer;
        const late = this.answerLate.get(method);
        this.answerLate.delete(method);
        if (late) setTimeout(() => res.end(JSON.stringify(answer)), late);
        else res.end(JSON.stringify(answer));
      });
    });
  }

  /**
   * conversations.history (a channel's top-level messages, newest first) or
   * conversations.replies (a thread, parent first); metadata only with
   * `include_all_metadata`, as Slack does. One page: no cursor.
   */
  private read(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const withMetadata = String(args.include_all_metadata) === 'true';
    const shown = (m: (typeof this.messages)[number]) => ({
      type: 'message',
      ts: m.ts,
      text: m.text,
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
    });
    const inChannel = this.messages.filter((m) => m.channel === args.channel);
    const messages =
      method === 'conversations.history'
        ? inChannel.filter((m) => !m.thread_ts).reverse()
        : inChannel.filter((m) => m.ts === args.ts || m.thread_ts === args.ts);
    return {
      ok: true,
      messages: messages.map(shown),
      has_more: false,
      response_metadata: { next_cursor: '' },
    };
  }

  /**
   * views.open (https://docs.slack.dev/reference/methods/views.open): a
   * trigger_id (as Slack formats them) and a view; answers the opened view.
   */
  private openView(args: Record<string, unknown>): Record<string, unknown> {
    if (typeof args.trigger_id !== 'string' || !/^\d+\.\d+\.[0-9a-f]+$/.test(args.trigger_id))
      return { ok: false, error: 'invalid_trigger_id' };
    const view = args.view as Record<string, unknown> | undefined;
    if (!view || view.type !== 'modal') return { ok: false, error: 'invalid_arguments' };
    return { ok: true, view: { id: `V${this.nextTs++}`, team_id: 'T0TEST', ...view, state: { values: {} } } };
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
  }

  /** Slack's client, as Fireline builds it, pointed here. */
  client(token = 'xoxb-test-token'): WebClient {
    return new WebClient(token, { slackApiUrl: this.apiUrl, retryConfig: { retries: 0 } });
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
