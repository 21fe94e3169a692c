import type dns from 'node:dns';
import { ApplicationFailure } from '@temporalio/common';
import { ConfigError, loadConfig, type EgressAllow } from '../../config';
import { EgressPolicy, EgressRefusedError } from '../../infra/egress';
import { sendJson } from '../../infra/http';
import { HttpReceiver } from '../helpers/http-receiver';

const allow = (text: string): EgressAllow =>
  loadConfig({ FIRELINE_EGRESS_ALLOW: text }).FIRELINE_EGRESS_ALLOW;

describe('the egress policy', () => {
  const policy = new EgressPolicy();

  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.0.9', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['0.0.0.0', 'an unspecified address'],
    ['::', 'an unspecified address'],
    ['169.254.169.254', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['febf::1', 'a link-local address'],
    ['10.1.2.3', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['fc00::1', 'a private address'],
    ['fd12:3456::1', 'a private address'],
    ['100.64.0.1', 'a shared (CGNAT) address'],
    ['100.127.255.254', 'a shared (CGNAT) address'],
    ['224.0.0.1', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['255.255.255.255', 'a reserved address'],
    // IPv4-mapped and IPv4-embedding IPv6 forms of the same addresses.
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:7f00:1', 'a loopback address'],
    ['::ffff:169.254.169.254', 'a link-local address'],
    ['::ffff:a00:1', 'a private address'],
    ['::10.0.0.1', 'a reserved address'],
    ['64:ff9b::a9fe:a9fe', 'a reserved address'],
    ['2002:a00:1::1', 'a reserved address'],
  ])('refuses %s: %s', (address, reason) => {
    expect(policy.refusal(address, address)).toBe(`${address} is ${reason}`);
    expect(policy.refusal('svc.example', address)).toBe(`it resolves to ${address}, ${reason}`);
  });

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    '172.15.255.255',
    '100.128.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
  ])('allows the public address %s', (address) => {
    expect(policy.refusal(address, address)).toBeUndefined();
  });

  it('allows the hosts and networks of FIRELINE_EGRESS_ALLOW, and only those', () => {
    const allowed = new EgressPolicy(
      allow('deploy.internal, *.svc.cluster.local,10.20.0.0/16,127.0.0.1,fd00::/8'),
    );
    expect(allowed.refusal('deploy.internal', '10.9.9.9')).toBeUndefined();
    expect(allowed.refusal('DEPLOY.internal.', '10.9.9.9')).toBeUndefined();
    expect(allowed.refusal('api.ns.svc.cluster.local', '10.9.9.9')).toBeUndefined();
    expect(allowed.refusal('svc.cluster.local', '10.9.9.9')).toMatch(/private/);
    expect(allowed.refusal('other.internal', '10.9.9.9')).toMatch(/private/);
    expect(allowed.refusal('10.20.3.4', '10.20.3.4')).toBeUndefined();
    expect(allowed.refusal('10.21.0.1', '10.21.0.1')).toMatch(/private/);
    expect(allowed.refusal('127.0.0.1', '127.0.0.1')).toBeUndefined();
    expect(allowed.refusal('127.0.0.2', '127.0.0.2')).toMatch(/loopback/);
    expect(allowed.refusal('::ffff:127.0.0.1', '::ffff:127.0.0.1')).toBeUndefined();
    expect(allowed.refusal('fd00::5', 'fd00::5')).toBeUndefined();
    expect(allowed.refusal('fc00::5', 'fc00::5')).toMatch(/private/);
  });

  it('reads FIRELINE_EGRESS_ALLOW, refusing what is not a host, address or CIDR', () => {
    expect(allow('deploy.internal,10.0.0.0/8,::1')).toEqual({
      hosts: ['deploy.internal'],
      cidrs: [
        { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
        { address: '::1', prefix: 128, family: 'ipv6' },
      ],
    });
    expect(loadConfig({}).FIRELINE_EGRESS_ALLOW).toEqual({ hosts: [], cidrs: [] });
    for (const bad of ['10.0.0.0/33', '300.1.1.1', 'http://x', 'a b', '10.0.0.0/8/1']) {
      expect(() => loadConfig({ FIRELINE_EGRESS_ALLOW: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ FIRELINE_EGRESS_ALLOW: bad })).toThrow(
        /FIRELINE_EGRESS_ALLOW: .*is not a hostname/,
      );
    }
  });

  it('answers the connection lookup only with addresses it allows', async () => {
    const lookup = (p: EgressPolicy, options: dns.LookupOptions) =>
      new Promise<unknown>((resolve, reject) =>
        p.lookup('localhost', options, (err, address) => (err ? reject(err) : resolve(address))),
      );
    await expect(lookup(policy, { all: true })).rejects.toBeInstanceOf(EgressRefusedError);
    await expect(lookup(policy, {})).rejects.toThrow(
      /egress to localhost refused: it resolves to .*a loopback address/,
    );
    const loopback = new EgressPolicy(allow('127.0.0.0/8,::1'));
    await expect(lookup(loopback, {})).resolves.toEqual(expect.stringMatching(/^(127\.0\.0\.1|::1)$/));
    await expect(lookup(loopback, { all: true })).resolves.toEqual(
      expect.arrayContaining([expect.objectContaining({ address: expect.any(String) })]),
    );
  });
});

