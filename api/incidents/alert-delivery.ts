import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { actionsTaskQueue } from '../../config';
import type { AlertEvent } from '../../domain/incident';
import { metrics } from '../../infra/metrics';
import { MongoUnavailableError } from '../../infra/mongo';
import { alertGroupWorkflow } from '../../workflows/alert-group';
import { incidentWorkflow } from '../../workflows/incident';
import { workflowIdOfAlert } from '../../workflows/incident/ids';
import { groupingOf, type GroupingRules } from '../../domain/grouping';
import { alertsSignal } from '../../workflows/incident/messages';
import { searchAttributes } from '../../workflows/search-attributes';
import type { AlertRouteStore } from '../alerts/route-store';
import type { ApiDeps } from '../deps';
import { ServiceUnavailableError } from '../errors';

/** What delivering alerts needs: Temporal, the grouping rules in force, and where grouped alerts went. */
export interface DeliveryDeps extends Pick<ApiDeps, 'temporal' | 'config'> {
  groupingRules: GroupingRules;
  alertRoutes: AlertRouteStore;
}

export interface DeliveryResult {
  workflowId: string;
  /** `dropped`: an acknowledge/resolve for a key with no open incident (accepted, as PagerDuty does). */
  outcome: 'accepted' | 'dropped';
}
type Outcome = DeliveryResult['outcome'];

/**
 * Hands an alert event to its incident's workflow and returns once Temporal
 * has durably recorded it (see deliverAlertEvents).
 */
export async function deliverAlertEvent(deps: DeliveryDeps, event: AlertEvent): Promise<DeliveryResult> {
  const [result] = await deliverAlertEvents(deps, [event]);
  return result!;
}

/** One event's way to its workflow: where it was sent, and what came of it. */
interface Delivery {
  event: AlertEvent;
  /** The workflow its own fields choose: its group's, or its key's. */
  own: string;
  tried: string[];
  lookedUp: boolean;
  result?: DeliveryResult;
}

/**
 * Hands alert events to their incidents' workflows and returns once Temporal
 * has durably recorded them all, each event's outcome in the order given.
 * Events for one incident travel in as few signals as their size allows,
 * together with those of concurrent requests (see IncidentSignalQueue).
 *
 * An acknowledge or resolve carries only its key, not the fields a grouping
 * rule put its trigger's incident together by: when the workflow its own
 * fields choose does not exist, it goes where its key's grouped triggers went
 * (the alert route). If MongoDB cannot say where that was, the request fails
 * with 503 (the sender retries) rather than answering for an event it drops.
 */
export async function deliverAlertEvents(
  deps: DeliveryDeps,
  events: AlertEvent[],
): Promise<DeliveryResult[]> {
  const deliveries = events.map((original): Delivery => {
    // A declared incident is its own: no grouping rule folds it into another.
    const grouping = original.declared ? undefined : groupingOf(original, deps.groupingRules);
    const event = grouping ? Object.assign(original, { grouping }) : original;
    const own = workflowIdOfAlert(event);
    // Where this process sent the key's grouped triggers is surer than the fields of an acknowledge.
    const first =
      event.action === 'trigger' ? own : (deps.alertRoutes.cached(event.service, event.dedupKey) ?? own);
    return { event, own, tried: [first], lookedUp: false };
  });
  await sendToWorkflows(deps, deliveries);
  for (const delivery of deliveries) {
    const { event, result } = delivery;
    if (event.action !== 'trigger' || result?.outcome !== 'accepted') continue;
    if (event.grouping) deps.alertRoutes.record(event, result.workflowId);
    else deps.alertRoutes.forget(event.service, event.dedupKey);
  }
  let dropped = deliveries.filter((d) => d.result!.outcome === 'dropped');
  while (dropped.length > 0) {
    const next = await Promise.all(dropped.map((delivery) => nextWorkflowOf(deps, delivery)));
    dropped = dropped.filter((delivery, i) => {
      if (!next[i]) return false;
      delivery.tried.push(next[i]);
      return true;
    });
    await sendToWorkflows(deps, dropped);
    dropped = dropped.filter((d) => d.result!.outcome === 'dropped');
  }
  return deliveries.map(({ own, result }) =>
    result!.outcome === 'dropped' ? { workflowId: own, outcome: 'dropped' } : result!,
  );
}

/** Sends each delivery to the last workflow in its `tried`, grouped by workflow, and notes the outcome. */
async function sendToWorkflows(deps: DeliveryDeps, deliveries: Delivery[]): Promise<void> {
  const byWorkflow = new Map<string, Delivery[]>();
  for (const delivery of deliveries) {
    const workflowId = delivery.tried.at(-1)!;
    const group = byWorkflow.get(workflowId);
    if (group) group.push(delivery);
    else byWorkflow.set(workflowId, [delivery]);
  }
  const queue = signalQueueFor(deps);
  await Promise.all(
    [...byWorkflow].map(async ([workflowId, group]) => {
      const outcomes = await queue.deliver(
        workflowId,
        group.map((d) => d.event),
      );
      group.forEach((delivery, i) => (delivery.result = { workflowId, outcome: outcomes[i]! }));
    }),
  );
}

