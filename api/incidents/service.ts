import { actionsTaskQueue } from '../../config';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import type { AlertEvent, Incident } from '../../domain/incident';
import { metrics } from '../../infra/metrics';
import { incidentWorkflow } from '../../workflows/incident';
import { alertSignal, incidentQuery } from '../../workflows/incident/messages';
import { decideApprovalUpdate } from '../../workflows/runbook/messages';
import type { ApprovalRequest } from '../../domain/runbook';
import { searchAttributes } from '../../workflows/search-attributes';
import type { ApiDeps } from '../deps';
import { ConflictError, HttpError, NotFoundError } from '../errors';
import { runbookWorkflowId } from '../../workflows/runbook/ids';
import { loadStoredIncident } from './store';

export interface DeliveryResult {
  workflowId: string;
  /** `dropped`: an acknowledge/resolve for a key with no open incident (accepted, as PagerDuty does). */
  outcome: 'accepted' | 'dropped';
}

/**
 * Hands an alert event to its incident's workflow and returns once Temporal
 * has durably recorded it. A trigger uses signal-with-start, so concurrent
 * duplicates land in one incident and a trigger after resolution opens a new one.
 */
export async function deliverAlertEvent(deps: ApiDeps, event: AlertEvent): Promise<DeliveryResult> {
  try {
    const result = await sendAlertEvent(deps, event);
    metrics.eventsIngested.inc({ source: event.integration, action: event.action, outcome: result.outcome });
    metrics.ingestionLatency.observe(
      { source: event.integration },
      (Date.now() - Date.parse(event.receivedAt)) / 1000,
    );
    return result;
  } catch (err) {
    metrics.eventsIngested.inc({ source: event.integration, action: event.action, outcome: 'error' });
    metrics.temporalClientErrors.inc({
      operation: event.action === 'trigger' ? 'signalWithStart' : 'signal',
    });
    throw err;
  }
}

async function sendAlertEvent(deps: ApiDeps, event: AlertEvent): Promise<DeliveryResult> {
  const workflowId = incidentWorkflowId(event.service, event.dedupKey);
  if (event.action === 'trigger') {
    await deps.temporal.workflow.signalWithStart(incidentWorkflow, {
      workflowId,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      args: [
        {
          service: event.service,
          dedupKey: event.dedupKey,
          integration: event.integration,
          actionsTaskQueue: actionsTaskQueue(deps.config),
        },
      ],
      signal: alertSignal,
      signalArgs: [event],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      staticSummary: `${event.service}: ${event.summary}`.slice(0, 200),
      memo: { title: event.summary },
      typedSearchAttributes: [
        { key: searchAttributes.service, value: event.service },
        { key: searchAttributes.status, value: 'triggered' },
      ],
    });
    return { workflowId, outcome: 'accepted' };
  }
  try {
    await deps.temporal.workflow.getHandle(workflowId).signal(alertSignal, event);
    return { workflowId, outcome: 'accepted' };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { workflowId, outcome: 'dropped' };
    throw err;
  }
}

function handleFor(deps: ApiDeps, incident: Incident): WorkflowHandle {
  // The latest run of the business key; checked against the incident id by the caller.
  return deps.temporal.workflow.getHandle(incident.workflowId);
}

/** The incident's live state from its workflow while it is open, else what MongoDB holds. */
export async function readIncident(deps: ApiDeps, incidentId: string): Promise<Incident> {
  const stored = await loadStoredIncident(deps, incidentId);
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
 * a 409 with the reason. The input names the incident, so an action meant for
 * a resolved incident is refused by a newer incident of the same key.
 */
export async function updateIncident<Ret, Arg extends { incidentId: string }>(
  deps: ApiDeps,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
): Promise<Ret> {
  const stored = await loadStoredIncident(deps, arg.incidentId);
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
 * the run and the runbook does not allow self-approval). Used by
 * the JSON API and the web UI.
 */
export async function decideApproval(deps: ApiDeps, input: ApprovalDecisionInput): Promise<ApprovalRequest> {
  const incident = await readIncident(deps, input.incidentId);
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
