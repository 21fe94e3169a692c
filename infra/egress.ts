import dns from 'node:dns';
import net from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { parseCidr, type EgressAllow } from '../config';

/**
 * Address ranges runbook HTTP checks and webhook actions may not reach unless
 * allowed (FIRELINE_EGRESS_ALLOW): the worker's own host, cloud metadata
 * (169.254.169.254) and private networks. IPv4-mapped IPv6 addresses
 * (::ffff:10.0.0.1) match the IPv4 ranges: net.BlockList compares them so.
 */
const deniedRanges: Array<[reason: string, cidrs: string[]]> = [
  ['a loopback address', ['127.0.0.0/8', '::1/128']],
  ['an unspecified address', ['0.0.0.0/8', '::/128']],
  ['a link-local address', ['169.254.0.0/16', 'fe80::/10']],
  ['a private address', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']],
  ['a shared (CGNAT) address', ['100.64.0.0/10']],
  ['a multicast address', ['224.0.0.0/4', 'ff00::/8']],
  [
    // Special-purpose blocks; the IPv6 ones embed IPv4 addresses (compatible, NAT64, 6to4).
    'a reserved address',
    [
      '192.0.0.0/24',
      '198.18.0.0/15',
      '240.0.0.0/4',
      '::/96',
      '64:ff9b::/96',
      '64:ff9b:1::/48',
      '2002::/16',
      'fec0::/10',
    ],
  ],
];

function blockList(cidrs: EgressAllow['cidrs']): net.BlockList {
  const list = new net.BlockList();
  for (const { address, prefix, family } of cidrs) list.addSubnet(address, prefix, family);
  return list;
}

const denied = deniedRanges.map(
  ([reason, cidrs]) => [reason, blockList(cidrs.map((c) => parseCidr(c)!))] as const,
);

/** A connection the policy refused; EgressPolicy.fetch turns it into an `EgressRefused` failure. */
export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';
  constructor(
    readonly host: string,
    reason: string,
  ) {
    super(`egress to ${host} refused: ${reason} (allow it with FIRELINE_EGRESS_ALLOW)`);
  }
}

/** The part of a fetch Response callers use. */
export interface EgressResponse {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  /** The body as a stream, so a reader can stop at a bound (null: no body). */
  body?: ReadableStream<Uint8Array> | null;
}

export interface EgressRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Bytes for an encrypted push message. */
  body?: string | Uint8Array;
  signal?: AbortSignal;
}

/** fetch through the egress policy: refused destinations fail with an `EgressRefused` ApplicationFailure. */
export type EgressFetch = (url: string, init: EgressRequest) => Promise<EgressResponse>;

/** 3xx: the policy never follows a redirect (its target was not checked when the request was made). */
export function isRedirect(status: number): boolean {
  return status >= 300 && status <= 399;
}

function strip(host: string): string {
  return host
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

/**
 * Where the worker's runbook HTTP checks and webhook actions may connect: by
 * default anywhere but loopback, link-local, private and reserved addresses;
 * plus the hosts and CIDRs of FIRELINE_EGRESS_ALLOW. A hostname is resolved,
 * every address it resolves to is checked, and the connection is made to the
 * checked addresses (the check is the connection's own DNS lookup, so a name
 * cannot resolve differently between check and connect). Redirects are not followed.
 */
export class EgressPolicy {
  private readonly hosts: string[];
  private readonly networks: net.BlockList;
  readonly dispatcher: Agent;

  constructor(allow: EgressAllow = { hosts: [], cidrs: [] }) {
    this.hosts = allow.hosts.map(strip);
    this.networks = blockList(allow.cidrs);
    const connect = buildConnector({ lookup: this.lookup });
    this.dispatcher = new Agent({
      connect: (options, callback) => {
        // An IP literal is connected to without a lookup: check it here.
        const host = strip(options.hostname);
        const why = net.isIP(host) ? this.refusal(host, host) : undefined;
        if (why) {
          callback(new EgressRefusedError(host, why), null);
          return;
        }
        connect(options, callback);
      },
    });
  }

  private hostAllowed(host: string): boolean {
    const name = strip(host);
    return this.hosts.some((h) => (h.startsWith('*.') ? name.endsWith(h.slice(1)) : name === h));
  }

  /**
   * Whether FIRELINE_EGRESS_ALLOW names this host, or its address when it is
   * an IP literal: the only destinations a person-supplied http:// URL may have.
   */
  explicitlyAllows(host: string): boolean {
    const name = strip(host);
    if (this.hostAllowed(name)) return true;
    const family = net.isIP(name);
    return family !== 0 && this.networks.check(name, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** Why connecting to `host` at `address` is refused, or undefined when it is allowed. */
  refusal(host: string, address: string): string | undefined {
    if (this.hostAllowed(host)) return undefined;
    const family = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    if (this.networks.check(address, family)) return undefined;
    const hit = denied.find(([, list]) => list.check(address, family));
    if (!hit) return undefined;
    return strip(host) === address ? `${address} is ${hit[0]}` : `it resolves to ${address}, ${hit[0]}`;
  }

  /** dns.lookup for net.connect, answering only addresses the policy allows (all of them, or an error). */
  readonly lookup = (
    hostname: string,
    options: dns.LookupOptions,
    callback: (
      err: NodeJS.ErrnoException | null,
      address: string | dns.LookupAddress[],
      family?: number,
    ) => void,
  ): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const { address } of addresses) {
        const why = this.refusal(hostname, address);
        if (why) return callback(new EgressRefusedError(hostname, why), []);
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };

  /** fetch, never following redirects, through the policy's connections. */
  readonly fetch: EgressFetch = async (url, init) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw ApplicationFailure.nonRetryable('egress refused: not a valid URL', 'EgressRefused');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw ApplicationFailure.nonRetryable(
        `egress to ${strip(parsed.hostname) || parsed.protocol} refused: only http and https are allowed`,
        'EgressRefused',
      );
    }
    try {
      return await undiciFetch(parsed, {
        ...init,
        body: init.body as string | undefined,
        redirect: 'manual',
        dispatcher: this.dispatcher,
      });
    } catch (err) {
      for (let cause: unknown = err; cause instanceof Error; cause = cause.cause) {
        if (cause instanceof EgressRefusedError)
          throw ApplicationFailure.nonRetryable(cause.message, 'EgressRefused');
      }
      throw err;
    }
  };
}
