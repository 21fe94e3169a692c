import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP endpoint standing in for notification channels and runbook targets. */
export class Sink {
  readonly received: { path: string; at: number; body: unknown }[] = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      this.received.push({ path: req.url ?? '/', at: Date.now(), body });
      res.end('ok');
    });
  });
  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }
  url(p: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${p}`;
  }
  /** Bodies received on `path` about an incident of `service`. */
  pagesFor(path: string, service: string): { path: string; at: number; body: unknown }[] {
    return this.received.filter(
      (r) => r.path === path && (r.body as { incident?: { service?: string } }).incident?.service === service,
    );
  }
  stop(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}
