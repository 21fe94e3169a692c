// How a runbook run fails: the failure types it ends with, and what a step's
// activity failure becomes.
import { ActivityFailure, ApplicationFailure, isCancellation, type RetryPolicy } from '@temporalio/workflow';
import { failureMessage } from '../../domain/failure';

/** Failure types a runbook run ends with. */
export const RunbookFailure = {
  stepFailed: 'RunbookStepFailed',
  rejected: 'ApprovalRejected',
  approvalTimedOut: 'ApprovalTimedOut',
  /** An action may or may not have run (its attempt died mid-call and it is not idempotent). */
  outcomeUnknown: 'ActionOutcomeUnknown',
} as const;

/** The activity's `ActionOutcomeUnknown` failure, if that is why it failed. */
export function outcomeUnknownOf(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === RunbookFailure.outcomeUnknown
    ? cause
    : undefined;
}

/** Attempts an activity made before failing: all of them when retries ran out. */
export function attemptsOf(err: unknown, retry: RetryPolicy | undefined): number | undefined {
  if (err instanceof ActivityFailure && err.retryState === 'MAXIMUM_ATTEMPTS_REACHED')
    return retry?.maximumAttempts ?? 3;
  return undefined;
}

/** The failure a step ends the run with: the cause's own when it is a runbook failure. */
export function stepFailure(name: string, err: unknown, unknown: ApplicationFailure | undefined): unknown {
  if (isCancellation(err)) return err;
  if (unknown) {
    return ApplicationFailure.create({
      message: `step "${name}" may or may not have run: ${unknown.message}`,
      type: RunbookFailure.outcomeUnknown,
      nonRetryable: true,
      details: [{ step: name, ...(unknown.details?.[0] as object) }],
    });
  }
  if (err instanceof ApplicationFailure && Object.values(RunbookFailure).includes(err.type as never))
    return err;
  return ApplicationFailure.nonRetryable(
    `step "${name}" failed: ${failureMessage(err)}`,
    RunbookFailure.stepFailed,
  );
}
