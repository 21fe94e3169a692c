import type { Config } from '../config';
import type { OnCallCatalog } from '../domain/oncall';
import { anyChannelReady } from '../worker';

/**
 * Whether any destination of the catalog (a channel, or a person's email) has every setting it
 * needs, by the check the worker makes at start.
 */
export function anyChannelConfigured(
  catalog: OnCallCatalog,
  env: NodeJS.ProcessEnv,
  config: Partial<Pick<Config, 'SMTP_URL' | 'SLACK_BOT_TOKEN'>>,
): boolean {
  return anyChannelReady(catalog, {
    secrets: env,
    mailer: Boolean(config.SMTP_URL),
    slackApp: Boolean(config.SLACK_BOT_TOKEN),
  });
}
