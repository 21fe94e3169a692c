import { ConfigError, loadConfig } from '../../config';

describe('loadConfig', () => {
  it('applies defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'fireline',
      LOG_LEVEL: 'info',
      TEMPORAL_DEV_PORT: 7233,
      TEMPORAL_UI_PORT: 8233,
    });
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.MONGODB_URI).toBeUndefined();
  });

  it("caches 1,000 workflows per task queue unless told otherwise, not the SDK's heap-sized default", () => {
    expect(loadConfig({}).WORKER_MAX_CACHED_WORKFLOWS).toBe(1000);
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '250' }).WORKER_MAX_CACHED_WORKFLOWS).toBe(250);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ MONGODB_URI: '', PORT: '' }).PORT).toBe(3000);
  });

  it('names every bad variable in one error', () => {
    expect(() => loadConfig({ PORT: 'eighty', MONGODB_URI: 'postgres://x', LOG_LEVEL: 'loud' })).toThrow(
      ConfigError,
    );
    try {
      loadConfig({ PORT: 'eighty', MONGODB_URI: 'postgres://x', LOG_LEVEL: 'loud' });
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toMatch(/PORT:/);
      expect(message).toMatch(/MONGODB_URI: must start with mongodb:\/\//);
      expect(message).toMatch(/LOG_LEVEL:/);
    }
  });

  it('takes routing keys of at least 32 characters only, as PagerDuty integration keys are', () => {
    const key = '0123456789abcdef0123456789abcdef';
    expect(loadConfig({ FIRELINE_ROUTING_KEYS: `${key}=payments` }).FIRELINE_ROUTING_KEYS).toEqual(
      new Map([[key, 'payments']]),
    );
    expect(() => loadConfig({ FIRELINE_ROUTING_KEYS: `${key}=payments,short=search` })).toThrow(
      /FIRELINE_ROUTING_KEYS: every routing key must be at least 32 characters/,
    );
  });

  it('refuses the development inbox in production, naming both variables', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', FIRELINE_DEV_INBOX: 'true' })).toThrow(
      /FIRELINE_DEV_INBOX=true is refused with NODE_ENV=production/,
    );
    expect(loadConfig({ NODE_ENV: 'production', FIRELINE_DEV_INBOX: 'false' }).FIRELINE_DEV_INBOX).toBe(
      false,
    );
    expect(loadConfig({ NODE_ENV: 'development', FIRELINE_DEV_INBOX: 'true' }).FIRELINE_DEV_INBOX).toBe(true);
  });

  it('requires a TLS certificate and key together', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/tmp/cert.pem' })).toThrow(/must be set together/);
  });

  it('parses booleans the way people write them', () => {
    expect(loadConfig({ TEMPORAL_TLS: 'true' }).TEMPORAL_TLS).toBe(true);
    expect(loadConfig({ TEMPORAL_TLS: '0' }).TEMPORAL_TLS).toBe(false);
    expect(() => loadConfig({ TEMPORAL_TLS: 'maybe' })).toThrow(/TEMPORAL_TLS/);
  });

  it('trusts no proxy by default, and only the proxies TRUST_PROXY names', () => {
    const defaults = loadConfig({});
    expect(defaults.TRUST_PROXY).toBeUndefined();
    expect(defaults).toMatchObject({
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 3000,
      ROUTING_KEY_RATE_LIMIT_PER_MINUTE: 120,
      ANALYTICS_MAX_INCIDENTS: 50_000,
    });
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback,fd00::/8,192.0.2.1' }).TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      'loopback',
      'fd00::/8',
      '192.0.2.1',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: true would trust any client/);
    for (const bad of ['10.0.0.0/33', 'proxy.internal', '10.0.0.1,', '::1/200'])
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY: must be false, a number/);
  });
});
