import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import {
  type HeartbeatSettings,
  heartbeatAlertEvent,
  heartbeatDedupKey,
  missedSummary,
} from '../../domain/heartbeats';
import type { AlertEvent } from '../../domain/incident';
import { incidentWorkflowId } from '../incident/ids';
import { alertsSignal } from '../incident/messages';
import { startIncidentChild } from '../incident/start-child';
import { runLongLived } from '../long-lived';
import { type HeartbeatView, configureSignal, heartbeatQuery, pingSignal, stopSignal } from './messages';

export interface HeartbeatWorkflowInput {
  settings: HeartbeatSettings;
  /** Handed to the incidents it opens. */
  actionsTaskQueue: string;
  /** Set when the workflow continued as new. */
  carried?: HeartbeatCarried;
}

interface HeartbeatCarried {
  /** Since when a ping is expected when none came yet: the heartbeat's creation. */
  since: string;
  lastPingAt?: string;
  incidentOpen: boolean;
  pings: number;
}

/** What a heartbeat knows between pings: its settings, its last ping, and whether it opened an incident. */
class HeartbeatState {
  settings: HeartbeatSettings;
  readonly since: string;
  lastPingAt: string | undefined;
  incidentOpen: boolean;
  pings: number;
  /** A ping arrived that the loop has not acted on yet. */
  pinged = false;
  /** The settings changed: the deadline is worked out again. */
  changed = false;
  stoppedBy: string | undefined;

  constructor(input: HeartbeatWorkflowInput) {
    this.settings = input.settings;
    this.since = input.carried?.since ?? new Date(Date.now()).toISOString();
    this.lastPingAt = input.carried?.lastPingAt;
    this.incidentOpen = input.carried?.incidentOpen ?? false;
    this.pings = input.carried?.pings ?? 0;
  }

  ping(at: string): void {
    // Pings from several API processes may arrive out of order: the latest counts.
    if (!this.lastPingAt || at > this.lastPingAt) this.lastPingAt = at;
    this.pings += 1;
    this.pinged = true;
  }

  configure(settings: Omit<HeartbeatSettings, 'name'>): void {
    this.settings = { ...settings, name: this.settings.name };
    this.changed = true;
  }

  /** When an incident opens unless a ping comes first. */
  get dueAt(): number {
    const { intervalSeconds, graceSeconds } = this.settings;
    return Date.parse(this.lastPingAt ?? this.since) + (intervalSeconds + graceSeconds) * 1000;
  }

  get view(): HeartbeatView {
    const { name, paused } = this.settings;
    const status = paused ? 'paused' : this.incidentOpen ? 'missed' : this.lastPingAt ? 'up' : 'waiting';
    return {
      name,
      status,
      ...(this.lastPingAt ? { lastPingAt: this.lastPingAt } : {}),
      ...(status === 'up' || status === 'waiting' ? { dueBy: new Date(this.dueAt).toISOString() } : {}),
      ...(this.incidentOpen ? { incidentWorkflowId: this.incidentWorkflowId } : {}),
      pings: this.pings,
    };
  }

  get incidentWorkflowId(): string {
    return incidentWorkflowId(this.settings.service, heartbeatDedupKey(this.settings.name));
  }

  carried(): HeartbeatCarried {
    return {
      since: this.since,
      ...(this.lastPingAt ? { lastPingAt: this.lastPingAt } : {}),
      incidentOpen: this.incidentOpen,
      pings: this.pings,
    };
  }
}

/** Sends the heartbeat's incident an alert event, opening the incident when none runs. */
async function sendToIncident(
  state: HeartbeatState,
  actionsTaskQueue: string,
  event: AlertEvent,
): Promise<void> {
  const workflowId = state.incidentWorkflowId;
  try {
    await getExternalWorkflowHandle(workflowId).signal(alertsSignal, { events: [event] });
    return;
  } catch {
    // No incident runs for this heartbeat: a resolve has nothing to do, a trigger opens one.
  }
  if (event.action === 'trigger') await startIncidentChild(workflowId, [event], actionsTaskQueue);
}

/**
 * One heartbeat (`heartbeat:<name>`): a durable timer that every ping resets.
 * When it runs out an incident opens; the next ping resolves it. The timer is
 * Temporal's, so it keeps its time through restarts of the worker and of the
 * server; pings only fold into the state, and the run continues as new when
 * its history grows.
 */
export function heartbeatWorkflow(input: HeartbeatWorkflowInput): Promise<void> {
  return runLongLived(() => runHeartbeat(input));
}

async function runHeartbeat(input: HeartbeatWorkflowInput): Promise<void> {
  const state = new HeartbeatState(input);
  setHandler(pingSignal, ({ at }) => state.ping(at));
  setHandler(configureSignal, (settings) => state.configure(settings));
  setHandler(stopSignal, ({ by }) => void (state.stoppedBy = by));
  setHandler(heartbeatQuery, () => state.view);

  const continueAsNewDue = () => workflowInfo().continueAsNewSuggested;
  const woken = () => state.pinged || state.changed || state.stoppedBy !== undefined || continueAsNewDue();
  const event = (action: 'trigger' | 'resolve', summary: string) =>
    heartbeatAlertEvent(state.settings, action, new Date(Date.now()).toISOString(), uuid4(), summary);
  while (state.stoppedBy === undefined) {
    if (continueAsNewDue()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof heartbeatWorkflow>({
        ...input,
        settings: state.settings,
        carried: state.carried(),
      });
    }
    state.changed = false;
    if (state.pinged) {
      state.pinged = false;
      if (state.incidentOpen) {
        state.incidentOpen = false;
        await sendToIncident(
          state,
          input.actionsTaskQueue,
          event('resolve', `heartbeat ${state.settings.name} pinged again`),
        );
      }
      continue;
    }
    if (state.settings.paused) {
      await condition(woken);
      continue;
    }
    const waitMs = state.dueAt - Date.now();
    if (waitMs > 0) {
      await condition(woken, waitMs);
      continue;
    }
    if (!state.incidentOpen) {
      state.incidentOpen = true;
      await sendToIncident(
        state,
        input.actionsTaskQueue,
        event('trigger', missedSummary(state.settings, state.lastPingAt)),
      );
    }
    await condition(woken);
  }
  if (state.incidentOpen)
    await sendToIncident(
      state,
      input.actionsTaskQueue,
      event('resolve', `heartbeat ${state.settings.name} deleted by ${state.stoppedBy}`),
    );
}
