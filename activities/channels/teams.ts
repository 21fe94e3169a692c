import { channelsOfType } from '../../domain/oncall';
import { teamsMessage } from '../teams-card';
import { requireSetting, unsetVariables } from './settings';
import { postMessage } from './signed-post';
import type { ChannelModule } from './types';

/** Microsoft Teams: an Adaptive Card to the Workflows (or incoming) webhook in `webhookUrlEnv`. */
export const teamsChannel: ChannelModule<'teams'> = {
  type: 'teams',
  targets: (catalog) =>
    channelsOfType(catalog, 'teams').map((channel) => ({
      destination: channel.id,
      missingSettings: ({ secrets }) => unsetVariables(secrets, [channel.webhookUrlEnv]),
      async send({ context, idempotencyKey, url }, deps) {
        const webhookUrl = requireSetting(deps.secrets, channel.webhookUrlEnv, channel.id);
        return {
          detail: await postMessage(
            webhookUrl,
            teamsMessage(context, url),
            idempotencyKey,
            deps.httpTimeoutMs,
          ),
        };
      },
    })),
};
