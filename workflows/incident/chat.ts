import { condition, log } from '@temporalio/workflow';
import type { Incident, TimelineEntry } from '../../domain/incident';
import { failureMessage } from '../../domain/failure';
import { chatOptions, syncChatMessages } from './activity-proxies';
import type { IncidentState } from './state';

/** How long the end of an incident waits for its last chat update. */
const flushTimeout = '90 seconds';

/**
 * Keeps the incident's chat messages (the Slack app's) in step with the
 * incident: after each change they show, one update in place and the new
 * thread entries, one sync at a time. A chat that fails is logged, not put on
 * the timeline: the timeline entry would itself be a change to show.
 */
export class IncidentChat {
  private syncedRevision = 0;
  private inFlight = false;

  constructor(private readonly state: IncidentState) {}

  private get due(): boolean {
    const incident = this.state.incident;
    return (
      !this.inFlight &&
      incident !== undefined &&
      (incident.chatChannels?.length ?? 0) > 0 &&
      this.state.chatRevision !== this.syncedRevision
    );
  }

  async runInBackground(): Promise<void> {
    for (;;) {
      await condition(() => this.due);
      await this.sync();
    }
  }

  /** Waits (bounded) for the chat to show everything so far: the resolution reaches Slack before the run ends. */
  async flush(): Promise<void> {
    await condition(() => !this.inFlight && !this.due, flushTimeout);
  }

  /** What is still to post in the thread: the next run posts it. */
  takeBacklog(): TimelineEntry[] {
    return this.state.chatBacklog.splice(0);
  }

  private async sync(): Promise<void> {
    const revision = this.state.chatRevision;
    const entries = this.state.chatBacklog.splice(0);
    const incident = JSON.parse(JSON.stringify(this.state.current)) as Incident;
    this.inFlight = true;
    try {
      await syncChatMessages.executeWithOptions(
        { ...chatOptions, summary: `chat: ${incident.incidentId} ${incident.status}` },
        [{ incident, entries }],
      );
    } catch (err) {
      log.warn('chat message not updated', {
        incidentId: incident.incidentId,
        error: failureMessage(err),
      });
    } finally {
      this.inFlight = false;
      this.syncedRevision = revision;
    }
  }
}
