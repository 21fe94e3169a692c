import { ApplicationFailure } from '@temporalio/workflow';
import type { Incident, IncidentStatus, Responder, TimelineEntry, TimelineType } from '../../domain/incident';
import { type PendingRepeats, addRepeat, repeatsDue, repeatsMessage } from '../../domain/alert-repeats';
import { chatThreadTypes, maxChatBacklog, updatesChatMessage } from '../../domain/chat';
import { advanceEscalation, freshEscalation } from '../../domain/escalation';
import { addResponder } from '../../domain/major-response';
import { type StepChange, applyStepChanges } from '../../domain/notification-outcome';
import { actorVia, commanderOfActor, firelineActor } from '../../domain/actors';
import { publishIncident } from './publish';
import type { IncidentWorkflowInput } from './input';
import type { IncidentActionInput, PatchIncidentInput, SnoozeInput } from './messages';

export const now = (): string => new Date(Date.now()).toISOString();

/**
 * The incident and everything the workflow holds about it. Each transition
 * (acknowledge, resolve, snooze, escalate, re-trigger) is one method that
 * changes the status, records the timeline entry and publishes the search
 * attributes and memo, so the Web UI never shows a stale status.
 */
export class IncidentState {
  /** Undefined until the first trigger has been triaged. */
  incident: Incident | undefined;
  /** Timeline entries not yet saved to MongoDB. */
  readonly unsaved: TimelineEntry[];
  /**
   * Counts transitions: what the escalation waits for. An alert folded into
   * the incident changes its version but not its escalation, and must not
   * restart the escalation's timer.
   */
  transitions = 0;
  /** Counts changes the chat message shows: what the chat waits for. */
  chatRevision = 0;
  /** Entries for the chat message's thread, not yet posted. */
  readonly chatBacklog: TimelineEntry[];
  /**
   * The version of the last change other than a folded repeat: a version past
   * it differs from it only by alert counts, which the saver may save later.
   */
  lastChangeVersion = 0;
  /** Repeats of alerts already on the timeline, by dedup key, not yet written to it. */
  private readonly repeats = new Map<string, PendingRepeats>();

  constructor(input: IncidentWorkflowInput) {
    this.incident = input.carried?.incident;
    this.unsaved = [...(input.carried?.unsavedTimeline ?? [])];
    this.chatBacklog = [...(input.carried?.chatBacklog ?? [])];
    if (this.chatBacklog.length > 0) this.chatRevision += 1;
  }

  get current(): Incident {
    if (!this.incident)
      throw ApplicationFailure.nonRetryable('The incident is still being opened; try again in a moment');
    return this.incident;
  }

  get resolved(): boolean {
    return this.current.status === 'resolved';
  }

  requireOpen(): Incident {
    const current = this.current;
    if (current.status === 'resolved')
      throw ApplicationFailure.nonRetryable('The incident is already resolved');
    return current;
  }

  /** For update validators: the incident the caller named, which must be this run's. */
  requireThisIncident(input: IncidentActionInput): Incident {
    const current = this.current;
    if (input.incidentId !== current.incidentId) {
      // An earlier incident of this key: it was resolved, and this run is a newer one.
      throw new Error(`Incident ${input.incidentId} is already resolved`);
    }
    return current;
  }

  requireThisOpenIncident(input: IncidentActionInput): Incident {
    this.requireThisIncident(input);
    return this.requireOpen();
  }

  // Update validators: a refusal reaches the caller before anything is recorded.
  validateAcknowledge(req: IncidentActionInput): void {
    if (this.requireThisOpenIncident(req).status === 'acknowledged')
      throw new Error('The incident is already acknowledged');
  }

  validateSnooze(req: SnoozeInput): void {
    this.requireThisOpenIncident(req);
    if (!(req.durationSeconds > 0)) throw new Error('durationSeconds must be positive');
  }

  validateClaimCommander(req: IncidentActionInput): void {
    if (this.requireThisOpenIncident(req).commander === commanderOfActor(req.actor))
      throw new Error(`${req.actor} is already the incident commander`);
  }

  validatePatch(req: PatchIncidentInput): void {
    this.requireThisIncident(req);
    if (req.severity === undefined && req.title === undefined && req.commander === undefined)
      throw new Error('Nothing to change: give severity, title or commander');
  }

  /** Appends a timeline entry; every change bumps the version, which wakes the saver and the escalation wait. */
  record(type: TimelineType, actor: string, message: string, data?: Record<string, unknown>): TimelineEntry {
    // Folded repeats go first, so the timeline keeps the order things happened in.
    this.writeRepeats();
    const current = this.current;
    current.timelineLength += 1;
    const entry: TimelineEntry = {
      seq: current.timelineLength,
      at: now(),
      type,
      actor,
      message,
      ...(data ? { data } : {}),
    };
    this.unsaved.push(entry);
    this.touch();
    if (current.response && actor.startsWith('user:')) this.addResponder(actor, 'acted');
    this.toChat(entry);
    return entry;
  }

  /**
   * An escalation step's outcome (domain/notification-outcome), applied as
   * `record` would; `saved` when the step's activity saved the incident with it.
   */
  applyStep(changes: StepChange[], at: string, saved = false): void {
    if (changes.length === 0) return;
    this.writeRepeats();
    const { entries, chatChanged } = applyStepChanges(this.current, changes, at);
    this.lastChangeVersion = this.current.version;
    if (chatChanged) this.chatRevision += 1;
    for (const entry of entries) {
      if (!saved) this.unsaved.push(entry);
      this.toChat(entry);
    }
  }

