import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { AlertEvent } from '../../domain/incident';
import { alertKeyHash, jsonBytes } from '../../domain/incident-alerts';
import { alertsSignal } from '../incident/messages';
import { startIncidentChild } from '../incident/start-child';
import { runLongLived } from '../long-lived';
import { windowIncidentWorkflowId } from './ids';
import { type AlertGroupView, alertGroupQuery, incidentClosedSignal } from './messages';

export interface AlertGroupInput {
  ruleId: string;
  values: string[];
  windowSeconds: number;
  /** Handed to the incidents it starts. */
  actionsTaskQueue: string;
  /** Set when the router continued as new. */
  carried?: AlertGroupState;
}

interface AlertGroupState {
  current?: string;
  lastTriggerAt?: number;
  open: string[];
  /** Each open incident's alerts, by the hash of their dedup key (alertKeyHash). */
  keys: [string, string[]][];
  pending: AlertEvent[];
}

/**
 * Dedup keys remembered for acknowledges and resolves, as 16-character hashes
 * (about 200 KB carried at continue-as-new); past this the oldest are
 * forgotten, and their acknowledges and resolves go to the current incident.
 */
const maxRememberedKeys = 10_000;
/** Events routed in one pass, and carried at most into the next run: well under Temporal's 2 MB payload limit. */
const maxBatchBytes = 256 * 1024;

/**
 * Routes a time-based group's alerts to its incidents. A trigger joins the
 * current incident while it comes within the window of the last one, and
 * opens a new incident (a child workflow, left running on its own) after a
 * quiet spell. An acknowledge or resolve goes to the incident holding its
 * dedup key. Alerts are handled one batch at a time, in order, so two alerts
 * of one group never open two incidents. The router ends once none of its
 * incidents is open: the next alert starts a new one, as signal-with-start.
 */
class AlertGroupRouter {
  private current: string | undefined;
  private lastTriggerAt: number | undefined;
  private readonly open: Set<string>;
  private readonly keys: Map<string, string>;
  private readonly pending: AlertEvent[];

