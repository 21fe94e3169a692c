import net from 'node:net';
import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

/** An address or subnet Express's `trust proxy` takes: `10.0.0.1`, `10.0.0.0/8`, `fd00::/8`, `loopback`… */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) ? bits <= (family === 4 ? 32 : 128) : net.isIP(prefix) === family;
}

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `10.0.0.0/8` → its parts; a bare address is a /32 (or /128). Undefined when it is not one. */
export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, ...rest] = text.split('/');
  const version = net.isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Destinations runbook HTTP checks and webhook actions may reach besides public addresses. */
export interface EgressAllow {
  /** Hostnames, exact or `*.example.internal` (any subdomain); allowed whatever they resolve to. */
  hosts: string[];
  cidrs: Cidr[];
}

const hostname = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** The local stack, the tests and the bench talk to servers on this machine: they allow loopback, and say so. */
export const LOOPBACK_EGRESS = '127.0.0.0/8,::1/128';

/** An allowlist plus loopback, for the local stack. */
export function withLoopback(allow: EgressAllow): EgressAllow {
  return {
    hosts: allow.hosts,
    cidrs: [...allow.cidrs, ...LOOPBACK_EGRESS.split(',').map((c) => parseCidr(c)!)],
  };
}

const egressAllow = z.string().transform((value, ctx): EgressAllow => {
  const allow: EgressAllow = { hosts: [], cidrs: [] };
  for (const entry of value.split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    const cidr = parseCidr(entry);
    if (cidr) allow.cidrs.push(cidr);
    // A name of digits and dots only is a malformed address, not a host.
    else if (hostname.test(entry) && !/^[\d.]+$/.test(entry)) allow.hosts.push(entry.toLowerCase());
    else
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(entry)} is not a hostname, an IP address or a CIDR`,
      });
  }
  return allow;
});

/**
 * Every setting Fireline reads from the environment, in one place. Parsed once
 * at boot; a bad value stops the process with a message naming the variable.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Port the HTTP API listens on. */
  PORT: port.default(3000),
  /** Base URL used in links to incidents (notifications, post-mortems). */
  PUBLIC_URL: z.url().optional(),
  /**
   * Twilio's auth token (a secret). With PUBLIC_URL it turns on the webhooks
   * Twilio calls (/v1/integrations/twilio/sms, /voice, /status), whose
   * X-Twilio-Signature is checked with it; Twilio signs with the auth token
   * even when Fireline sends through an API key.
   */
  TWILIO_AUTH_TOKEN: z.string().min(8).optional(),
  /** host:port of an existing Temporal frontend; unset = the local dev server is started. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('fireline'),
  /**
   * Task queue of an incident's runbook runs and their steps that touch other
   * systems (actions and HTTP checks), so their workers can run close to those
   * systems; a run shares its steps' queue so they are dispatched eagerly.
   * Default `<TEMPORAL_TASK_QUEUE>-actions`.
   */
  TEMPORAL_ACTIONS_TASK_QUEUE: z.string().min(1).optional(),
  /**
   * What a worker process polls: `all` (both queues, the default),
   * `orchestration` (workflows and Fireline's own activities) or `actions`
   * (incidents' runbook runs, their actions and HTTP checks).
   */
  WORKER_ROLE: z.enum(['all', 'orchestration', 'actions']).default('all'),
  /**
   * Workflows (open incidents, pagers, runbook runs) each of a worker's task
   * queues keeps in memory; one past it is replayed from its history when it
   * next wakes. Why not more: the SDK's core walks every cached run for each
   * task it handles, so a cache past the runs that are busy costs CPU on every
   * task, and the incidents of a long mass outage wake in the order they
   * opened, least recently used first, so they are replayed anyway unless all
   * of them are cached (docs/benchmarks.md).
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).default(1000),
  /** Temporal Cloud API key; implies TLS. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** Use TLS to reach Temporal (on by default with an API key or client certificate). */
  TEMPORAL_TLS: booleanFromEnv.optional(),
  /** mTLS client certificate and key (PEM file paths) for Temporal Cloud or a secured cluster. */
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  /** Web UI of the Temporal cluster, for links printed at start. */
  TEMPORAL_UI_URL: z.url().optional(),
  /** Connection string of an existing MongoDB; unset = a local server is started. */
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  /** SMTP server for email notifications, e.g. smtp://user:pass@mail.example.com:587 (a secret). */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  SMTP_FROM: z.string().min(3).default('Fireline <fireline@localhost>'),
  /** The Slack app's bot token (`xoxb-…`, a secret): messages updated in place, with buttons. */
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  /**
   * The Slack app's signing secret: turns on /v1/integrations/slack/interactions
   * and /v1/integrations/slack/commands, which check every request's signature with it.
   */
  SLACK_SIGNING_SECRET: z.string().min(8, "must be the app's signing secret").optional(),
  /**
   * The Slack workspace (team id, `T…`) and app (`A…`) Fireline's Slack app is:
   * when set, a signed request from another workspace or app is refused (403).
   */
  SLACK_TEAM_ID: z
    .string()
    .regex(/^[TE][A-Z0-9]{2,30}$/, 'must be a Slack team id such as T0123ABCD')
    .optional(),
  SLACK_APP_ID: z
    .string()
    .regex(/^A[A-Z0-9]{2,30}$/, 'must be a Slack app id such as A0123ABCD')
    .optional(),
  /**
   * Signs one-click acknowledge links in email, push and ntfy pages (a secret,
   * at least 32 characters; the API and every worker need the same one). Unset
   * = pages carry no such link, except under `npm start`, which generates one
   * per start outside production. Links also need PUBLIC_URL.
   */
  ACTION_LINK_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  /** How long an acknowledge link works after the page is sent, in seconds (default an hour). */
  ACTION_LINK_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** Base URL of Slack's Web API; for a proxy, or a local stand-in in tests. */
  SLACK_API_URL: z.url().default('https://slack.com/api/'),
  /**
   * Development only: a page for a channel whose variable is not set is kept
   * in the development inbox (web UI /ui/inbox, and the terminal) instead of
   * failing. `npm start` turns it on when no channel is configured.
   */
  FIRELINE_DEV_INBOX: booleanFromEnv.optional(),
  /**
   * PagerDuty-compatible integration keys and the service each one feeds:
   * `key1=payments,key2=search`. Events with another routing_key are refused.
   */
  FIRELINE_ROUTING_KEYS: z
    .string()
    .regex(/^[^=,\s]+=[^=,\s]+(,[^=,\s]+=[^=,\s]+)*$/, 'must look like key1=service1,key2=service2')
    // A routing key is the only credential of /v2/enqueue: as long as PagerDuty's (32), so not guessable.
    .refine(
      (v) => v.split(',').every((pair) => pair.split('=')[0]!.length >= 32),
      'every routing key must be at least 32 characters (PagerDuty integration keys are 32)',
    )
    .transform((v) => new Map(v.split(',').map((pair) => pair.split('=') as [string, string])))
    .optional(),
  /** Post-mortem review: remind every this many seconds until published (default a day)… */
  POSTMORTEM_REMINDER_SECONDS: z.coerce.number().int().min(1).default(86_400),
  /** …and after this many reminders, notify the escalation policy's fallback too. */
  POSTMORTEM_REMINDERS_BEFORE_ESCALATION: z.coerce.number().int().min(0).default(3),
  /** Requests per API key per minute before 429 Too Many Requests. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  /**
   * Requests per client address per minute, counted before the key is checked
   * (so bad tokens are limited too); /healthz and /readyz are not counted.
   */
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).default(3000),
  /** Requests per client address per minute to the public status page (/status, /status.json, /status/feed.atom). */
  STATUS_PAGE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  /** How long the public status page is served from memory before it is read from MongoDB again. */
  STATUS_PAGE_CACHE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /**
   * While a signal to an incident is under way, alerts for it wait and go together in the next one;
   * that one leaves no sooner than this many milliseconds after the first alert that waits for it
   * (more alerts a signal in a storm). A lone alert never waits. 0 = send as soon as the last one returns.
   */
  ALERT_SIGNAL_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(3),
  /** Events per PagerDuty routing key per minute on /v2/enqueue (PagerDuty's own limit is 120). */
  ROUTING_KEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  /**
   * Which proxies in front of the API to believe about the client's address
   * (X-Forwarded-For), for the per-address rate limit and the logs: unset or
   * `false` = none (the connection's address counts); a number = that many
   * proxies; or a comma-separated list of their addresses or subnets
   * (`10.0.0.0/8,loopback`). `true` is refused: it would let any client
   * choose its address.
   */
  TRUST_PROXY: z
    .string()
    .refine((v) => v.trim() !== 'true', {
      message: 'true would trust any client; give the number of proxies or their addresses',
    })
    .refine(
      (v) =>
        v.trim() === 'false' ||
        /^\d{1,2}$/.test(v.trim()) ||
        v.split(',').every((entry) => isProxyAddress(entry.trim())),
      { message: 'must be false, a number of proxies, or a comma-separated list of addresses or subnets' },
    )
    .transform((v): false | number | string[] => {
      const value = v.trim();
      if (value === 'false') return false;
      if (/^\d+$/.test(value)) return Number(value);
      return value.split(',').map((entry) => entry.trim());
    })
    .optional(),
  /**
   * GET /v1/analytics/incidents reads at most this many incidents; a longer
   * period answers 400 (narrow from/to) instead of loading them all.
   */
  ANALYTICS_MAX_INCIDENTS: z.coerce.number().int().min(1).default(50_000),
  /**
   * The API trusts a verified API key or web UI session this long before asking
   * MongoDB again: a revocation or sign-out on another replica takes effect within it.
   */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /**
   * While MongoDB does not answer, a key or session MongoDB verified within this
   * many seconds keeps working (alerts, acknowledgements); a key revoked during
   * the outage keeps working until MongoDB answers again or this ends. 0 = none.
   */
  API_KEY_OUTAGE_GRACE_SECONDS: z.coerce.number().int().min(0).default(900),
  /** How long a read on the API's paging path (keys, sessions, an incident) waits for MongoDB before falling back. */
  MONGODB_LOOKUP_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(1500),
  /**
   * Where runbook HTTP checks and webhook actions may connect besides public
   * addresses: hosts (`deploy.internal`, `*.svc.cluster.local`) and CIDRs
   * (`10.20.0.0/16`, `127.0.0.1/32`), comma-separated. Loopback, link-local,
   * private and reserved addresses are refused otherwise.
   */
  FIRELINE_EGRESS_ALLOW: egressAllow.default({ hosts: [], cidrs: [] }),
  /** A standalone worker (`npm run worker`) serves Prometheus `GET /metrics` on this port when set. */
  WORKER_METRICS_PORT: port.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where the local stack keeps built binaries and data (git-ignored). */
  FIRELINE_CACHE_DIR: z.string().min(1).optional(),
  /**
   * Where a worker keeps what it must know while MongoDB is unreachable, across
   * its own restarts: the last on-call overrides it read. Default `state` in
   * the cache folder; give each worker host (or container) a persistent one.
   */
  FIRELINE_STATE_DIR: z.string().min(1).optional(),
  /** Pre-built workflow bundle for the worker (default dist/workflow-bundle.js from `npm run build`). */
  FIRELINE_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /** Path to a `temporal` CLI binary to use instead of searching PATH or building one. */
  TEMPORAL_CLI: z.string().min(1).optional(),
  /** Ports for the local Temporal dev server (frontend and Web UI). */
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
});

export type Config = z.infer<typeof configSchema>;

/** The task queue runbook actions and HTTP checks are scheduled on. */
export function actionsTaskQueue(
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'TEMPORAL_ACTIONS_TASK_QUEUE'>,
): string {
  return config.TEMPORAL_ACTIONS_TASK_QUEUE ?? `${config.TEMPORAL_TASK_QUEUE}-actions`;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty strings as unset: `FOO= npm start` should mean "no FOO".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration in the environment:\n${lines.join('\n')}`);
  }
  const config = result.data;
  if (Boolean(config.TEMPORAL_TLS_CERT_PATH) !== Boolean(config.TEMPORAL_TLS_KEY_PATH)) {
    throw new ConfigError(
      'Invalid configuration in the environment:\n  TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together',
    );
  }
  // A page kept in the development inbox reaches nobody: refused outright rather than quietly ignored.
  if (config.NODE_ENV === 'production' && config.FIRELINE_DEV_INBOX) {
    throw new ConfigError(
      'Invalid configuration in the environment:\n  FIRELINE_DEV_INBOX=true is refused with NODE_ENV=production: ' +
        'pages kept in the development inbox reach nobody; unset FIRELINE_DEV_INBOX and configure the channels',
    );
  }
  return config;
}

/** loadConfig for a process entry point: prints the problem and exits instead of throwing. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`fireline: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
