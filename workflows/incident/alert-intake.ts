import type { AlertEvent, Incident } from '../../domain/incident';
import { IncidentAlerts, WaitingEvents } from '../../domain/incident-alerts';
import { firelineActor, integrationActor } from '../../domain/actors';
import type { IncidentState } from './state';

/**
 * Alert events for this key as they reach the incident: they wait until
 * triage has opened it, then fold into its alerts (repeats, resolves of
 * grouped alerts), acknowledge or resolve it; triggers after resolution wait
 * for the next incident, which the next run opens.
 */
export class AlertIntake {
  /** Events waiting for this run's incident to open. */
  readonly waiting: WaitingEvents;
  /** Triggers that came after resolution, waiting for the next incident: the next run's waiting events. */
  readonly waitingForNext = new WaitingEvents();
  private alertList: { of: Incident; list: IncidentAlerts } | undefined;

  constructor(
    private readonly state: IncidentState,
    waitingEvents: AlertEvent[] = [],
  ) {
    // In memory only until triage ends: nothing to bound but repeats.
    this.waiting = new WaitingEvents(waitingEvents, Infinity);
  }

  /** An alert event for this key: before triage it waits. */
  receive(event: AlertEvent): void {
    if (this.state.incident) this.apply(event);
    else this.waiting.add(event);
  }

  /** Applies what waited (triage, or the previous run, came first). */
  applyWaiting(): void {
    for (const event of this.waiting.takeAll()) this.apply(event);
  }

  private apply(event: AlertEvent): void {
    const { state } = this;
    const current = state.current;
    const actor = integrationActor(event.integration);
    if (current.status === 'resolved') {
      // PagerDuty semantics: a new trigger after resolve opens a new incident; acknowledge/resolve are dropped.
      if (event.action === 'trigger') this.waitingForNext.add(event);
      return;
    }
    switch (event.action) {
      case 'trigger':
        // Repeats folded while the event waited count as the triggers they stand for.
        for (let i = 0; i <= (event.repeats ?? 0); i++) {
          current.alertCount += 1;
          current.lastAlertAt = event.occurredAt;
          if (this.alerts.fired(event) === 'repeat') {
            state.foldRepeat(event.dedupKey, event.occurredAt);
            continue;
          }
          state.record('alert', actor, `Alert ${current.alertCount}: ${event.summary}`, {
            eventId: event.eventId,
            severity: event.severity,
            ...(event.source ? { source: event.source } : {}),
            ...(current.grouping ? { dedupKey: event.dedupKey } : {}),
          });
        }
        if (event.otherTriggers) this.otherTriggersCounted(event.otherTriggers, actor);
        break;
      case 'acknowledge':
        if (current.status !== 'acknowledged') state.acknowledge(actor);
        break;
      case 'resolve':
        this.alertResolved(event, actor);
        break;
    }
  }

  /** Triggers that came faster than the incident could keep them whole: counted, not listed. */
  private otherTriggersCounted(triggers: number, actor: string): void {
    this.state.current.alertCount += triggers;
    this.alerts.countUnknown(triggers);
    this.state.record(
      'alert',
      actor,
      `${triggers} more triggers arrived while the incident was opening or closing; counted, not listed`,
      { triggers },
    );
  }

  /** The incident's alerts, within their byte budget. */
  private get alerts(): IncidentAlerts {
    const current = this.state.current;
    if (this.alertList?.of !== current) this.alertList = { of: current, list: new IncidentAlerts(current) };
    return this.alertList.list;
  }

  /**
   * A resolve event. Without a grouping rule the incident is its one alert and
   * resolves; with one, that alert resolves, and the incident when its last
   * firing alert does (unless the rule leaves that to a person).
   */
  private alertResolved(event: AlertEvent, actor: string): void {
    const { state } = this;
    const current = state.current;
    const outcome = this.alerts.resolved(event);
    if (!current.grouping) {
      state.resolve(actor, `resolve event from ${event.integration}`);
      return;
    }
    // A grouped incident's resolve for an alert it does not hold, or that was resolved, changes nothing.
    if (outcome !== 'resolved') return;
    const { firing, total } = this.alerts;
    state.record(
      'alert.resolved',
      actor,
      `Alert ${event.dedupKey} resolved: ${firing} of ${total} alerts still firing`,
      { dedupKey: event.dedupKey, firing },
    );
    if (firing > 0) return;
    if (this.alerts.someUnfollowed) {
      state.record(
        'alert.resolved',
        firelineActor,
        `Every followed alert resolved, but this incident had more alerts than Fireline follows; a person resolves it`,
      );
      return;
    }
    if (current.grouping.resolve === 'manual') {
      state.record(
        'alert.resolved',
        firelineActor,
        `All ${total} alerts resolved; grouping rule ${current.grouping.ruleId} leaves the incident open for a person to resolve`,
      );
      return;
    }
    state.resolve(actor, `all ${total} alerts resolved (grouping rule ${current.grouping.ruleId})`);
  }
}