/**
 * The next workflow to try for an acknowledge or resolve its last one did not
 * take: the one its own fields choose, then its key's alert route (this
 * process's cache, then MongoDB). Undefined: none left, it is dropped.
 */
async function nextWorkflowOf(deps: DeliveryDeps, delivery: Delivery): Promise<string | undefined> {
  const { event, tried } = delivery;
  const untried = (workflowId: string | undefined) =>
    workflowId !== undefined && !tried.includes(workflowId) ? workflowId : undefined;
  const next = untried(delivery.own) ?? untried(deps.alertRoutes.cached(event.service, event.dedupKey));
  // Without grouping rules no route is ever written: nothing to look up.
  if (next || delivery.lookedUp || deps.groupingRules.rules.length === 0) return next;
  delivery.lookedUp = true;
  try {
    return untried(await deps.alertRoutes.find(event.service, event.dedupKey));
  } catch (err) {
    if (!(err instanceof MongoUnavailableError)) throw err;
    throw new ServiceUnavailableError(
      `The incident holding alert ${event.dedupKey} of ${event.service} could not be looked up (MongoDB did not answer), so its ${event.action} was not delivered; retry shortly`,
    );
  }
}

/** One queue per Temporal client, so per process (the API holds one client). */
const queues = new WeakMap<Client, IncidentSignalQueue>();

/** ALERT_SIGNAL_LINGER_MS when unset. */
export const DEFAULT_SIGNAL_LINGER_MS = 3;

function signalQueueFor(deps: DeliveryDeps): IncidentSignalQueue {
  let queue = queues.get(deps.temporal);
  if (!queue) {
    queue = new IncidentSignalQueue(
      (workflowId, events) => sendAndMeasure(deps, workflowId, events),
      deps.config.ALERT_SIGNAL_LINGER_MS ?? DEFAULT_SIGNAL_LINGER_MS,
    );
    queues.set(deps.temporal, queue);
  }
  return queue;
}

interface Waiting {
  events: AlertEvent[];
  resolve: (outcomes: Outcome[]) => void;
  reject: (err: unknown) => void;
}

/** The requests for one incident that wait for its next signal. */
interface NextSignal {
  requests: Waiting[];
  /** When the first of them came, and whether a signal was under way then (else it does not linger). */
  firstAt: number;
  lingers: boolean;
  underWay: boolean;
}

/**
 * Group commit for each incident's signals: while a signal to an incident is
 * under way, the events of further requests for it wait, and go together in
 * the next signal. A lone request is sent at once; in an alert storm, one
 * incident gets a few signals a second however many senders post to it, which
 * keeps its workflow and Temporal's history far from their per-run limits.
 * Every request is answered only once its own events are durably recorded,
 * or with the error that stopped them (the sender retries).
 *
 * `lingerMs`: the next signal leaves no sooner than this long after the first
 * request that waits for it, so that a storm folds more alerts into each
 * signal (fewer signals, workflow tasks and history events). Only a request
 * that came while a signal was under way can wait for it; a lone one never does.
 */
export class IncidentSignalQueue {
  /** Workflow ids with a signal under way → requests waiting for the next one. */
  private readonly waiting = new Map<string, NextSignal>();

  constructor(
    private readonly send: (workflowId: string, events: AlertEvent[]) => Promise<Outcome>,
    private readonly lingerMs = 0,
  ) {}

  deliver(workflowId: string, events: AlertEvent[]): Promise<Outcome[]> {
    return new Promise((resolve, reject) => {
      const request = { events, resolve, reject };
      const next = this.waiting.get(workflowId);
      if (next) {
        if (next.requests.length === 0) {
          next.firstAt = Date.now();
          next.lingers = next.underWay;
        }
        next.requests.push(request);
        return;
      }
      this.waiting.set(workflowId, { requests: [], firstAt: 0, lingers: false, underWay: false });
      void this.drain(workflowId, [request]);
    });
  }

  private async drain(workflowId: string, batch: Waiting[]): Promise<void> {
    const next = this.waiting.get(workflowId)!;
    try {
      while (batch.length > 0) {
        await this.sendBatch(workflowId, batch, next);
        if (next.requests.length > 0 && next.lingers) {
          const linger = next.firstAt + this.lingerMs - Date.now();
          if (linger > 0) await new Promise((resolve) => setTimeout(resolve, linger));
        }
        batch = next.requests.splice(0);
      }
    } finally {
      this.waiting.delete(workflowId);
    }
  }

