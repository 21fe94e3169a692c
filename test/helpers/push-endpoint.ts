import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as ece from 'http_ece';

/** A push message as the browser would get it: decrypted, with what the push service checked. */
export interface ReceivedPush {
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The decrypted payload. */
  plaintext: string;
  /** The VAPID JWT's claims, once its signature verified against the key `k` it came with. */
  vapid: { aud: string; exp: number; sub: string; publicKey: string };
}

/**
 * A local push service and the browser behind it: `subscription()` is what
 * `pushManager.subscribe()` would give (a P-256 key pair and an auth secret
 * of its own); a POST is decrypted (RFC 8188 aes128gcm, RFC 8291 keys) with
 * the private key and auth secret, and its `Authorization: vapid t=…, k=…`
 * (RFC 8292) is verified: ES256 signature, `aud` = this origin, `exp` in the
 * future. A message that fails either check is answered 400/401 and not kept.
 */
export class PushEndpoint {
  readonly received: ReceivedPush[] = [];
  readonly rejected: Array<{ path: string; reason: string }> = [];
  private readonly browserKey: ECDH = createECDH('prime256v1');
  private readonly authSecret = randomBytes(16);
  private readonly server: http.Server;
  /** Paths answered with this status (410: the subscription is gone). */
  readonly failures = new Map<string, number>();

  constructor() {
    this.browserKey.generateKeys();
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const refuse = (status: number, reason: string) => {
          this.rejected.push({ path, reason });
          res.statusCode = status;
          res.end(reason);
        };
        const failure = this.failures.get(path);
        if (failure) return refuse(failure, 'configured failure');
        const vapid = this.checkVapid(req.headers.authorization);
        if (typeof vapid === 'string') return refuse(401, vapid);
        if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(400, 'not aes128gcm');
        let plaintext: string;
        try {
          plaintext = ece
            .decrypt(Buffer.concat(chunks), {
              version: 'aes128gcm',
              privateKey: this.browserKey,
              authSecret: this.authSecret,
            })
            .toString('utf8');
        } catch (err) {
          return refuse(400, `undecryptable: ${String(err)}`);
        }
        this.received.push({ path, headers: req.headers, plaintext, vapid });
        res.statusCode = 201;
        res.end();
      });
    });
  }

  private checkVapid(authorization: string | undefined): ReceivedPush['vapid'] | string {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (!match) return 'no vapid authorization';
    const [header, payload, signature] = match[1]!.split('.');
    const publicKey = Buffer.from(match[2]!, 'base64url');
    const key = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: publicKey.subarray(1, 33).toString('base64url'),
        y: publicKey.subarray(33, 65).toString('base64url'),
      },
      format: 'jwk',
    });
    const signed = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature ?? '', 'base64url'),
    );
    if (!signed) return 'bad vapid signature';
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as {
      aud: string;
      exp: number;
      sub: string;
    };
    if (claims.aud !== this.origin) return `vapid aud ${claims.aud} is not ${this.origin}`;
    if (claims.exp <= Date.now() / 1000) return 'vapid token expired';
    return { ...claims, publicKey: match[2]! };
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The subscription a browser would hand Fireline for `path`. */
  subscription(path = '/push/device-1'): { endpoint: string; keys: { p256dh: string; auth: string } } {
    return {
      endpoint: `${this.origin}${path}`,
      keys: {
        p256dh: this.browserKey.getPublicKey('base64url'),
        auth: this.authSecret.toString('base64url'),
      },
    };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