  private toChat(entry: TimelineEntry): void {
    if (updatesChatMessage(entry.type)) this.chatRevision += 1;
    if (chatThreadTypes.has(entry.type) && (this.current.chatChannels?.length ?? 0) > 0) {
      this.chatBacklog.push(entry);
      if (this.chatBacklog.length > maxChatBacklog) this.chatBacklog.shift();
    }
  }

  /** A repeat of an alert already on the timeline: held back, and written once the fold is old enough or before the next entry. */
  foldRepeat(dedupKey: string, at: string): void {
    const fold = addRepeat(this.repeats.get(dedupKey), dedupKey, at, Date.now());
    this.repeats.set(dedupKey, fold);
    if (repeatsDue(fold, Date.now())) this.writeRepeats();
    // Saved too, but with no hurry: see lastChangeVersion.
    else this.current.version += 1;
  }

  /** Writes the folded repeats to the timeline: one entry per alert. */
  writeRepeats(): void {
    if (this.repeats.size === 0) return;
    const folds = [...this.repeats.values()];
    this.repeats.clear();
    for (const fold of folds)
      this.record('alert.repeated', firelineActor, repeatsMessage(fold), {
        dedupKey: fold.dedupKey,
        count: fold.count,
        firstAt: fold.firstAt,
        lastAt: fold.lastAt,
      });
  }

  /** A major incident's responders, which its chat message shows. */
  addResponder(actor: string, how: Responder['how']): void {
    if (addResponder(this.current.response!.responders, actor, how, now())) this.chatRevision += 1;
  }

  /** Someone takes the incident commander role (from the API, the web UI or chat). */
  claimCommander(actor: string, via?: string): Incident {
    const current = this.requireOpen();
    const previous = current.commander;
    current.commander = commanderOfActor(actor);
    this.record(
      'commander.claimed',
      actor,
      `${actorVia(actor, via)} is the incident commander${previous ? ` (was ${previous})` : ''}`,
      { commander: current.commander, ...(previous ? { previous } : {}), ...(via ? { via } : {}) },
    );
    this.publish();
    return current;
  }

  /** A change that is saved but has no timeline entry of its own. */
  touch(): void {
    this.current.version += 1;
    this.lastChangeVersion = this.current.version;
  }

  /** The search attributes and memo follow the incident. */
  publish(): void {
    publishIncident(this.current);
  }

  /**
   * Moves to `status`: a snooze ends unless snoozing, the pending escalation
   * deadline is dropped (the escalation loop sets the next one), the entry is
   * recorded and the search attributes follow.
   */
  private transition(
    status: IncidentStatus,
    entry: { type: TimelineType; actor: string; message: string; data?: Record<string, unknown> },
  ): Incident {
    const current = this.current;
    this.transitions += 1;
    current.status = status;
    if (status !== 'snoozed') current.snoozedUntil = undefined;
    current.escalation.nextEscalationAt = undefined;
    this.record(entry.type, entry.actor, entry.message, entry.data);
    this.publish();
    return current;
  }

  acknowledge(actor: string, via?: string): Incident {
    const current = this.requireOpen();
    current.acknowledgedAt = now();
    current.acknowledgedBy = actor;
    return this.transition('acknowledged', {
      type: 'acknowledged',
      actor,
      message: `Acknowledged by ${actorVia(actor, via)}; escalation stopped`,
      ...(via ? { data: { via } } : {}),
    });
  }

  resolve(actor: string, note?: string, via?: string): Incident {
    const current = this.requireOpen();
    current.resolvedAt = now();
    current.resolvedBy = actor;
    current.resolutionNote = note;
    return this.transition('resolved', {
      type: 'resolved',
      actor,
      message: note ? `Resolved by ${actorVia(actor, via)}: ${note}` : `Resolved by ${actorVia(actor, via)}`,
      ...(via ? { data: { via } } : {}),
    });
  }

  snooze(actor: string, durationSeconds: number, via?: string): Incident {
    const current = this.requireOpen();
    current.snoozedUntil = new Date(Date.now() + durationSeconds * 1000).toISOString();
    return this.transition('snoozed', {
      type: 'snoozed',
      actor,
      message: `Snoozed by ${actorVia(actor, via)} until ${current.snoozedUntil}`,
      data: { durationSeconds, ...(via ? { via } : {}) },
    });
  }

  /** Triggered again and on to the next escalation level, which the escalation loop pages. */
  escalate(actor: string, message: (fromLevel: number) => string): Incident {
    const current = this.requireOpen();
    const from = current.escalation.level;
    advanceEscalation(current.escalation);
    return this.transition('triggered', { type: 'escalated', actor, message: message(from + 1) });
  }

  /** The snooze ran out: triggered again, and the escalation starts over from level 1. */
  snoozeExpired(): Incident {
    const current = this.current;
    current.escalation = freshEscalation(current.escalation.policy);
    return this.transition('triggered', {
      type: 'snooze.expired',
      actor: firelineActor,
      message: 'Snooze expired: the incident is triggered again',
    });
  }

  patch({ actor, severity, title, commander }: PatchIncidentInput): Incident {
    const current = this.current;
    const changes: Record<string, unknown> = {};
    if (severity !== undefined && severity !== current.severity)
      changes.severity = current.severity = severity;
    if (title !== undefined && title !== current.title) changes.title = current.title = title;
    if (commander !== undefined && commander !== current.commander)
      changes.commander = current.commander = commander;
    if (Object.keys(changes).length > 0) {
      this.record('updated', actor, `Updated by ${actor}: ${Object.keys(changes).join(', ')}`, changes);
      this.publish();
    }
    return current;
  }
}
