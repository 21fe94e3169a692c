import { ApplicationFailure } from '@temporalio/common';
import type { ContactMethod } from '../../domain/contact-methods';
import type { ChannelModule, ChannelTarget } from './types';

/**
 * The incident's message, with its buttons, in the Slack app's direct message
 * with the person; it is kept up to date as a channel's is, and a button
 * pressed there acts as the Slack user who presses it, with their rights.
 */
function slackDmTarget(
  method: Extract<ContactMethod, { type: 'slack_dm' }>,
  destination: string,
): ChannelTarget {
  return {
    destination,
    missingSettings: ({ slackApp }) => (slackApp ? [] : ['SLACK_BOT_TOKEN']),
    async send({ actorContext, idempotencyKey, url, retried }, deps) {
      if (!deps.slackApp) {
        throw ApplicationFailure.nonRetryable(
          'Slack direct messages need the Slack app: set SLACK_BOT_TOKEN',
          'ChannelNotConfigured',
        );
      }
      const detail = await deps.slackApp.pageDirect(
        destination,
        method.slackUserId,
        actorContext,
        idempotencyKey,
        url,
        retried,
      );
      return { detail: `direct message: ${detail}`, chatMessage: true };
    },
  };
}

/** Slack direct messages through the Slack app (SLACK_BOT_TOKEN). */
export const slackDmChannel: ChannelModule<'slack_dm'> = {
  type: 'slack_dm',
  targets: () => [],
  contactMethods: {
    inUse: () => false,
    missingSettings: ({ slackApp }) => (slackApp ? [] : ['SLACK_BOT_TOKEN']),
    target: (method, destination) => {
      if (method.type !== 'slack_dm') throw new TypeError(`${method.id} is not a slack_dm method`);
      return slackDmTarget(method, destination);
    },
  },
};
