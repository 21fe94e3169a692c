import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { PostmortemStatus } from '../../domain/postmortem';
import { postmortemStatusSignal } from './messages';

// Drafting waits for the incident's final save, however long that takes: no attempt limit.
const { generatePostmortem, sendPostmortemReminder } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export interface PostmortemWorkflowInput {
  incidentId: string;
}

/**
 * Drafts the post-mortem of a resolved incident, then drives the review:
 * reminds the owner at an interval, escalates to the team's fallback after N
 * reminders, and ends when the post-mortem is published.
 */
export async function postmortemWorkflow(input: PostmortemWorkflowInput): Promise<{ postmortemId: string }> {
  let signalled: PostmortemStatus | undefined;
  setHandler(postmortemStatusSignal, (status) => {
    signalled = status;
  });
  const draft = await generatePostmortem.executeWithOptions(
    {
      startToCloseTimeout: '30 seconds',
      retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
      summary: 'draft the post-mortem',
    },
    [input],
  );
  const status = () => signalled ?? draft.status;
  let reminders = 0;
  while (status() !== 'published') {
    const published = await condition(() => status() === 'published', draft.reminderIntervalSeconds * 1000, {
      summary: `wait for the review (reminder ${reminders + 1})`,
    });
    if (published) break;
    reminders += 1;
    await sendPostmortemReminder({
      postmortemId: draft.postmortemId,
      reminder: reminders,
      escalate: reminders > draft.remindersBeforeEscalation,
    });
  }
  return { postmortemId: draft.postmortemId };
}
