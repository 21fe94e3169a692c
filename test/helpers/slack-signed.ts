import { slackSignature } from '../../api/integrations/slack/signature';

/**
 * A form body signed as Slack signs it, `ageSeconds` ago
 * (https://docs.slack.dev/authentication/verifying-requests-from-slack).
 */
export function signedBySlack(secret: string, fields: Record<string, string>, ageSeconds = 0) {
  const body = new URLSearchParams(fields).toString();
  const timestamp = String(Math.floor(Date.now() / 1000) - ageSeconds);
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(secret, timestamp, body),
    },
  };
}

/** `/incident <text>` as Slack sends it from `userId`, signed with `secret`. */
export function slashCommand(secret: string, text: string, userId: string) {
  return signedBySlack(secret, { command: '/incident', text, user_id: userId });
}
