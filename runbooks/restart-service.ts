import { z } from 'zod';
import { defineRunbook } from './sdk';

/** The restart webhooks' variables this runbook may read: add one per webhook your services use. */
const restartUrlEnvs = ['RESTART_WEBHOOK_URL'] as const;

/** Service down: health check → restart through a webhook → verify healthy → resolve. */
export default defineRunbook({
  meta: {
    id: 'restart-service',
    title: 'Restart a service that is down',
    description:
      'Checks the health endpoint; if it fails, restarts the service through its restart webhook and waits until healthy.',
    version: '1.0.0',
    owner: 'sre',
    appliesTo: { labels: { alertname: 'ServiceDown' } },
    // Where to check and what to restart come from the triage rule or the person running it, never an alert.
    fromAlert: [],
    secrets: [...restartUrlEnvs],
    mode: 'automatic',
    resolveOnSuccess: true,
    deadlineSeconds: 15 * 60,
  },
  params: z.object({
    healthUrl: z.url().describe('Health endpoint of the service'),
    // The variable holding the restart webhook's URL (it may carry a token); one of `secrets`.
    restartUrlEnv: z
      .enum(restartUrlEnvs)
      .default(restartUrlEnvs[0])
      .describe('Env var with the restart webhook URL'),
  }),
  async run(rb) {
    const health = { url: rb.params.healthUrl, expectStatus: [200] };
    try {
      await rb.http('health check', health, { retry: { maximumAttempts: 2, initialInterval: '1 second' } });
      await rb.note('Service answers its health check: nothing to restart');
      return;
    } catch {
      // Down, as the alert said: restart it.
    }
    await rb.action('restart', {
      action: 'webhook',
      input: { urlEnv: rb.params.restartUrlEnv, body: { service: rb.incident.service } },
    });
    await rb.verify('verify healthy', { check: health, interval: '2 seconds', deadline: '2 minutes' });
  },
});
