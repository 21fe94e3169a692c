import {
  type ActivityOptions,
  type LocalActivityOptions,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';

/**
 * Triage and notification planning read only the worker's in-memory rules and
 * on-call catalog, so they run as local activities: a marker event each
 * instead of a task round trip through the server. A retry after more than a
 * second waits on a workflow timer, not inside the workflow task: a task held
 * open by retries buffers the signals arriving meanwhile, and past the
 * server's limit of buffered events it is failed with FORCE_CLOSE_COMMAND,
 * after which alerts signalled in that window did not reach the incident.
 */
export const localActivityOptions: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  localRetryThreshold: '1 second',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
};
export const localActivities = proxyLocalActivities<Activities>(localActivityOptions);

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
