import { ActivityFailure, ApplicationFailure, condition, workflowInfo } from '@temporalio/workflow';
import { firelineActor } from '../../domain/actors';
import { failureMessage } from '../../domain/failure';
import { type Incident, type TimelineEntry, saveRefusedType } from '../../domain/incident';
import { saveIncident, saveOptions } from './activity-proxies';
import type { StepSave } from '../../activities/notify';
import type { UnsavedIncident } from './input';
import type { IncidentState } from './state';

/** How often an incident whose only changes are repeated alerts is saved: its alert count in MongoDB lags at most this. */
const repeatsSaveEveryMs = 2_000;
const maxCarriedBytes = 512 * 1024;
const maxCarriedEntries = 2_000;
/** Timeline entries in one save: its input must stay well under Temporal's 2 MB payload limit. */
const maxSaveTimelineBytes = 256 * 1024;
// Temporal terminates a run at 51,200 events or 50 MB of history; these leave room to continue as new.
const maxHistoryEvents = 40_000;
const maxHistoryBytes = 40 * 1024 * 1024;

/** The notifier's notifications under way, as the saver waits for them. */
export class NotificationsUnderWay {
  /** From planning to the last delivery's outcome. */
  readonly underWay = new Set<number>();
  /** Whose plan and first attempts are under way (one activity each). */
  readonly firstAttempts = new Set<number>();
}

/**
 * Saves the incident to MongoDB in the background, one save at a time so
 * versions land in order, so that a slow or absent MongoDB never holds up an
 * escalation: not while the incident is open, not at continue-as-new (what is
 * unsaved travels to the next run), and not after resolution (a trigger for
 * the next incident does not wait for the last save of this one).
 */
export class IncidentSaver {
  /** The version last saved; a higher incident version means there is something to save. */
  private savedVersion: number;
  private inFlight = false;
  /** Workflow time the last save started. */
  private lastSaveAt = Number.NEGATIVE_INFINITY;
  /** The timeline entries of the save under way: carried to the next run with the rest if this one ends first. */
  private inFlightTimeline: TimelineEntry[] = [];
  /** Resolved incidents of this key from earlier runs, still to be saved (oldest first). */
  private readonly unsavedResolved: UnsavedIncident[];
  /** The version of the save lent to an escalation step that is still under way. */
  private lentVersion: number | undefined;

  constructor(
    private readonly state: IncidentState,
    unsavedResolved: UnsavedIncident[] = [],
    /** The notifier's notifications under way. */
    private readonly notifications: NotificationsUnderWay = new NotificationsUnderWay(),
  ) {
    this.unsavedResolved = [...unsavedResolved];
    // A carried incident may never have reached MongoDB: the new run saves it once more.
    this.savedVersion = -1;
  }

  /** Whether all that is unsaved is folded repeats: alert counts, no timeline entry. */
  private get repeatsOnly(): boolean {
    return this.savedVersion >= this.state.lastChangeVersion && this.state.unsaved.length === 0;
  }

  private get hasUnsaved(): boolean {
    return (
      this.state.incident !== undefined &&
      (this.state.current.version !== this.savedVersion || this.state.unsaved.length > 0)
    );
  }

  /**
   * Runs for the life of the run: first the earlier incidents carried over, then
   * this one. The resolved incident is left to the final `flush`, which also
   * carries `postmortem.started`: the post-mortem waits for the resolved
   * incident and must find its whole timeline.
   */
  async runInBackground(): Promise<void> {
    while (this.unsavedResolved.length > 0) {
      const earlier = this.unsavedResolved[0]!;
      // Entries leave the list only once saved, so a run that ends first carries the rest over.
      this.inFlight = true;
      try {
        do {
          const count = entriesWithin(earlier.unsavedTimeline, maxSaveTimelineBytes);
          await this.write(earlier.incident, earlier.unsavedTimeline.slice(0, count));
          earlier.unsavedTimeline.splice(0, count);
        } while (earlier.unsavedTimeline.length > 0);
      } catch (err) {
        if (!isSaveRefusal(err)) throw err;
      } finally {
        this.inFlight = false;
      }
      this.unsavedResolved.shift();
    }
    let waited = false;
    for (;;) {
      await condition(() => !this.inFlight && this.hasUnsaved && !this.state.resolved);
      const wait = this.repeatsOnly ? this.lastSaveAt + repeatsSaveEveryMs - Date.now() : 0;
      if (wait > 0) {
        // Repeats alone (an alert storm): one save now and then; any other change is saved at once.
        await condition(() => this.state.resolved || !this.repeatsOnly, wait);
        continue;
      }
      // Waiting once per save: notifications started meanwhile do not put it off again.
      if (!waited && (await this.waitedForNotificationsUnderWay())) {
        waited = true;
        continue;
      }
      waited = false;
      await this.saveCurrent();
    }
  }

  /**
   * A change made while notifications are out (an escalation and its page,
   * say) is saved when they have ended, with their outcomes: one save and one
   * workflow task fewer each time, and no save competing with pages when many
   * escalations fall due together. Only the notifications under way now are
   * waited for, and each ends within its activities' retry policies, so a run
   * that keeps paging still saves. The first save waits only for the first
   * attempts (one bounded activity): it carries the level-1 page's outcome,
   * and the incident still shows in lists at once.
   */
  private async waitedForNotificationsUnderWay(): Promise<boolean> {
    const underWay = this.savedVersion < 0 ? this.notifications.firstAttempts : this.notifications.underWay;
    const waitingFor = [...underWay];
    if (waitingFor.length === 0) return false;
    await condition(() => this.state.resolved || waitingFor.every((id) => !underWay.has(id)));
    return true;
  }

