import { z } from 'zod';
import { defineRunbook } from './sdk';

/** The deploy webhooks' variables this runbook may read. */
const deployUrlEnvs = ['DEPLOY_WEBHOOK_URL'] as const;

/** Release names as alerts may give them: shown in the approval prompt and sent to the deploy webhook. */
const release = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/)
  .max(128);

/** Error rate after a deploy: approval → roll back through the deploy webhook; re-deploy if verification fails. */
export default defineRunbook({
  meta: {
    id: 'rollback-deploy',
    title: 'Roll back a bad deploy',
    description:
      'After approval, rolls back to the previous release through the deploy webhook and verifies the error rate; if it does not recover, re-deploys the release it rolled back.',
    version: '1.0.0',
    owner: 'platform',
    appliesTo: { labels: { alertname: 'ErrorRateAfterDeploy' } },
    // An alert may say which releases; a person approves the rollback with both shown in the prompt.
    fromAlert: ['badRelease', 'goodRelease'],
    secrets: [...deployUrlEnvs],
    mode: 'approval',
    resolveOnSuccess: false,
    deadlineSeconds: 60 * 60,
  },
  params: z.object({
    /** The variable holding the deploy system's webhook URL; one of `secrets`. */
    deployUrlEnv: z.enum(deployUrlEnvs).default(deployUrlEnvs[0]),
    /** Release to roll back from, and back to. */
    badRelease: release,
    goodRelease: release,
    /** Error-rate check that passes (2xx) once errors are back to normal. */
    errorRateCheckUrl: z.url(),
    /** How long to wait for the error rate to recover. */
    verifySeconds: z.int().min(1).max(3600).default(300),
    /** How long the approval may wait before the incident escalates. */
    approvalTimeoutSeconds: z.int().min(1).max(86400).default(1800),
  }),
  async run(rb) {
    const { badRelease, goodRelease, deployUrlEnv } = rb.params;
    await rb.approval('approve rollback', {
      prompt: `Roll ${rb.incident.service} back from ${badRelease} to ${goodRelease}?`,
      timeout: rb.params.approvalTimeoutSeconds * 1000,
      onTimeout: 'escalate',
    });
    await rb.action(
      'roll back',
      {
        action: 'webhook',
        input: {
          urlEnv: deployUrlEnv,
          body: { service: rb.incident.service, release: goodRelease, reason: 'rollback' },
        },
        // It sets an absolute release, so sending it twice changes nothing: safe to re-send.
        idempotent: true,
        compensate: {
          action: 'webhook',
          idempotent: true,
          input: {
            urlEnv: deployUrlEnv,
            body: { service: rb.incident.service, release: badRelease, reason: 'rollback did not help' },
          },
        },
      },
      { timeout: '2 minutes' },
    );
    await rb.verify('verify error rate', {
      check: { url: rb.params.errorRateCheckUrl },
      interval: '1 second',
      deadline: rb.params.verifySeconds * 1000,
    });
  },
});
