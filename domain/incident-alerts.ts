// An incident's alerts within a byte budget: pure, used by the incident workflow.
// A sender chooses how many alerts it sends and how big each is; the workflow's
// state travels whole in every save, chat sync, query and continue-as-new, so it
// lists alerts only while they fit and counts the rest.
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { AlertEvent, Incident, IncidentAlert } from './incident';

export type { UnlistedAlerts } from './incident';

/** What the listed alerts of one incident may take, as JSON. */
export const alertListBudgetBytes = 128 * 1024;
/** Unlisted alerts whose state is still followed (by a 64-bit hash of their dedup key). */
export const maxTrackedUnlistedAlerts = 5_000;

/** UTF-8 bytes of a value's JSON: what it costs in a Temporal payload. */
export function jsonBytes(value: unknown): number {
  const json = JSON.stringify(value) ?? '';
  let bytes = json.length;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    // Two bytes below U+0800 and for each half of a surrogate pair (four for the pair); three above.
    if (code >= 0x80) bytes += code < 0x800 || (code >= 0xd800 && code < 0xe000) ? 1 : 2;
  }
  return bytes;
}

/** 64 bits of a dedup key's SHA-256: how state that must stay small remembers an alert. */
export function alertKeyHash(dedupKey: string): string {
  return bytesToHex(sha256(utf8ToBytes(dedupKey))).slice(0, 16);
}

/** The alerts of an incident as the workflow keeps them: `incident.alerts` and `incident.unlistedAlerts`. */
export class IncidentAlerts {
  private listedBytes: number;
  /** Lookups into `unlistedAlerts`' lists, which can be thousands long. */
  private readonly firingUnlisted: Set<string>;
  private readonly resolvedUnlisted: Set<string>;

  constructor(private readonly incident: Pick<Incident, 'alerts' | 'unlistedAlerts'>) {
    this.listedBytes = jsonBytes(incident.alerts ?? []);
    this.firingUnlisted = new Set(incident.unlistedAlerts?.firing);
    this.resolvedUnlisted = new Set(incident.unlistedAlerts?.resolved);
  }

  /** Alerts in all, listed or not. */
  get total(): number {
    return (this.incident.alerts?.length ?? 0) + (this.incident.unlistedAlerts?.count ?? 0);
  }

  /** Alerts known to fire now (unfollowed ones are not counted). */
  get firing(): number {
    const listed = (this.incident.alerts ?? []).filter((a) => a.state === 'firing').length;
    return listed + (this.incident.unlistedAlerts?.firing.length ?? 0);
  }

  /** Whether some alert's state is not followed, so "all resolved" can never be known. */
  get someUnfollowed(): boolean {
    return (this.incident.unlistedAlerts?.untracked ?? 0) > 0;
  }

  /**
   * The event's alert fired: counted and firing. Answers `repeat` for an alert
   * that was firing already, `first` for a new one or one firing again.
   */
  fired(event: AlertEvent): 'first' | 'repeat' {
    const alerts = (this.incident.alerts ??= []);
    const alert = alerts.find((a) => a.dedupKey === event.dedupKey);
    if (alert) {
      const wasFiring = alert.state === 'firing';
      const before = jsonBytes(alert);
      alert.count += 1;
      alert.lastSeenAt = event.occurredAt;
      alert.severity = event.severity;
      alert.state = 'firing';
      alert.resolvedAt = undefined;
      // A newer summary replaces the listed one only while the list stays within its budget.
      const summary = alert.summary;
      alert.summary = event.summary;
      const after = jsonBytes(alert);
      if (this.listedBytes - before + after > alertListBudgetBytes) alert.summary = summary;
      this.listedBytes += jsonBytes(alert) - before;
      return wasFiring ? 'repeat' : 'first';
    }
    const listed: IncidentAlert = {
      dedupKey: event.dedupKey,
      summary: event.summary,
      severity: event.severity,
      integration: event.integration,
      ...(event.source ? { source: event.source } : {}),
      firstSeenAt: event.occurredAt,
      lastSeenAt: event.occurredAt,
      count: 1,
      state: 'firing',
    };
    const unlisted = this.incident.unlistedAlerts;
    if (!unlisted) {
      const size = jsonBytes(listed) + 1;
      if (this.listedBytes + size <= alertListBudgetBytes) {
        alerts.push(listed);
        this.listedBytes += size;
        return 'first';
      }
    }
    return this.firedUnlisted(event.dedupKey);
  }

  /** Triggers of alerts nobody kept (they came past a waiting budget): counted, state unknown. */
  countUnknown(alerts: number): void {
    const unlisted = (this.incident.unlistedAlerts ??= { count: 0, firing: [], resolved: [], untracked: 0 });
    unlisted.count += alerts;
    unlisted.untracked += alerts;
  }

