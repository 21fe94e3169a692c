import { z } from 'zod';
import type { AlertEvent } from '../../domain/incident';
import { runbookMetaProblems, steeringParameter, type RunbookMeta } from '../../domain/runbook';
import { paramsFromAlert, resolveRunbooks } from '../../domain/runbook-selection';
import { checkRunbookParams } from '../../infra/runbook-params';
import { runbookMetas } from '../../runbooks';
import { defineRunbook } from '../../runbooks/sdk';

function meta(overrides: Partial<RunbookMeta> = {}): RunbookMeta {
  return {
    id: 'test-runbook',
    title: 'Test',
    description: 'A runbook for tests',
    version: '1.0.0',
    owner: 'sre',
    mode: 'automatic',
    parameters: {
      type: 'object',
      properties: {
        queue: { type: 'string' },
        region: { type: 'string' },
        healthUrl: { type: 'string', format: 'uri' },
        scaleUrlEnv: { type: 'string' },
      },
      required: ['queue', 'healthUrl'],
      additionalProperties: false,
    },
    fromAlert: ['queue', 'region'],
    ...overrides,
  };
}

function alert(labels: Record<string, string>, annotations: Record<string, string> = {}): AlertEvent {
  return {
    eventId: 'e1',
    integration: 'native',
    action: 'trigger',
    service: 'orders',
    summary: 'backlog',
    severity: 'warning',
    dedupKey: 'orders-backlog',
    labels,
    annotations,
    links: [],
    occurredAt: '2026-12-01T00:00:00.000Z',
    receivedAt: '2026-12-01T00:00:00.000Z',
  };
}

describe('paramsFromAlert', () => {
  it('takes only the parameters the runbook accepts from alerts, annotations before labels', () => {
    const event = alert({ queue: 'from-label', region: 'eu' }, { queue: 'from-annotation' });
    expect(paramsFromAlert(meta(), {}, event)).toEqual({
      params: { queue: 'from-annotation', region: 'eu' },
      ignored: [],
    });
  });

  it('ignores URLs and variable names an alert carries, and names them', () => {
    const event = alert(
      { queue: 'orders', scaleUrlEnv: 'MONGODB_URI' },
      { healthUrl: 'http://169.254.169.254/latest/meta-data/' },
    );
    expect(paramsFromAlert(meta(), {}, event)).toEqual({
      params: { queue: 'orders' },
      ignored: ['healthUrl', 'scaleUrlEnv'],
    });
  });

  it("keeps the rule's values: they win over the alert's, opted-in or not", () => {
    const event = alert({ queue: 'other', healthUrl: 'http://evil.example/' });
    const given = { queue: 'orders', healthUrl: 'https://orders.internal/health' };
    expect(paramsFromAlert(meta(), given, event)).toEqual({ params: given, ignored: ['healthUrl'] });
  });

  it('takes nothing from an alert when the runbook declares no fromAlert', () => {
    const event = alert({ queue: 'orders', region: 'eu' });
    expect(paramsFromAlert(meta({ fromAlert: undefined }), {}, event)).toEqual({
      params: {},
      ignored: ['queue', 'region'],
    });
  });

  it('reads no inherited property of the labels as a value', () => {
    const m = meta({
      parameters: { type: 'object', properties: { constructor: { type: 'string' } } },
      fromAlert: ['constructor'],
    });
    expect(paramsFromAlert(m, {}, alert({}))).toEqual({ params: {}, ignored: [] });
  });
});

describe('resolveRunbooks', () => {
  it('does not start a runbook whose required URL only the alert gives, and says what it ignored', () => {
    const m = meta({ appliesTo: { labels: { alertname: 'QueueBacklog' } } });
    const event = alert({ alertname: 'QueueBacklog', queue: 'orders' }, { healthUrl: 'http://10.0.0.1/' });
    expect(resolveRunbooks([], event, [m], checkRunbookParams)).toEqual({
      runbooks: [],
      warnings: [
        "runbook test-runbook not started: params.healthUrl is required (ignored the alert's healthUrl: not accepted from alerts)",
      ],
    });
  });

  it('runs one the rule pins the URL of, noting what the alert supplied in vain', () => {
    const event = alert({ queue: 'orders' });
    const rule = [{ id: 'test-runbook', params: { healthUrl: 'https://orders.internal/health' } }];
    expect(resolveRunbooks(rule, event, [meta()], checkRunbookParams).runbooks).toEqual([
      { id: 'test-runbook', params: { queue: 'orders', healthUrl: 'https://orders.internal/health' } },
    ]);
    const withEnv = alert({ queue: 'orders', scaleUrlEnv: 'TEMPORAL_API_KEY' });
    expect(resolveRunbooks(rule, withEnv, [meta()], checkRunbookParams).runbooks).toEqual([
      {
        id: 'test-runbook',
        params: { queue: 'orders', healthUrl: 'https://orders.internal/health' },
        ignoredFromAlert: ['scaleUrlEnv'],
      },
    ]);
  });
});

