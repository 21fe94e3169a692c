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
        const answer =
          method === 'chat.postMessage'
            ? { ok: true, channel, ts, message: { ts, text: args.text } }
            : method === 'chat.update'
              ? { ok: true, channel, ts: args.ts, text: args.text }
              : method === 'chat.postEphemeral'
                ? { ok: true, message_ts: ts }
                : { ok: false, error: 'unknown_method' };
        call.answer = answer;
        res.end(JSON.stringify(answer));
      });
    });
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
