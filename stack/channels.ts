import type { Config } from '../config';
import type { OnCallCatalog } from '../domain/oncall';

/** Whether any channel of the catalog (or email) has what it needs to reach someone. */
export function anyChannelConfigured(
  catalog: OnCallCatalog,
  env: NodeJS.ProcessEnv,
  config: Pick<Config, 'SMTP_URL'>,
): boolean {
  if (config.SMTP_URL) return true;
  return catalog.channels.some((channel) => {
    switch (channel.type) {
      case 'slack':
        return (
          Boolean(channel.slackChannelId && env.SLACK_BOT_TOKEN) ||
          Boolean(channel.webhookUrlEnv && env[channel.webhookUrlEnv])
        );
      case 'teams':
        return Boolean(env[channel.webhookUrlEnv]);
      case 'webhook':
        return Boolean(env[channel.urlEnv]);
      case 'email':
        return false;
    }
  });
}
