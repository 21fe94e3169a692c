import { defineRunbook } from './sdk';

interface Params extends Record<string, unknown> {
  /** Environment variable holding the deploy system's webhook URL; one of `secrets`. */
  deployUrlEnv?: string;
  /** Release to roll back from, and back to. */
  badRelease: string;
  goodRelease: string;
  /** Error-rate check that passes (2xx) once errors are back to normal. */
  errorRateCheckUrl: string;
  /** How long to wait for the error rate to recover (default 300 s). */
  verifySeconds?: number;
  /** How long the approval may wait before the incident escalates (default 1800 s). */
  approvalTimeoutSeconds?: number;
}

/** The deploy webhooks' variables this runbook may read. */
const deployUrlEnvs = ['DEPLOY_WEBHOOK_URL'];

/** Release names as alerts may give them: shown in the approval prompt and sent to the deploy webhook. */
const release = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._+-]*$', maxLength: 128 };

/** Error rate after a deploy: approval → roll back through the deploy webhook; re-deploy if verification fails. */
export default defineRunbook<Params>({
  meta: {
    id: 'rollback-deploy',
    title: 'Roll back a bad deploy',
    description:
      'After approval, rolls back to the previous release through the deploy webhook and verifies the error rate; if it does not recover, re-deploys the release it rolled back.',
    version: '1.0.0',
    owner: 'platform',
    appliesTo: { labels: { alertname: 'ErrorRateAfterDeploy' } },
    parameters: {
      type: 'object',
      properties: {
        deployUrlEnv: { type: 'string', enum: deployUrlEnvs, default: deployUrlEnvs[0] },
        badRelease: release,
        goodRelease: release,
        errorRateCheckUrl: { type: 'string', format: 'uri' },
        verifySeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 300 },
        approvalTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86400, default: 1800 },
      },
      required: ['badRelease', 'goodRelease', 'errorRateCheckUrl'],
      additionalProperties: false,
    },
    // An alert may say which releases; a person approves the rollback with both shown in the prompt.
    fromAlert: ['badRelease', 'goodRelease'],
    secrets: deployUrlEnvs,
    mode: 'approval',
    resolveOnSuccess: false,
    deadlineSeconds: 60 * 60,
  },
  async run(rb) {
    const { badRelease, goodRelease } = rb.params;
    const deployUrlEnv = rb.params.deployUrlEnv ?? deployUrlEnvs[0];
    await rb.approval('approve rollback', {
      prompt: `Roll ${rb.incident.service} back from ${badRelease} to ${goodRelease}?`,
      timeout: (rb.params.approvalTimeoutSeconds ?? 1800) * 1000,
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
      deadline: (rb.params.verifySeconds ?? 300) * 1000,
    });
  },
});
