import { z } from 'zod';
import { defineRunbook } from './sdk';

/** Disk almost full: approval → clean-up (an allowlisted command) → verify free space. */
export default defineRunbook({
  meta: {
    id: 'clean-disk',
    title: 'Free disk space',
    description:
      'After approval, runs the allowlisted clean-up command on the worker host and waits for free space to recover.',
    version: '1.0.0',
    owner: 'sre',
    appliesTo: { labels: { alertname: 'DiskAlmostFull' } },
    fromAlert: [],
    mode: 'approval',
    resolveOnSuccess: true,
    deadlineSeconds: 2 * 60 * 60,
  },
  params: z.object({
    /** Check that passes (2xx) once free space is back above the threshold. */
    freeSpaceCheckUrl: z.url(),
  }),
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
