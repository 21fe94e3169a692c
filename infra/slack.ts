import { LogLevel, WebClient } from '@slack/web-api';
import type { Config } from '../config';

/**
 * The process's one Slack Web API client, when the app's bot token is set.
 * It does not retry: a request that timed out may have been posted, and only
 * the activity, which looks in the channel for what an earlier attempt posted,
 * may try again; the API must answer Slack within three seconds anyway. Its
 * errors do not carry the HTTP request, whose headers hold the bot token.
 */
export function createSlackClient(
  config: Partial<Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_API_URL'>>,
): WebClient | undefined {
  if (!config.SLACK_BOT_TOKEN) return undefined;
  return new WebClient(config.SLACK_BOT_TOKEN, {
    slackApiUrl: config.SLACK_API_URL,
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 0 },
    timeout: 5_000,
    attachOriginalToWebAPIRequestError: false,
  });
}
