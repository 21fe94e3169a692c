import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchTransport } from '../../activities/runbook-http';
import { EgressPolicy } from '../../infra/egress';
import { MAX_RESPONSE_BODY_BYTES, sendJson } from '../../infra/http';
import { eventually } from '../helpers/http-receiver';

const HUGE = 64 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

// A receiver that answers every request with a huge body, as fast as the
// connection takes it: runbook HTTP steps and outgoing webhooks read the first
// MAX_RESPONSE_BODY_BYTES and drop the connection, rather than download it all.
describe('response bodies are read up to a bound', () => {
  let server: http.Server;
  /** Bytes the server managed to write for each response, once its connection closed. */
  const written: number[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      let bytes = 0;
      res.writeHead(req.url === '/error' ? 502 : 200, { 'content-type': 'text/plain' });
      const pump = () => {
        while (bytes < HUGE && !res.destroyed) {
          bytes += CHUNK.length;
          if (!res.write(CHUNK)) return;
        }
        if (bytes >= HUGE) res.end();
      };
      res.on('drain', pump);
      res.on('close', () => written.push(bytes));
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  const egress = new EgressPolicy({ hosts: ['127.0.0.1'], cidrs: [] });

  /** Waits for the server to see the response's connection close; answers the bytes it wrote. */
  async function bytesWritten(count: number): Promise<number> {
    await eventually(() => expect(written.length).toBeGreaterThanOrEqual(count), 10_000, 20);
    return written[count - 1]!;
  }

  it('runbook HTTP steps keep the first 64 KiB and stop downloading', async () => {
    const before = written.length;
    const transport = fetchTransport(egress);
    const response = await transport({ method: 'GET', url: url('/step') }, new AbortController().signal);
    expect(response.status).toBe(200);
    expect(Buffer.byteLength(response.body)).toBe(MAX_RESPONSE_BODY_BYTES);
    expect(await bytesWritten(before + 1)).toBeLessThan(HUGE / 4);
  });

  it('webhooks through the egress policy (runbook actions) stop downloading too', async () => {
    const before = written.length;
    const { status, text } = await sendJson(
      url('/action'),
      { body: '{}', signal: AbortSignal.timeout(10_000), fetch: egress.fetch },
      { label: 'webhook: ', rejectedType: 'ActionRejected' },
    );
    expect(status).toBe(200);
    expect(text).toHaveLength(200);
    expect(await bytesWritten(before + 1)).toBeLessThan(HUGE / 4);
  });

  it('notification webhooks (plain fetch) stop downloading, a 5xx answer too', async () => {
    const before = written.length;
    await expect(
      sendJson(
        url('/error'),
        { body: '{}', signal: AbortSignal.timeout(10_000) },
        { label: '', rejectedType: 'NotificationRejected' },
      ),
    ).rejects.toThrow(/^HTTP 502: x{200}$/);
    expect(await bytesWritten(before + 1)).toBeLessThan(HUGE / 4);
  });
});
