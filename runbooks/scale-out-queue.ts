import { defineRunbook } from './sdk';

interface Params extends Record<string, unknown> {
  /** Environment variable holding the scaling webhook's URL; one of `secrets`. */
  scaleUrlEnv?: string;
  queue: string;
  /** Consumers to add. */
  extraConsumers?: number;
  /** How long to let the new consumers work before checking (default 120 s). */
  settleSeconds?: number;
  /** Check that passes (2xx) once the backlog is draining. */
  backlogCheckUrl: string;
  /** How long the backlog has to start draining (default 60 s). */
  verifySeconds?: number;
}

/** The scaling webhooks' variables this runbook may read. */
const scaleUrlEnvs = ['SCALE_WEBHOOK_URL'];

/** Queue backlog: scale out through a webhook, wait, verify; scale back in if it did not help. */
export default defineRunbook<Params>({
  meta: {
    id: 'scale-out-queue',
    title: 'Scale out queue consumers',
    description:
      'Adds consumers through the scaling webhook, waits, and verifies the backlog drains; if not, scales back in.',
    version: '1.0.0',
    owner: 'platform',
    appliesTo: { labels: { alertname: 'QueueBacklog' } },
    parameters: {
      type: 'object',
      properties: {
        scaleUrlEnv: { type: 'string', enum: scaleUrlEnvs, default: scaleUrlEnvs[0] },
        queue: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$', maxLength: 255 },
        extraConsumers: { type: 'integer', minimum: 1, maximum: 100, default: 2 },
        settleSeconds: { type: 'integer', minimum: 0, maximum: 3600, default: 120 },
        backlogCheckUrl: { type: 'string', format: 'uri' },
        verifySeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 60 },
      },
      required: ['queue', 'backlogCheckUrl'],
      additionalProperties: false,
    },
    // The alert says which queue backs up; where to scale and what to check are the operator's.
    fromAlert: ['queue'],
    secrets: scaleUrlEnvs,
    mode: 'automatic',
    resolveOnSuccess: false,
    deadlineSeconds: 30 * 60,
  },
  async run(rb) {
    const { queue } = rb.params;
    const scaleUrlEnv = rb.params.scaleUrlEnv ?? scaleUrlEnvs[0];
    const extra = rb.params.extraConsumers ?? 2;
    await rb.action('scale out', {
      action: 'webhook',
      input: { urlEnv: scaleUrlEnv, body: { queue, delta: extra } },
      compensate: { action: 'webhook', input: { urlEnv: scaleUrlEnv, body: { queue, delta: -extra } } },
    });
    await rb.wait('let consumers settle', (rb.params.settleSeconds ?? 120) * 1000);
    await rb.verify('verify backlog draining', {
      check: { url: rb.params.backlogCheckUrl },
      interval: '1 second',
      deadline: (rb.params.verifySeconds ?? 60) * 1000,
    });
    await rb.notify('tell the team', `added ${extra} consumers to ${queue}; the backlog is draining`);
  },
});
