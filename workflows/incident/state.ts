import { ApplicationFailure, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type {
  AlertEvent,
  Incident,
  IncidentStatus,
  MajorResponsePlan,
  PlannedDelivery,
  TimelineEntry,
  TimelineType,
} from '../../domain/incident';
import { type PendingRepeats, addRepeat, repeatsFoldMs, repeatsMessage } from '../../domain/alert-repeats';
import { IncidentAlerts, WaitingEvents } from '../../domain/incident-alerts';
import { chatThreadTypes, maxChatBacklog, updatesChatMessage } from '../../domain/chat';
import { searchAttributes } from '../search-attributes';
import { advanceEscalation, freshEscalation } from '../../domain/escalation';
import type { UnknownOutcome } from '../../domain/runbook';
import type { IncidentActionInput, PatchIncidentInput, SnoozeInput } from './messages';

const maxPages = 20;

import type { IncidentWorkflowInput } from './input';
import { actorVia, commanderOfActor, firelineActor, integrationActor } from '../../domain/actors';

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
  /** Events that came before triage finished. */
  readonly inbox: WaitingEvents;
  /** Triggers that came after resolution: they open the next incident in a new run. */
  readonly nextIncidentEvents = new WaitingEvents();
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
  /** Repeats of alerts already on the timeline, by dedup key, not yet written to it. */
  private readonly repeats = new Map<string, PendingRepeats>();
  private alertList: { of: Incident; list: IncidentAlerts } | undefined;

  constructor(input: IncidentWorkflowInput) {
    this.incident = input.carried?.incident;
    this.unsaved = [...(input.carried?.unsavedTimeline ?? [])];
    // The inbox lives in memory only until triage ends: nothing to bound but repeats.
    this.inbox = new WaitingEvents(input.pendingEvents, Infinity);
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
  requireNamed(input: IncidentActionInput): Incident {
    const current = this.current;
    if (input.incidentId !== current.incidentId) {
      // An earlier incident of this key: it was resolved, and this run is a newer one.
      throw new Error(`Incident ${input.incidentId} is already resolved`);
    }
    return current;
  }

  requireOpenNamed(input: IncidentActionInput): Incident {
    this.requireNamed(input);
    return this.requireOpen();
  }

  // Update validators: a refusal reaches the caller before anything is recorded.
  validateAcknowledge(req: IncidentActionInput): void {
    if (this.requireOpenNamed(req).status === 'acknowledged')
      throw new Error('The incident is already acknowledged');
  }

  validateSnooze(req: SnoozeInput): void {
    this.requireOpenNamed(req);
    if (!(req.durationSeconds > 0)) throw new Error('durationSeconds must be positive');
  }

  validateClaimCommander(req: IncidentActionInput): void {
    if (this.requireOpenNamed(req).commander === commanderOfActor(req.actor))
      throw new Error(`${req.actor} is already the incident commander`);
  }

  validatePatch(req: PatchIncidentInput): void {
    this.requireNamed(req);
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
    if (updatesChatMessage(type)) this.chatRevision += 1;
    if (chatThreadTypes.has(type) && (current.chatChannels?.length ?? 0) > 0) {
      this.chatBacklog.push(entry);
      if (this.chatBacklog.length > maxChatBacklog) this.chatBacklog.shift();
    }
    return entry;
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

  private addResponder(actor: string, how: 'paged' | 'acted'): void {
    const responders = this.current.response!.responders;
    const known = responders.find((r) => r.actor === actor);
    if (!known) responders.push({ actor, how, since: now() });
    // Someone paged who then acts is responding.
    else if (known.how === 'paged' && how === 'acted') known.how = 'acted';
    else return;
    this.chatRevision += 1;
  }

  /** A chat channel now holds the incident's message, which follows the incident from here on. */
  addChatChannel(channelId: string): void {
    const current = this.current;
    const channels = (current.chatChannels ??= []);
    if (channels.includes(channelId)) return;
    channels.push(channelId);
    this.chatRevision += 1;
    this.touch();
  }

  /** What one escalation step paged, for the incident's message and the response's responders. */
  recordPages(reason: string, deliveries: PlannedDelivery[], people: string[]): void {
    const current = this.current;
    const pages = (current.pages ??= []);
    pages.push({ reason, at: now(), targets: deliveries.map((d) => d.label), people });
    if (pages.length > maxPages) pages.splice(0, pages.length - maxPages);
    if (current.response) for (const id of people) this.addResponder(`user:${id}`, 'paged');
    this.touch();
  }

  /**
   * Triage marked the incident major: the response opens with the bridge the
   * catalog names (or one a webhook is creating), a commander role to claim,
   * and the responders (who is paged, who acts).
   */
  openResponse(plan: MajorResponsePlan): void {
    const current = this.current;
    current.response = {
      openedAt: now(),
      ...(plan.bridgeUrl ? { bridgeUrl: plan.bridgeUrl } : {}),
      ...(!plan.bridgeUrl && !plan.bridgeWebhook
        ? { bridgeProblem: `no bridge is configured for team ${current.team}` }
        : {}),
      responders: [],
    };
    const bridge = plan.bridgeUrl
      ? `bridge ${plan.bridgeUrl}`
      : plan.bridgeWebhook
        ? 'a bridge is being created'
        : `no bridge configured for team ${current.team}`;
    this.record(
      'response.opened',
      firelineActor,
      `Major incident response opened: ${bridge}; the incident commander role is open to claim`,
      { ...(plan.bridgeUrl ? { bridgeUrl: plan.bridgeUrl } : {}) },
    );
  }

  /** The bridge the team's webhook created, or why there is none. */
  setBridge(outcome: { url: string } | { problem: string }): void {
    const response = this.current.response;
    if (!response) return;
    if ('url' in outcome) {
      response.bridgeUrl = outcome.url;
      response.bridgeProblem = undefined;
      this.record('response.updated', firelineActor, `Bridge created: ${outcome.url}`, {
        bridgeUrl: outcome.url,
      });
    } else {
      response.bridgeProblem = outcome.problem;
      this.record('response.updated', firelineActor, `No bridge: ${outcome.problem}`);
    }
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
  }

  /**
   * The search attributes and memo the Web UI and the API's lists filter on.
   * Only what changed is upserted: each upsert is an event in the history.
   */
  publish(): void {
    const current = this.current;
    const info = workflowInfo();
    const changed = [
      { key: searchAttributes.service, value: current.service },
      { key: searchAttributes.severity, value: current.severity },
      { key: searchAttributes.priority, value: current.priority },
      { key: searchAttributes.status, value: current.status },
      { key: searchAttributes.team, value: current.team },
      { key: searchAttributes.incidentId, value: current.incidentId },
    ].filter(({ key, value }) => info.typedSearchAttributes.get(key) !== value);
    if (changed.length > 0) upsertSearchAttributes(changed);
    const memo = info.memo ?? {};
    if (memo.title !== current.title || memo.incidentId !== current.incidentId)
      upsertMemo({ title: current.title, incidentId: current.incidentId });
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

  /**
   * A runbook action may or may not have run: the timeline says what to check
   * before anyone retries it, and the incident escalates to the next level now
   * (triggered again even if acknowledged), so a person looks.
   */
  actionOutcomeUnknown(
    actor: string,
    runId: string,
    runbookId: string,
    unknown: UnknownOutcome | undefined,
  ): Incident {
    const action = unknown ? `action "${unknown.step}" (${unknown.action})` : 'an action';
    const held = unknown?.heldCompensations.length
      ? `; compensations not run: ${unknown.heldCompensations.join(', ')}`
      : '';
    this.record(
      'runbook.outcome_unknown',
      actor,
      `Outcome unknown: ${action} of runbook ${runbookId} may or may not have run: ` +
        `check ${unknown?.target ?? 'its target'} before retrying; ` +
        `idempotency key ${unknown?.idempotencyKey ?? 'unknown'}${held}`,
      { runId, ...(unknown ? { ...unknown } : {}) },
    );
    return this.escalate(
      actor,
      (fromLevel) =>
        `Escalated from level ${fromLevel}: runbook ${runbookId} outcome unknown, a person has to check`,
    );
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

  /** An alert event for this key: before triage it waits in the inbox. */
  receiveAlert(event: AlertEvent): void {
    if (this.incident) this.applyAlert(event);
    else this.inbox.add(event);
  }

  applyAlert(event: AlertEvent): void {
    const current = this.current;
    const actor = integrationActor(event.integration);
    if (current.status === 'resolved') {
      // PagerDuty semantics: a new trigger after resolve opens a new incident; acknowledge/resolve are dropped.
      if (event.action === 'trigger') this.nextIncidentEvents.add(event);
      return;
    }
    switch (event.action) {
      case 'trigger':
        // Repeats folded while the event waited count as the triggers they stand for.
        for (let i = 0; i <= (event.repeats ?? 0); i++) {
          current.alertCount += 1;
          current.lastAlertAt = event.occurredAt;
          if (this.alerts.fired(event) === 'repeat') {
            this.foldRepeat(event);
            continue;
          }
          this.record('alert', actor, `Alert ${current.alertCount}: ${event.summary}`, {
            eventId: event.eventId,
            severity: event.severity,
            ...(event.source ? { source: event.source } : {}),
            ...(current.grouping ? { dedupKey: event.dedupKey } : {}),
          });
        }
        if (event.otherTriggers) this.otherTriggersCounted(event.otherTriggers, actor);
        break;
      case 'acknowledge':
        if (current.status !== 'acknowledged') this.acknowledge(actor);
        break;
      case 'resolve':
        this.alertResolved(event, actor);
        break;
    }
  }

  /** Triggers that came faster than the incident could keep them whole: counted, not listed. */
  private otherTriggersCounted(triggers: number, actor: string): void {
    const current = this.current;
    current.alertCount += triggers;
    this.alerts.countUnknown(triggers);
    this.record(
      'alert',
      actor,
      `${triggers} more triggers arrived while the incident was opening or closing; counted, not listed`,
      { triggers },
    );
  }

  /** The incident's alerts, within their byte budget. */
  private get alerts(): IncidentAlerts {
    const current = this.current;
    if (this.alertList?.of !== current) this.alertList = { of: current, list: new IncidentAlerts(current) };
    return this.alertList.list;
  }

  private foldRepeat(event: AlertEvent): void {
    const key = event.dedupKey;
    const fold = addRepeat(this.repeats.get(key), key, event.occurredAt, Date.now());
    this.repeats.set(key, fold);
    if (Date.now() - fold.since >= repeatsFoldMs) this.writeRepeats();
    else this.touch();
  }

  /**
   * A resolve event. Without a grouping rule the incident is its one alert and
   * resolves; with one, that alert resolves, and the incident when its last
   * firing alert does (unless the rule leaves that to a person).
   */
  private alertResolved(event: AlertEvent, actor: string): void {
    const current = this.current;
    const outcome = this.alerts.resolved(event);
    if (!current.grouping) {
      this.resolve(actor, `resolve event from ${event.integration}`);
      return;
    }
    // A grouped incident's resolve for an alert it does not hold, or that was resolved, changes nothing.
    if (outcome !== 'resolved') return;
    const { firing, total } = this.alerts;
    this.record(
      'alert.resolved',
      actor,
      `Alert ${event.dedupKey} resolved: ${firing} of ${total} alerts still firing`,
      { dedupKey: event.dedupKey, firing },
    );
    if (firing > 0) return;
    if (this.alerts.someUnfollowed) {
      this.record(
        'alert.resolved',
        firelineActor,
        `Every followed alert resolved, but this incident had more alerts than Fireline follows; a person resolves it`,
      );
      return;
    }
    if (current.grouping.resolve === 'manual') {
      this.record(
        'alert.resolved',
        firelineActor,
        `All ${total} alerts resolved; grouping rule ${current.grouping.ruleId} leaves the incident open for a person to resolve`,
      );
      return;
    }
    this.resolve(actor, `all ${total} alerts resolved (grouping rule ${current.grouping.ruleId})`);
  }

  /** Applies what waited in the inbox (triage, or the previous run, came first). */
  drainInbox(): void {
    for (const event of this.inbox.takeAll()) this.applyAlert(event);
  }
}
