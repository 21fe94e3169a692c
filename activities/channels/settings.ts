import { ApplicationFailure } from '@temporalio/common';

/** A channel's variable, read when sending; fails without retry when it is not set. */
export function requireSetting(
  secrets: Record<string, string | undefined>,
  name: string,
  channelId: string,
): string {
  const value = secrets[name];
  if (!value) {
    throw ApplicationFailure.nonRetryable(
      `channel ${channelId}: environment variable ${name} is not set`,
      'ChannelNotConfigured',
    );
  }
  return value;
}

/** The names among `names` that have no value. */
export function unsetVariables(secrets: Record<string, string | undefined>, names: string[]): string[] {
  return names.filter((name) => !secrets[name]);
}