describe("the egress policy's fetch", () => {
  let receiver: HttpReceiver;
  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
  });
  afterAll(async () => receiver.stop());

  it('refuses loopback by address and by name, non-retryably, without sending anything', async () => {
    const policy = new EgressPolicy();
    const port = new URL(receiver.url('/')).port;
    for (const url of [receiver.url('/a'), `http://localhost:${port}/a`, `http://[::1]:${port}/a`]) {
      const failure = await policy.fetch(url, {}).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'EgressRefused', nonRetryable: true });
      expect((failure as Error).message).toMatch(
        /^egress to (127\.0\.0\.1|localhost|::1) refused: .*loopback/,
      );
    }
    await expect(policy.fetch('file:///etc/passwd', {})).rejects.toMatchObject({
      type: 'EgressRefused',
      message: expect.stringMatching(/only http and https/),
    });
    expect(receiver.to('/a')).toHaveLength(0);
  });

  it('connects once the allowlist has the address, and never follows a redirect', async () => {
    const policy = new EgressPolicy(allow('127.0.0.1/32'));
    expect((await policy.fetch(receiver.url('/a'), {})).status).toBe(200);
    receiver.redirects.set('/moved', receiver.url('/target'));
    const moved = await policy.fetch(receiver.url('/moved'), {});
    expect(moved.status).toBe(302);
    expect(receiver.to('/target')).toHaveLength(0);
  });

  it('makes sendJson refuse a redirect without retrying, naming no URL', async () => {
    const policy = new EgressPolicy(allow('127.0.0.1/32'));
    receiver.redirects.set('/hook?token=secret', receiver.url('/target'));
    const failure = await sendJson(
      receiver.url('/hook?token=secret'),
      { body: '{}', signal: new AbortController().signal, fetch: policy.fetch },
      { label: 'webhook HOOK_URL: ', rejectedType: 'ActionRejected' },
    ).catch((err: unknown) => err);
    expect(failure).toMatchObject({
      type: 'EgressRefused',
      nonRetryable: true,
      message: 'webhook HOOK_URL: redirect (HTTP 302) refused: redirects are not followed',
    });
    const refused = await sendJson(
      receiver.url('/hook?token=secret'),
      { body: '{}', signal: new AbortController().signal, fetch: new EgressPolicy().fetch },
      { label: 'webhook HOOK_URL: ', rejectedType: 'ActionRejected' },
    ).catch((err: unknown) => err);
    expect(refused).toMatchObject({ type: 'EgressRefused', nonRetryable: true });
    expect((refused as Error).message).toMatch(/^webhook HOOK_URL: egress to 127\.0\.0\.1 refused/);
    expect((refused as Error).message).not.toMatch(/token/);
    expect(receiver.to('/target')).toHaveLength(0);
  });
});
