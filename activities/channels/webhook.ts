import { channelsOfType } from '../../domain/oncall';
import { requireSetting, unsetVariables } from './settings';
import { postSigned } from './signed-post';
import type { ChannelModule } from './types';

/**
 * A generic webhook: JSON `{type, idempotencyKey, sentAt, incidentUrl, incident}` to the URL in
 * `urlEnv`, signed with the secret in `secretEnv` when it has one.
 */
export const webhookChannel: ChannelModule<'webhook'> = {
  type: 'webhook',
  targets: (catalog) =>
    channelsOfType(catalog, 'webhook').map((channel) => ({
      destination: channel.id,
      missingSettings: ({ secrets }) =>
        unsetVariables(secrets, [channel.urlEnv, ...(channel.secretEnv ? [channel.secretEnv] : [])]),
      async send({ context, idempotencyKey, url }, deps) {
        const { status } = await postSigned({
          url: requireSetting(deps.secrets, channel.urlEnv, channel.id),
          secret: channel.secretEnv && requireSetting(deps.secrets, channel.secretEnv, channel.id),
          idempotencyKey,
          body: (sentAt) => ({
            type: 'incident.notification',
            idempotencyKey,
            sentAt,
            incidentUrl: url,
            incident: context,
          }),
          timeoutMs: deps.httpTimeoutMs,
        });
        return { detail: `HTTP ${status}` };
      },
    })),
};