  /** Once one alert is unlisted, every new one is: the list never has gaps in time. */
  private firedUnlisted(dedupKey: string): 'first' | 'repeat' {
    const unlisted = (this.incident.unlistedAlerts ??= { count: 0, firing: [], resolved: [], untracked: 0 });
    const hash = alertKeyHash(dedupKey);
    if (this.firingUnlisted.has(hash)) return 'repeat';
    if (this.resolvedUnlisted.has(hash)) {
      unlisted.resolved.splice(unlisted.resolved.indexOf(hash), 1);
      this.resolvedUnlisted.delete(hash);
    } else {
      unlisted.count += 1;
      if (unlisted.firing.length + unlisted.resolved.length >= maxTrackedUnlistedAlerts) {
        unlisted.untracked += 1;
        return 'first';
      }
    }
    unlisted.firing.push(hash);
    this.firingUnlisted.add(hash);
    return 'first';
  }

  /** The event's alert resolved: whether the incident held it and it was firing. */
  resolved(event: AlertEvent): 'resolved' | 'unchanged' | 'unknown' {
    const alert = this.incident.alerts?.find((a) => a.dedupKey === event.dedupKey);
    if (alert) {
      if (alert.state !== 'firing') return 'unchanged';
      const before = jsonBytes(alert);
      alert.state = 'resolved';
      alert.resolvedAt = event.occurredAt;
      this.listedBytes += jsonBytes(alert) - before;
      return 'resolved';
    }
    const unlisted = this.incident.unlistedAlerts;
    if (!unlisted) return 'unknown';
    const hash = alertKeyHash(event.dedupKey);
    if (this.firingUnlisted.has(hash)) {
      unlisted.firing.splice(unlisted.firing.indexOf(hash), 1);
      this.firingUnlisted.delete(hash);
      unlisted.resolved.push(hash);
      this.resolvedUnlisted.add(hash);
      return 'resolved';
    }
    return this.resolvedUnlisted.has(hash) ? 'unchanged' : 'unknown';
  }
}

/** What events waiting for an incident (before triage, or for the next incident) may take, as JSON. */
export const waitingEventsBudgetBytes = 512 * 1024;

/**
 * Alert events waiting for their incident: before triage ends, or triggers
 * for the next incident after this one resolved. A repeat of the last waiting
 * event of its alert folds into it (`repeats`); a new event past the byte
 * budget is counted on the last waiting trigger (`otherTriggers`), never kept
 * whole, so no sender can grow a run's input past its limit.
 */
export class WaitingEvents {
  readonly events: AlertEvent[];
  private bytes: number;

  constructor(
    events: AlertEvent[] = [],
    private readonly budget = waitingEventsBudgetBytes,
  ) {
    this.events = [...events];
    this.bytes = jsonBytes(this.events);
  }

  get length(): number {
    return this.events.length;
  }

  add(event: AlertEvent): void {
    if (event.action === 'trigger') {
      const last = this.lastOf(event.dedupKey);
      if (last?.action === 'trigger') {
        this.changing(last, () => {
          last.repeats = (last.repeats ?? 0) + 1 + (event.repeats ?? 0);
          if (event.otherTriggers) last.otherTriggers = (last.otherTriggers ?? 0) + event.otherTriggers;
        });
        return;
      }
    }
    const size = jsonBytes(event) + 1;
    const lastTrigger = this.lastTrigger();
    if (this.bytes + size > this.budget && lastTrigger && event.action === 'trigger') {
      this.changing(lastTrigger, () => {
        lastTrigger.otherTriggers =
          (lastTrigger.otherTriggers ?? 0) + 1 + (event.repeats ?? 0) + (event.otherTriggers ?? 0);
      });
      return;
    }
    // An acknowledge or resolve is kept whatever its size (it is bounded by the API's limits):
    // dropping it could leave an alert firing for good.
    this.events.push(event);
    this.bytes += size;
  }

  /** Takes every waiting event, oldest first. */
  takeAll(): AlertEvent[] {
    this.bytes = 2;
    return this.events.splice(0);
  }

  /** Changes a waiting event, keeping count of its bytes. */
  private changing(event: AlertEvent, change: () => void): void {
    const before = jsonBytes(event);
    change();
    this.bytes += jsonBytes(event) - before;
  }

  private lastOf(dedupKey: string): AlertEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--)
      if (this.events[i]!.dedupKey === dedupKey) return this.events[i];
    return undefined;
  }

  private lastTrigger(): AlertEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--)
      if (this.events[i]!.action === 'trigger') return this.events[i];
    return undefined;
  }
}