  private async sendBatch(workflowId: string, batch: Waiting[], next: NextSignal): Promise<void> {
    const events = batch.flatMap((request) => request.events);
    const outcomes: Outcome[] = [];
    next.underWay = true;
    try {
      for (const chunk of signalChunks(events)) {
        const outcome = await this.send(workflowId, chunk);
        for (let i = 0; i < chunk.length; i++) outcomes.push(outcome);
      }
    } catch (err) {
      next.underWay = false;
      // Requests whose events all landed before the failure are answered; the rest fail.
      let offset = 0;
      for (const request of batch) {
        const end = offset + request.events.length;
        if (end <= outcomes.length) request.resolve(outcomes.slice(offset, end));
        else request.reject(err);
        offset = end;
      }
      return;
    }
    // Before the answers: what their senders send next finds no signal under way, and does not linger.
    next.underWay = false;
    let offset = 0;
    for (const request of batch) {
      request.resolve(outcomes.slice(offset, offset + request.events.length));
      offset += request.events.length;
    }
  }
}

/**
 * Events of one signal, as UTF-8 JSON (what Temporal's payload holds): well
 * under its 2 MB payload limit, whatever the batch. A single event larger
 * than this goes alone; the schemas' per-alert limits keep one under 1 MB.
 */
export const maxSignalBytes = 256 * 1024;

/**
 * Splits one incident's events into signals: by size, and so that events
 * before its first trigger go alone (they are dropped if no incident is open,
 * and must not reach one that signal-with-start opens after them).
 */
export function signalChunks(events: AlertEvent[]): AlertEvent[][] {
  const chunks: AlertEvent[][] = [];
  let current: AlertEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event));
    const startsTriggers = event.action === 'trigger' && current.length > 0 && !current.some(isTrigger);
    if (startsTriggers || (current.length > 0 && bytes + size > maxSignalBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const isTrigger = (event: AlertEvent) => event.action === 'trigger';

async function sendAndMeasure(
  deps: DeliveryDeps,
  workflowId: string,
  events: AlertEvent[],
): Promise<Outcome> {
  const withStart = events.some(isTrigger);
  try {
    const outcome = await sendAlertEvents(deps, workflowId, events, withStart);
    for (const event of events) {
      metrics.eventsIngested.inc({ source: event.integration, action: event.action, outcome });
      metrics.ingestionLatency.observe(
        { source: event.integration },
        (Date.now() - Date.parse(event.receivedAt)) / 1000,
      );
    }
    return outcome;
  } catch (err) {
    for (const event of events)
      metrics.eventsIngested.inc({ source: event.integration, action: event.action, outcome: 'error' });
    metrics.temporalClientErrors.inc({ operation: withStart ? 'signalWithStart' : 'signal' });
    throw err;
  }
}

/**
 * A trigger uses signal-with-start, so concurrent duplicates land in one
 * incident and a trigger after resolution opens a new one.
 */
async function sendAlertEvents(
  deps: DeliveryDeps,
  workflowId: string,
  events: AlertEvent[],
  withStart: boolean,
): Promise<Outcome> {
  const first = events.find(isTrigger) ?? events[0]!;
  const window = first.grouping?.windowSeconds;
  if (withStart && first.grouping && window !== undefined) {
    // A time-based group: its router chooses the incident (see alertGroupWorkflow).
    await deps.temporal.workflow.signalWithStart(alertGroupWorkflow, {
      workflowId,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      args: [
        {
          ruleId: first.grouping.ruleId,
          values: first.grouping.values,
          windowSeconds: window,
          actionsTaskQueue: actionsTaskQueue(deps.config),
        },
      ],
      signal: alertsSignal,
      signalArgs: [{ events }],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      staticSummary: `alert group ${first.grouping.ruleId}: ${first.grouping.values.join(', ')}`.slice(
        0,
        200,
      ),
    });
    return 'accepted';
  }
  if (withStart) {
    await deps.temporal.workflow.signalWithStart(incidentWorkflow, {
      workflowId,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      args: [
        {
          service: first.service,
          dedupKey: first.dedupKey,
          integration: first.integration,
          actionsTaskQueue: actionsTaskQueue(deps.config),
        },
      ],
      signal: alertsSignal,
      signalArgs: [{ events }],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      staticSummary: `${first.service}: ${first.summary}`.slice(0, 200),
      memo: { title: first.summary },
      typedSearchAttributes: [
        { key: searchAttributes.service, value: first.service },
        { key: searchAttributes.status, value: 'triggered' },
      ],
    });
    return 'accepted';
  }
  try {
    await deps.temporal.workflow.getHandle(workflowId).signal(alertsSignal, { events });
    return 'accepted';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'dropped';
    throw err;
  }
}