describe('runbook declarations', () => {
  it.each([
    ['healthUrl', { type: 'string' }, 'its name ends in "url"'],
    ['restartUrlEnv', { type: 'string' }, 'its name ends in "env"'],
    ['db_host', { type: 'string' }, 'its name ends in "host"'],
    ['HOSTNAME', { type: 'string' }, 'its name ends in "hostname"'],
    ['target', { type: 'string', format: 'uri' }, 'its schema has format "uri"'],
    ['server', { type: 'string', format: 'hostname' }, 'its schema has format "hostname"'],
    ['targets', { type: 'array', items: { type: 'string', format: 'ipv4' } }, 'its schema has format "ipv4"'],
  ])('counts %s as steering where Fireline connects', (name, schema, why) => {
    expect(steeringParameter(name, schema)).toBe(why);
  });

  it.each([
    ['queue', { type: 'string' }],
    ['ghost', { type: 'string' }],
    ['environment', { type: 'string' }],
    ['since', { type: 'string', format: 'date-time' }],
  ])('does not count %s', (name, schema) => {
    expect(steeringParameter(name, schema)).toBeUndefined();
  });

  it('refuses fromAlert for a URL, host or variable-name parameter, or one that does not exist', () => {
    expect(runbookMetaProblems(meta({ fromAlert: ['queue', 'healthUrl', 'scaleUrlEnv', 'nope'] }))).toEqual([
      'parameter healthUrl may not come from alerts: its name ends in "url"',
      'parameter scaleUrlEnv may not come from alerts: its name ends in "env"',
      'fromAlert names nope, which is not one of its parameters',
    ]);
  });

  it('refuses secrets that are not environment variable names', () => {
    expect(runbookMetaProblems(meta({ secrets: ['DEPLOY_WEBHOOK_URL', 'deploy-url'] }))).toEqual([
      'secrets names "deploy-url", not an environment variable name',
    ]);
  });

  it('makes defineRunbook throw, so such a runbook stops the worker and the API at start', () => {
    const { parameters: _, ...declared } = meta({ fromAlert: ['healthUrl'] });
    const params = z.object({ queue: z.string(), healthUrl: z.url() });
    expect(() => defineRunbook({ meta: declared, params, run: async () => {} })).toThrow(
      'runbook test-runbook: parameter healthUrl may not come from alerts: its name ends in "url"',
    );
  });

  it('accepts the shipped runbooks, none of which takes a URL or variable name from alerts', () => {
    const metas = runbookMetas();
    expect(metas.flatMap(runbookMetaProblems)).toEqual([]);
    expect(Object.fromEntries(metas.map((m) => [m.id, m.fromAlert]))).toEqual({
      'restart-service': [],
      'clean-disk': [],
      'rollback-deploy': ['badRelease', 'goodRelease'],
      'scale-out-queue': ['queue'],
    });
  });

  it('gives the JSON Schema of the declared parameters: defaults optional, nothing undeclared', () => {
    const runbook = defineRunbook({
      meta: { ...meta(), fromAlert: ['queue'] },
      params: z.object({
        queue: z
          .string()
          .regex(/^[a-z]+$/)
          .max(255),
        healthUrl: z.url().describe('Health endpoint'),
        urlEnv: z.enum(['A_URL', 'B_URL']).default('A_URL'),
        extra: z.int().min(1).max(100).default(2),
        note: z.string().optional(),
      }),
      run: async () => {},
    });
    expect(runbook.meta.parameters).toEqual({
      type: 'object',
      properties: {
        queue: { type: 'string', pattern: '^[a-z]+$', maxLength: 255 },
        healthUrl: { type: 'string', format: 'uri', description: 'Health endpoint' },
        urlEnv: { type: 'string', enum: ['A_URL', 'B_URL'], default: 'A_URL' },
        extra: { type: 'integer', minimum: 1, maximum: 100, default: 2 },
        note: { type: 'string' },
      },
      required: ['queue', 'healthUrl'],
      additionalProperties: false,
    });
  });

  it.each([
    ['a date', z.object({ when: z.date() }), 'Date cannot be represented in JSON Schema'],
    ['a transform', z.object({ queue: z.string().transform((q) => q.toUpperCase()) }), 'Transforms cannot'],
  ])('refuses parameters the API could not check as declared: %s', (_what, params, message) => {
    const { parameters: _, ...declared } = meta({ fromAlert: [] });
    expect(() => defineRunbook({ meta: declared, params, run: async () => {} })).toThrow(message);
  });
});
