import { z } from 'zod';
import { defineRunbook } from './sdk';

/** The scaling webhooks' variables this runbook may read. */
const scaleUrlEnvs = ['SCALE_WEBHOOK_URL'] as const;

/** Queue backlog: scale out through a webhook, wait, verify; scale back in if it did not help. */
export default defineRunbook({
  meta: {
    id: 'scale-out-queue',
    title: 'Scale out queue consumers',
    description:
      'Adds consumers through the scaling webhook, waits, and verifies the backlog drains; if not, scales back in.',
    version: '1.0.0',
    owner: 'platform',
    appliesTo: { labels: { alertname: 'QueueBacklog' } },
    // The alert says which queue backs up; where to scale and what to check are the operator's.
    fromAlert: ['queue'],
    secrets: [...scaleUrlEnvs],
    mode: 'automatic',
    resolveOnSuccess: false,
    deadlineSeconds: 30 * 60,
  },
  params: z.object({
    /** The variable holding the scaling webhook's URL; one of `secrets`. */
    scaleUrlEnv: z.enum(scaleUrlEnvs).default(scaleUrlEnvs[0]),
    queue: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/)
      .max(255),
    /** Consumers to add. */
    extraConsumers: z.int().min(1).max(100).default(2),
    /** How long to let the new consumers work before checking. */
    settleSeconds: z.int().min(0).max(3600).default(120),
    /** Check that passes (2xx) once the backlog is draining. */
    backlogCheckUrl: z.url(),
    /** How long the backlog has to start draining. */
    verifySeconds: z.int().min(1).max(3600).default(60),
  }),
  async run(rb) {
    const { queue, scaleUrlEnv, extraConsumers: extra } = rb.params;
    await rb.action('scale out', {
      action: 'webhook',
      input: { urlEnv: scaleUrlEnv, body: { queue, delta: extra } },
      compensate: { action: 'webhook', input: { urlEnv: scaleUrlEnv, body: { queue, delta: -extra } } },
    });
    await rb.wait('let consumers settle', rb.params.settleSeconds * 1000);
    await rb.verify('verify backlog draining', {
      check: { url: rb.params.backlogCheckUrl },
      interval: '1 second',
      deadline: rb.params.verifySeconds * 1000,
    });
    await rb.notify('tell the team', `added ${extra} consumers to ${queue}; the backlog is draining`);
  },
});
