import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { incidentIdPattern } from '../../workflows/incident/ids';
import type { Incident } from '../../domain/incident';
import { incidentQuery } from '../../workflows/incident/messages';
import { decideApprovalUpdate } from '../../workflows/runbook/messages';
import type { ApprovalRequest } from '../../domain/runbook';
import { searchAttributes } from '../../workflows/search-attributes';
import type { ApiDeps } from '../deps';
import { ConflictError, HttpError, NotFoundError } from '../errors';
import { runbookWorkflowId } from '../../workflows/runbook/ids';
import { loadStoredIncident } from './store';
import type { IncidentAccess } from '../identity';

function handleFor(deps: ApiDeps, incident: Incident): WorkflowHandle {
  // The latest run of the business key; checked against the incident id by the caller.
  return deps.temporal.workflow.getHandle(incident.workflowId);
}

/** An incident, and whether MongoDB answered for it (false: it was found through Temporal alone). */
export interface LocatedIncident {
  incident: Incident;
  mongodbAnswered: boolean;
}

/**
 * The stored incident; when MongoDB has no copy (not saved yet, a save it
 * refused) or does not answer within the lookup timeout, the open incident's
 * workflow, found by its search attribute, so responders can still act on it.
 */
async function locateIncident(deps: ApiDeps, incidentId: string): Promise<LocatedIncident> {
  let storedError: unknown;
  try {
    return { incident: await loadStoredIncident(deps, incidentId), mongodbAnswered: true };
  } catch (err) {
    storedError = err;
    if (!(err instanceof NotFoundError))
      deps.logger.warn({ err, incidentId }, 'stored incident unreadable; looking for its workflow');
  }
  const live = await liveIncident(deps, incidentId);
  if (live) return { incident: live, mongodbAnswered: storedError instanceof NotFoundError };
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
  return (await readLocatedIncident(deps, incidentId)).incident;
}

/** readIncident, saying whether MongoDB answered (the web UI says so when it did not). */
export async function readLocatedIncident(deps: ApiDeps, incidentId: string): Promise<LocatedIncident> {
  const located = await locateIncident(deps, incidentId);
  const stored = located.incident;
  if (stored.status === 'resolved') return located;
  try {
    const live = await handleFor(deps, stored).query(incidentQuery);
    if (live?.incidentId === incidentId) return { ...located, incident: live };
  } catch (err) {
    // The run may have just completed; the stored copy is the truth then.
    if (!(err instanceof WorkflowNotFoundError))
      deps.logger.warn({ err, incidentId }, 'live query failed; serving stored incident');
  }
  return located;
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
  const { incident: stored } = await locateIncident(deps, arg.incidentId);
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

/** Cancels a running runbook run of the incident (its compensations run): 404 unknown run, 409 not running. */
export async function cancelRunbookRun(
  deps: ApiDeps,
  incidentId: string,
  runId: string,
  access: IncidentAccess,
): Promise<{ runId: string; status: 'cancelling' }> {
  const incident = await readIncident(deps, incidentId);
  access(incident);
  const run = incident.runbookRuns?.find((r) => r.runId === runId);
  if (!run) throw new NotFoundError(`No runbook run ${runId} on ${incidentId}`);
  if (run.status !== 'running') throw new ConflictError(`Runbook run ${runId} is already ${run.status}`);
  try {
    await deps.temporal.workflow.getHandle(runbookWorkflowId(run.runId)).cancel();
  } catch (err) {
    throw updateRefusal(err, `Runbook run ${runId} already finished`);
  }
  return { runId: run.runId, status: 'cancelling' };
}

export interface ApprovalDecisionInput {
  incidentId: string;
  approvalId: string;
  decision: 'approve' | 'reject';
  /** The acting person: `user:<person id>`. */
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
