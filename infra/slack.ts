import { LogLevel, WebClient } from '@slack/web-api';
import type { Config } from '../config';

/**
 * The process's one Slack Web API client, when the app's bot token is set.
 * Retries are few: the activity calling it has retries of its own, and the
 * API must answer Slack within three seconds.
 */
export function createSlackClient(
  config: Partial<Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_API_URL'>>,
): WebClient | undefined {
  if (!config.SLACK_BOT_TOKEN) return undefined;
  return new WebClient(config.SLACK_BOT_TOKEN, {
    slackApiUrl: config.SLACK_API_URL,
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000 },
    timeout: 5_000,
  });
}
