import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { actionsTaskQueue } from '../../config';
import type { AlertEvent } from '../../domain/incident';
import { metrics } from '../../infra/metrics';
import { alertGroupWorkflow } from '../../workflows/alert-group';
import { incidentWorkflow } from '../../workflows/incident';
import { workflowIdOfAlert } from '../../workflows/incident/ids';
import { groupingOf } from '../../domain/grouping';
import { groupingRules } from '../../config/grouping-rules';
import { alertsSignal } from '../../workflows/incident/messages';
import { searchAttributes } from '../../workflows/search-attributes';
import type { ApiDeps } from '../deps';

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
export async function deliverAlertEvent(deps: ApiDeps, event: AlertEvent): Promise<DeliveryResult> {
  const [result] = await deliverAlertEvents(deps, [event]);
  return result!;
}

/**
 * Hands alert events to their incidents' workflows and returns once Temporal
 * has durably recorded them all, each event's outcome in the order given.
 * Events for one incident travel in as few signals as their size allows,
 * together with those of concurrent requests (see IncidentSignalQueue).
 */
export async function deliverAlertEvents(deps: ApiDeps, events: AlertEvent[]): Promise<DeliveryResult[]> {
  const byWorkflow = new Map<string, AlertEvent[]>();
  const rules = deps.groupingRules ?? groupingRules;
  for (const original of events) {
    const grouping = groupingOf(original, rules);
    const event = grouping ? Object.assign(original, { grouping }) : original;
    const workflowId = workflowIdOfAlert(event);
    const group = byWorkflow.get(workflowId);
    if (group) group.push(event);
    else byWorkflow.set(workflowId, [event]);
  }
  const queue = signalQueueFor(deps);
  const outcomes = new Map<AlertEvent, DeliveryResult>();
  await Promise.all(
    [...byWorkflow].map(async ([workflowId, group]) => {
      const delivered = await queue.deliver(workflowId, group);
      group.forEach((event, i) => outcomes.set(event, { workflowId, outcome: delivered[i]! }));
    }),
  );
  return events.map((event) => outcomes.get(event)!);
}

/** One queue per Temporal client, so per process (the API holds one client). */
const queues = new WeakMap<Client, IncidentSignalQueue>();

function signalQueueFor(deps: ApiDeps): IncidentSignalQueue {
  let queue = queues.get(deps.temporal);
  if (!queue) {
    queue = new IncidentSignalQueue((workflowId, events) => sendAndMeasure(deps, workflowId, events));
    queues.set(deps.temporal, queue);
  }
  return queue;
}

interface Waiting {
  events: AlertEvent[];
  resolve: (outcomes: Outcome[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for each incident's signals: while a signal to an incident is
 * under way, the events of further requests for it wait, and go together in
 * the next signal. A lone request is sent at once; in an alert storm, one
 * incident gets a few signals a second however many senders post to it, which
 * keeps its workflow and Temporal's history far from their per-run limits.
 * Every request is answered only once its own events are durably recorded,
 * or with the error that stopped them (the sender retries).
 */
export class IncidentSignalQueue {
  /** Workflow ids with a signal under way → requests waiting for the next one. */
  private readonly waiting = new Map<string, Waiting[]>();

  constructor(private readonly send: (workflowId: string, events: AlertEvent[]) => Promise<Outcome>) {}

  deliver(workflowId: string, events: AlertEvent[]): Promise<Outcome[]> {
    return new Promise((resolve, reject) => {
      const request = { events, resolve, reject };
      const waiting = this.waiting.get(workflowId);
      if (waiting) {
        waiting.push(request);
        return;
      }
      this.waiting.set(workflowId, []);
      void this.drain(workflowId, [request]);
    });
  }

  private async drain(workflowId: string, batch: Waiting[]): Promise<void> {
    try {
      while (batch.length > 0) {
        await this.sendBatch(workflowId, batch);
        batch = this.waiting.get(workflowId)!.splice(0);
      }
    } finally {
      this.waiting.delete(workflowId);
    }
  }

  private async sendBatch(workflowId: string, batch: Waiting[]): Promise<void> {
    const events = batch.flatMap((request) => request.events);
    const outcomes: Outcome[] = [];
    try {
      for (const chunk of signalChunks(events)) {
        const outcome = await this.send(workflowId, chunk);
        for (let i = 0; i < chunk.length; i++) outcomes.push(outcome);
      }
    } catch (err) {
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
    let offset = 0;
    for (const request of batch) {
      request.resolve(outcomes.slice(offset, offset + request.events.length));
      offset += request.events.length;
    }
  }
}

/** Events of one signal: well under Temporal's 2 MB payload limit, whatever the batch. */
const maxSignalBytes = 256 * 1024;

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
    const size = JSON.stringify(event).length;
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

async function sendAndMeasure(deps: ApiDeps, workflowId: string, events: AlertEvent[]): Promise<Outcome> {
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
  deps: ApiDeps,
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