  constructor(private readonly input: AlertGroupInput) {
    const carried = input.carried;
    this.current = carried?.current;
    this.lastTriggerAt = carried?.lastTriggerAt;
    this.open = new Set(carried?.open ?? []);
    this.keys = new Map(
      (carried?.keys ?? []).flatMap(([workflowId, hashes]) =>
        hashes.map((hash) => [hash, workflowId] as const),
      ),
    );
    this.pending = [...(carried?.pending ?? [])];
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Nothing to route and no incident open: the group is over. */
  get done(): boolean {
    return this.pending.length === 0 && this.open.size === 0;
  }

  get view(): AlertGroupView {
    return {
      ...(this.current ? { currentIncident: this.current } : {}),
      ...(this.lastTriggerAt !== undefined
        ? { lastTriggerAt: new Date(this.lastTriggerAt).toISOString() }
        : {}),
      openIncidents: [...this.open],
    };
  }

  receive(events: AlertEvent[]): void {
    this.pending.push(...events);
  }

  closed(workflowId: string): void {
    this.open.delete(workflowId);
    if (this.current === workflowId) this.current = undefined;
    for (const [key, holder] of this.keys) if (holder === workflowId) this.keys.delete(key);
  }

  /** Whether what waits to be routed fits the next run's input. */
  get fitsNextRunInput(): boolean {
    return jsonBytes(this.pending) <= maxBatchBytes;
  }

  /**
   * Hands pending events to their incidents, starting incidents as the window
   * says, a budget of bytes at a time; between passes `continueAsNewIfDue` may end the run.
   */
  async routePending(continueAsNewIfDue: () => Promise<void>): Promise<void> {
    while (this.pending.length > 0) {
      const batches = new Map<string, { events: AlertEvent[]; start: boolean }>();
      for (const event of this.pending.splice(0, eventsWithin(this.pending, maxBatchBytes))) {
        const target = event.action === 'trigger' ? this.triggerTarget(event) : this.keyHolder(event);
        if (!target) continue; // an acknowledge or resolve for no open incident: dropped, as for a dedup key
        const batch = batches.get(target.workflowId);
        if (batch) batch.events.push(event);
        else batches.set(target.workflowId, { events: [event], start: target.start });
      }
      await Promise.all([...batches].map(([workflowId, batch]) => this.deliver(workflowId, batch)));
      await continueAsNewIfDue();
    }
  }

  nextInput(): AlertGroupInput {
    return {
      ruleId: this.input.ruleId,
      values: this.input.values,
      windowSeconds: this.input.windowSeconds,
      actionsTaskQueue: this.input.actionsTaskQueue,
      carried: {
        ...(this.current ? { current: this.current } : {}),
        ...(this.lastTriggerAt !== undefined ? { lastTriggerAt: this.lastTriggerAt } : {}),
        open: [...this.open],
        keys: this.keysByIncident(),
        pending: this.pending.splice(0),
      },
    };
  }

  /**
   * The window is measured in when the API received each trigger: not when the
   * router gets to it (a busy router must not split a steady stream), and not
   * in the times senders give.
   */
  private triggerTarget(event: AlertEvent): { workflowId: string; start: boolean } {
    const at = Date.parse(event.receivedAt);
    const withinWindow =
      this.current !== undefined &&
      this.lastTriggerAt !== undefined &&
      at - this.lastTriggerAt <= this.input.windowSeconds * 1000;
    const workflowId = withinWindow ? this.current! : this.openNext();
    // API processes' clocks differ a little: the window runs from the latest trigger seen.
    this.lastTriggerAt = Math.max(this.lastTriggerAt ?? at, at);
    this.remember(event.dedupKey, workflowId);
    return { workflowId, start: !withinWindow };
  }

  /** The group's next incident: where its triggers go from now on. */
  private openNext(): string {
    this.current = windowIncidentWorkflowId(this.input.ruleId, this.input.values, uuid4());
    this.open.add(this.current);
    return this.current;
  }

  private keysByIncident(): [string, string[]][] {
    const byIncident = new Map<string, string[]>();
    for (const [hash, workflowId] of this.keys) {
      const hashes = byIncident.get(workflowId);
      if (hashes) hashes.push(hash);
      else byIncident.set(workflowId, [hash]);
    }
    return [...byIncident];
  }

  private keyHolder(event: AlertEvent): { workflowId: string; start: boolean } | undefined {
    const holder = this.keys.get(alertKeyHash(event.dedupKey)) ?? this.current;
    return holder ? { workflowId: holder, start: false } : undefined;
  }

  private remember(dedupKey: string, workflowId: string): void {
    const hash = alertKeyHash(dedupKey);
    this.keys.delete(hash);
    this.keys.set(hash, workflowId);
    if (this.keys.size > maxRememberedKeys) this.keys.delete(this.keys.keys().next().value!);
  }

  private async deliver(workflowId: string, batch: { events: AlertEvent[]; start: boolean }): Promise<void> {
    if (batch.start) return this.startIncident(workflowId, batch.events);
    try {
      await getExternalWorkflowHandle(workflowId).signal(alertsSignal, { events: batch.events });
    } catch {
      // The incident ended as the batch went out: its triggers open the group's next incident.
      this.closed(workflowId);
      const triggers = batch.events.filter((e) => e.action === 'trigger');
      if (triggers.length === 0) return;
      const next = this.openNext();
      for (const event of triggers) this.remember(event.dedupKey, next);
      await this.startIncident(next, triggers);
    }
  }

  private startIncident(workflowId: string, events: AlertEvent[]): Promise<void> {
    return startIncidentChild(workflowId, events, this.input.actionsTaskQueue);
  }
}

/** A time-based alert group: see AlertGroupRouter. */
export function alertGroupWorkflow(input: AlertGroupInput): Promise<void> {
  return runLongLived(() => routeAlerts(input));
}

async function routeAlerts(input: AlertGroupInput): Promise<void> {
  const router = new AlertGroupRouter(input);
  setHandler(alertsSignal, ({ events }) => router.receive(events));
  setHandler(incidentClosedSignal, ({ workflowId }) => router.closed(workflowId));
  setHandler(alertGroupQuery, () => router.view);
  // Checked between passes too: a sustained storm never empties the queue.
  const continueAsNewIfDue = async () => {
    if (workflowInfo().continueAsNewSuggested && router.fitsNextRunInput) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof alertGroupWorkflow>(router.nextInput());
    }
  };
  for (;;) {
    await router.routePending(continueAsNewIfDue);
    await continueAsNewIfDue();
    if (router.done) return;
    await condition(() => router.hasPending || router.done);
  }
}

/** How many of the first events fit in `budget` bytes (at least one). */
function eventsWithin(events: AlertEvent[], budget: number): number {
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    bytes += jsonBytes(events[i]);
    if (bytes > budget) return Math.max(1, i);
  }
  return events.length;
}
