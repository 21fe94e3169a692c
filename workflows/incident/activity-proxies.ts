import { type ActivityOptions, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

/**
 * Triage, notification planning and approvers read only the worker's
 * in-memory rules and on-call model. They are ordinary activities, not local
 * ones: while a workflow task waits on a local activity, signals arriving
 * meanwhile are buffered by the server, which fails the task past its limit
 * (FORCE_CLOSE_COMMAND); the SDK (@temporalio/worker 1.24.0) then skipped two
 * alert signals of that window that the history holds. docs/known-issues.md
 * has the reproduction.
 */
export const lookupOptions: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
};
export const lookups = proxyActivities<Activities>(lookupOptions);

/** Saving must eventually succeed, however long MongoDB is away: no attempt limit. */
export const saveOptions: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};
export const { saveIncident } = proxyActivities<Activities>(saveOptions);

/** A channel that keeps failing must not hold the escalation up for long. */
export const deliveryOptions: ActivityOptions = {
  startToCloseTimeout: '20 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
  },
};
export const { deliverNotification } = proxyActivities<Activities>(deliveryOptions);

/**
 * A step's plan and every delivery's first attempt, in one activity: one try,
 * bounded like one delivery. Whatever it does not finish, the notifier does
 * step by step, each part with its own retries.
 */
export const notifyOptions: ActivityOptions = {
  startToCloseTimeout: '20 seconds',
  retry: { maximumAttempts: 1 },
};
export const { notifyTargets } = proxyActivities<Activities>(notifyOptions);

/**
 * The chat message follows the incident, but a chat service that is down must
 * not hold anything up: a few attempts, then the next change tries again.
 */
export const chatOptions: ActivityOptions = {
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '20 seconds', maximumAttempts: 4 },
};
export const { syncChatMessages } = proxyActivities<Activities>(chatOptions);

/** A team's bridge webhook: a few attempts; the response goes on without a bridge if it fails. */
export const bridgeOptions: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '10 seconds', maximumAttempts: 3 },
};
export const { createBridge } = proxyActivities<Activities>(bridgeOptions);
