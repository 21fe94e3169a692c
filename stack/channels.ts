import type { Config } from '../config';
import type { OnCallCatalog } from '../domain/oncall';

/** Whether any channel of the catalog (or email) has what it needs to reach someone. */
export function anyChannelConfigured(
  catalog: OnCallCatalog,
  env: NodeJS.ProcessEnv,
  config: Pick<Config, 'SMTP_URL'>,
): boolean {
  if (config.SMTP_URL) return true;
  return catalog.channels.some((channel) =>
    channel.type === 'slack'
      ? Boolean(env[channel.webhookUrlEnv])
      : channel.type === 'webhook'
        ? Boolean(env[channel.urlEnv])
        : false,
  );
}
