import { actionsTaskQueue } from '../../config';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { incidentIdPattern, incidentWorkflowId } from '../../workflows/incident/ids';
import type { AlertEvent, Incident } from '../../domain/incident';
import { metrics } from '../../infra/metrics';
import { incidentWorkflow } from '../../workflows/incident';
import { alertsSignal, incidentQuery } from '../../workflows/incident/messages';
import { decideApprovalUpdate } from '../../workflows/runbook/messages';
import type { ApprovalRequest } from '../../domain/runbook';
import { searchAttributes } from '../../workflows/search-attributes';
import type { ApiDeps } from '../deps';
import { ConflictError, HttpError, NotFoundError } from '../errors';
import { runbookWorkflowId } from '../../workflows/runbook/ids';
import { loadStoredIncident } from './store';
import type { IncidentAccess } from '../auth';

export interface DeliveryResult {
  workflowId: string;
  /** `dropped`: an acknowledge/resolve for a key with no open incident (accepted, as PagerDuty does). */
  outcome: 'accepted' | 'dropped';
}

/**
 * Hands an alert event to its incident's workflow and returns once Temporal
 * has durably recorded it (see deliverAlertEvents).
 */
export async function deliverAlertEvent(deps: ApiDeps, event: AlertEvent): Promise<DeliveryResult> {
  const [result] = await deliverAlertEvents(deps, [event]);
  return result!;
}

/** Events of one signal: well under Temporal's 2 MB payload limit, whatever the batch. */
const maxSignalBytes = 256 * 1024;

/**
 * Hands alert events to their incidents' workflows, one signal per incident
 * (more only for a very large batch), and returns once Temporal has durably
 * recorded them all, each event's outcome in the order given. A trigger uses
 * signal-with-start, so concurrent duplicates land in one incident and a
 * trigger after resolution opens a new one.
 */
export async function deliverAlertEvents(deps: ApiDeps, events: AlertEvent[]): Promise<DeliveryResult[]> {
  const byWorkflow = new Map<string, AlertEvent[]>();
  for (const event of events) {
    const workflowId = incidentWorkflowId(event.service, event.dedupKey);
    const group = byWorkflow.get(workflowId);
    if (group) group.push(event);
    else byWorkflow.set(workflowId, [event]);
  }
  const outcomes = new Map<AlertEvent, DeliveryResult>();
  await Promise.all(
    [...byWorkflow].map(async ([workflowId, group]) => {
      for (const chunk of signalChunks(group)) {
        const outcome = await sendAndMeasure(deps, workflowId, chunk);
        for (const event of chunk) outcomes.set(event, { workflowId, outcome });
      }
    }),
  );
  return events.map((event) => outcomes.get(event)!);
}

/**
 * Splits one incident's events into signals: by size, and so that events
 * before its first trigger go alone (they are dropped if no incident is open,
 * and must not reach one that signal-with-start opens after them).
 */
