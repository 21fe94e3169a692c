import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
  at: number;
}

/** A local HTTP server standing in for Slack and webhook receivers: records every request. */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly server: http.Server;
  /** Paths that answer with this status instead of 200. */
  readonly failures = new Map<string, number>();
  /** Paths that answer 302 with this Location. */
  readonly redirects = new Map<string, string>();
  /** Paths that answer only after this many milliseconds (a slow receiver). */
  readonly delays = new Map<string, number>();
  /** Paths that answer with this JSON body instead of `ok`. */
  readonly bodies = new Map<string, unknown>();
  /** Called for every request before it is answered (tests flip `failures` here). */
  onRequest?: (request: ReceivedRequest) => void;

  constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: unknown = rawBody;
        try {
          body = JSON.parse(rawBody);
        } catch {
          // keep the raw text
        }
        const path = req.url ?? '/';
        const received = { path, headers: req.headers, rawBody, body, at: Date.now() };
        this.requests.push(received);
        this.onRequest?.(received);
        const answer = () => {
          const location = this.redirects.get(path);
          if (location) res.setHeader('location', location);
          res.statusCode = location ? 302 : (this.failures.get(path) ?? 200);
          if (this.bodies.has(path)) {
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify(this.bodies.get(path)));
            return;
          }
          res.end('ok');
        };
        const delay = this.delays.get(path);
        if (delay) setTimeout(answer, delay);
        else answer();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  to(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Polls until check() returns a value without throwing, or fails with its last error. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (err) {
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
