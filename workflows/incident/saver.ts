import { ActivityFailure, ApplicationFailure, condition } from '@temporalio/workflow';
import { firelineActor } from '../../domain/actors';
import { failureMessage } from '../../domain/failure';
import { type Incident, saveRefusedType } from '../../domain/incident';
import { saveIncident, saveOptions } from './activity-proxies';
import type { IncidentState } from './state';

/**
 * Saves the incident to MongoDB in the background, one save at a time so
 * versions land in order, so that a slow or absent MongoDB never holds up an
 * escalation.
 */
export class IncidentSaver {
  /** The version last saved; a higher incident version means there is something to save. */
  private savedVersion: number;
  private inFlight = false;

  constructor(private readonly state: IncidentState) {
    this.savedVersion = state.incident?.version ?? -1;
  }

  private get hasUnsaved(): boolean {
    return this.state.current.version !== this.savedVersion || this.state.unsaved.length > 0;
  }

  /**
   * Runs for the life of the run. The resolved incident is left to the final
   * `flush`, which also carries `postmortem.started`: the post-mortem waits
   * for the resolved incident and must find its whole timeline.
   */
  async runInBackground(): Promise<void> {
    for (;;) {
      await condition(() => !this.inFlight && this.hasUnsaved && !this.state.resolved);
      await this.saveOnce();
    }
  }

  /** Everything recorded so far is in MongoDB once this returns (before continue-as-new and at the end). */
  async flush(): Promise<void> {
    await condition(() => !this.inFlight);
    await this.saveOnce();
  }

  private async saveOnce(): Promise<void> {
    this.inFlight = true;
    try {
      await this.save();
    } finally {
      this.inFlight = false;
    }
  }

  private async save(): Promise<void> {
    if (!this.hasUnsaved) return;
    const { unsaved } = this.state;
    const timeline = unsaved.splice(0);
    const snapshot = JSON.parse(JSON.stringify(this.state.current)) as Incident;
    try {
      await saveIncident.executeWithOptions(
        { ...saveOptions, summary: `save ${snapshot.status} v${snapshot.version}` },
        [{ incident: snapshot, timeline }],
      );
      this.savedVersion = snapshot.version;
    } catch (err) {
      if (!isSaveRefusal(err)) {
        unsaved.unshift(...timeline);
        throw err;
      }
      // MongoDB refuses this document for good: the incident goes on (paging, live in
      // Temporal and the API) and the next change is tried afresh.
      this.savedVersion = snapshot.version;
      this.state.record('save.failed', firelineActor, `Not saved to MongoDB: ${failureMessage(err)}`);
    }
  }
}

function isSaveRefusal(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === saveRefusedType
  );
}