function signalChunks(events: AlertEvent[]): AlertEvent[][] {
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

async function sendAndMeasure(
  deps: ApiDeps,
  workflowId: string,
  events: AlertEvent[],
): Promise<DeliveryResult['outcome']> {
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

async function sendAlertEvents(
  deps: ApiDeps,
  workflowId: string,
  events: AlertEvent[],
  withStart: boolean,
): Promise<DeliveryResult['outcome']> {
  const first = events.find(isTrigger) ?? events[0]!;
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

function handleFor(deps: ApiDeps, incident: Incident): WorkflowHandle {
  // The latest run of the business key; checked against the incident id by the caller.
  return deps.temporal.workflow.getHandle(incident.workflowId);
}

/**
 * The stored incident; when MongoDB has no copy (not saved yet, a save it
 * refused, or MongoDB away), the open incident's workflow, found by its
 * search attribute, so responders can still act on it.
 */
async function locateIncident(deps: ApiDeps, incidentId: string): Promise<Incident> {
  let storedError: unknown;
  try {
    return await loadStoredIncident(deps, incidentId);
  } catch (err) {
    storedError = err;
    if (!(err instanceof NotFoundError))
      deps.logger.warn({ err, incidentId }, 'stored incident unreadable; looking for its workflow');
  }
  const live = await liveIncident(deps, incidentId);
  if (live) return live;
  throw storedError;
}

async function liveIncident(deps: ApiDeps, incidentId: string): Promise<Incident | undefined> {
  // The pattern keeps the id from changing the visibility query.
  if (!incidentIdPattern.test(incidentId)) return undefined;
  const query =
    `WorkflowType = 'incidentWorkflow' AND ExecutionStatus = 'Running' AND ` +
    `${searchAttributes.incidentId.name} = '${incidentId}'`;
  for await (const execution of deps.temporal.workflow.list({ query, pageSize: 10 })) {
    const live = await deps.temporal.workflow.getHandle(execution.workflowId).query(incidentQuery);
    if (live?.incidentId === incidentId) return live;
  }
  return undefined;
}

/** The incident's live state from its workflow while it is open, else what MongoDB holds. */
export async function readIncident(deps: ApiDeps, incidentId: string): Promise<Incident> {
  const stored = await locateIncident(deps, incidentId);
  if (stored.status === 'resolved') return stored;
  try {
    const live = await handleFor(deps, stored).query(incidentQuery);
    if (live?.incidentId === incidentId) return live;
  } catch (err) {
    // The run may have just completed; the stored copy is the truth then.
    if (!(err instanceof WorkflowNotFoundError))
      deps.logger.warn({ err, incidentId }, 'live query failed; serving stored incident');
  }
  return stored;
}

/**
 * Runs an Update on the incident's workflow; a refusal by its validator becomes
 * a 409 with the reason; `access` may refuse the caller (403) once the
 * incident is loaded. The input names the incident, so an action meant for
 * a resolved incident is refused by a newer incident of the same key.
 */
export async function updateIncident<Ret, Arg extends { incidentId: string }>(
  deps: ApiDeps,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  access: IncidentAccess,
): Promise<Ret> {
  const stored = await locateIncident(deps, arg.incidentId);
  access(stored);
  if (stored.status === 'resolved') throw new ConflictError(`Incident ${arg.incidentId} is already resolved`);
  try {
    return await handleFor(deps, stored).executeUpdate(update, { args: [arg] });
  } catch (err) {
    throw updateRefusal(err, `Incident ${arg.incidentId} is already resolved`);
  }
}

/**
 * Maps an Update's refusal to an HTTP error: the validator's reason as 409
 * (403 for `NotAllowed`, 404 for `NotFound`); a closed workflow as 409 with `whenClosed`.
 */
export function updateRefusal(err: unknown, whenClosed: string): unknown {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    const reason = cause instanceof Error ? cause.message : err.message;
    const type = cause instanceof ApplicationFailure ? cause.type : undefined;
    if (type === 'NotAllowed') return new HttpError(403, 'forbidden', reason);
    if (type === 'NotFound') return new NotFoundError(reason);
    return new ConflictError(reason);
  }
  if (err instanceof WorkflowNotFoundError) return new ConflictError(whenClosed);
  return err;
}

export interface ApprovalDecisionInput {
  incidentId: string;
  approvalId: string;
  decision: 'approve' | 'reject';
  /** `user:<key name>`, from actorFor. */
  actor: string;
  comment?: string;
}

/**
 * Approves or rejects a pending approval through its runbook workflow's
 * Update: 404 when the incident has no such approval, 409 when it is already
 * decided or expired, 403 when the actor is not among the approvers (or started
 * the run and the runbook does not allow self-approval) or `access` refuses the caller. Used by
 * the JSON API and the web UI.
 */
export async function decideApproval(
  deps: ApiDeps,
  input: ApprovalDecisionInput,
  access: IncidentAccess,
): Promise<ApprovalRequest> {
  const incident = await readIncident(deps, input.incidentId);
  access(incident);
  const approval = incident.approvals?.find((a) => a.approvalId === input.approvalId);
  if (!approval) throw new NotFoundError(`No approval ${input.approvalId} on ${input.incidentId}`);
  if (approval.status !== 'pending')
    throw new ConflictError(`Approval ${input.approvalId} is already ${approval.status}`);
  try {
    return await deps.temporal.workflow
      .getHandle(runbookWorkflowId(approval.runId))
      .executeUpdate(decideApprovalUpdate, {
        args: [
          {
            approvalId: approval.approvalId,
            decision: input.decision,
            actor: input.actor,
            comment: input.comment,
          },
        ],
      });
  } catch (err) {
    throw updateRefusal(err, `Approval ${input.approvalId} expired: its runbook run has finished`);
  }
}