  /**
   * Lends the next save to an escalation step, whose activity makes it with
   * the step's outcome once the first attempts are over: one activity and one
   * workflow task fewer per step. Only while no save is under way and all that
   * is unsaved fits one save; the step hands it back with `stepEnded`.
   */
  lendToStep(): StepSave | undefined {
    if (this.inFlight || this.unsavedResolved.length > 0 || this.state.resolved) return undefined;
    this.state.writeRepeats();
    const { unsaved } = this.state;
    if (entriesWithin(unsaved, maxSaveTimelineBytes) < unsaved.length) return undefined;
    const save = this.startSave(unsaved.length);
    this.lentVersion = save.incident.version;
    return save;
  }

  /** Starts the next save: the incident as it is now, and its first `entries` unsaved entries. */
  private startSave(entries: number): StepSave {
    const incident = JSON.parse(JSON.stringify(this.state.current)) as Incident;
    this.inFlight = true;
    this.lastSaveAt = Date.now();
    this.inFlightTimeline = this.state.unsaved.splice(0, entries);
    return { incident, timeline: this.inFlightTimeline };
  }

  /**
   * The step lent a save has ended. `saved`: its activity saved the incident
   * as it is now, outcome applied. Otherwise the saver saves it, at a version
   * above any the activity may have written before it failed or was overtaken.
   */
  stepEnded(saved: boolean): void {
    if (this.lentVersion === undefined) return;
    this.inFlight = false;
    if (saved) {
      this.savedVersion = this.state.current.version;
      this.lentVersion = undefined;
    } else {
      this.state.unsaved.unshift(...this.inFlightTimeline);
      this.outrunLentSave();
    }
    this.inFlightTimeline = [];
  }

  private outrunLentSave(): void {
    const current = this.state.current;
    current.version = Math.max(current.version, this.lentVersion! + 1);
    this.state.touch();
    this.lentVersion = undefined;
  }

  /**
   * Saves everything recorded so far, unless `giveUp` turns true first (a trigger
   * for the next incident came): then the run carries the rest to the next with `unsavedForNextRun`.
   * Answers whether everything was saved.
   */
  async flushUnless(giveUp: () => boolean): Promise<boolean> {
    let done = false;
    void (async () => {
      // Earlier incidents first (runInBackground saves them), then this one.
      await condition(() => this.unsavedResolved.length === 0 && !this.inFlight);
      while (this.hasUnsaved) {
        await condition(() => !this.inFlight);
        await this.saveCurrent();
      }
      done = true;
    })();
    await condition(() => done || giveUp());
    return done;
  }

  /**
   * Whether what is unsaved fits the next run's input. During a long MongoDB
   * outage a noisy incident's unsaved timeline grows; past a quarter of
   * Temporal's 2 MB payload limit the run stays on (its history has room up
   * to 51,200 events) until the saves drain it, unless the history nears its own limit.
   */
  mayContinueAsNew(): boolean {
    const info = workflowInfo();
    if (info.historyLength > maxHistoryEvents || (info.historySize ?? 0) > maxHistoryBytes) return true;
    const entries = this.inFlightTimeline.length + this.state.unsaved.length;
    // Counted first: this is checked at every wake-up while continue-as-new is due.
    if (entries > maxCarriedEntries) return false;
    let bytes = 0;
    for (const entry of this.inFlightTimeline) bytes += JSON.stringify(entry).length;
    for (const entry of this.state.unsaved) bytes += JSON.stringify(entry).length;
    for (const earlier of this.unsavedResolved) bytes += JSON.stringify(earlier).length;
    return bytes <= maxCarriedBytes;
  }

  /**
   * What the next run must save: earlier resolved incidents, then this one with
   * every entry not confirmed saved (a save under way may still land; saves are idempotent).
   */
  unsavedForNextRun(): { current: UnsavedIncident; unsavedResolved: UnsavedIncident[] } {
    // Folded repeats are written now, or the next run would not know of them.
    this.state.writeRepeats();
    if (this.lentVersion !== undefined) this.outrunLentSave();
    const unsavedTimeline = [...this.inFlightTimeline, ...this.state.unsaved.splice(0)];
    return {
      current: { incident: this.state.current, unsavedTimeline },
      unsavedResolved: this.unsavedResolved,
    };
  }

  private async saveCurrent(): Promise<void> {
    if (!this.hasUnsaved) return;
    const { unsaved } = this.state;
    const { incident: snapshot, timeline } = this.startSave(entriesWithin(unsaved, maxSaveTimelineBytes));
    try {
      await this.write(snapshot, timeline);
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
    } finally {
      this.inFlight = false;
      this.inFlightTimeline = [];
    }
  }

  private async write(incident: Incident, timeline: TimelineEntry[]): Promise<void> {
    await saveIncident.executeWithOptions(
      { ...saveOptions, summary: `save ${incident.incidentId} ${incident.status} v${incident.version}` },
      [{ incident, timeline, ...(incident.status === 'resolved' ? { startPostmortem: true } : {}) }],
    );
  }
}

/** How many of the first entries fit in `budget` bytes (at least one). */
function entriesWithin(entries: TimelineEntry[], budget: number): number {
  let bytes = 0;
  for (let i = 0; i < entries.length; i++) {
    bytes += JSON.stringify(entries[i]).length;
    if (bytes > budget) return Math.max(1, i);
  }
  return entries.length;
}

function isSaveRefusal(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === saveRefusedType
  );
}
