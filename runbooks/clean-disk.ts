import { defineRunbook } from './sdk';

interface Params extends Record<string, unknown> {
  /** Check that passes (2xx) once free space is back above the threshold. */
  freeSpaceCheckUrl: string;
}

/** Disk almost full: approval → clean-up (an allowlisted command) → verify free space. */
export default defineRunbook<Params>({
  meta: {
    id: 'clean-disk',
    title: 'Free disk space',
    description:
      'After approval, runs the allowlisted clean-up command on the worker host and waits for free space to recover.',
    version: '1.0.0',
    owner: 'sre',
    appliesTo: { labels: { alertname: 'DiskAlmostFull' } },
    parameters: {
      type: 'object',
      properties: { freeSpaceCheckUrl: { type: 'string', format: 'uri' } },
      required: ['freeSpaceCheckUrl'],
      additionalProperties: false,
    },
    fromAlert: [],
    mode: 'approval',
    resolveOnSuccess: true,
    deadlineSeconds: 2 * 60 * 60,
  },
  async run(rb) {
    await rb.approval('approve clean-up', {
      prompt: `Delete old temporary files on ${rb.incident.service}?`,
      timeout: '1 hour',
      // Deleting day-old temporary files is low-risk: the responder who asked may approve it.
      allowSelfApproval: true,
    });
    await rb.action(
      'clean up',
      { action: 'command', input: { command: 'clean-tmp' } },
      { timeout: '5 minutes' },
    );
    await rb.verify('verify free space', {
      check: { url: rb.params.freeSpaceCheckUrl },
      interval: '10 seconds',
      deadline: '5 minutes',
    });
  },
});
