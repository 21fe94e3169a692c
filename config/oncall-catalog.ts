import type { OnCallCatalog } from '../domain/oncall';

/**
 * Who Fireline reaches and how: edit this file for your organisation.
 * Webhook URLs and signing secrets are named by environment variable, so no
 * secret is ever written here, in a log or in a timeline.
 */
export const onCallCatalog: OnCallCatalog = {
  people: [
    // slackUserId: the Slack member id of whoever presses the Slack app's buttons.
    // rights: what they may do, on which incidents; none = an observer, who reads only.
    // Limit a right to teams or services: { role: 'responder', teams: ['payments'] }.
    {
      id: 'alice',
      name: 'Alice Example',
      email: 'alice@example.com',
      slackUserId: 'U0ALICE0001',
      rights: [{ role: 'admin' }],
    },
    { id: 'bob', name: 'Bob Example', email: 'bob@example.com', rights: [{ role: 'responder' }] },
    { id: 'carol', name: 'Carol Example', email: 'carol@example.com', rights: [{ role: 'responder' }] },
  ],
  // The teams triage rules route to (config/triage-rules.ts): a rule naming a team or policy
  // that neither this file nor the API has made stops the worker and API from starting.
  teams: [
    {
      id: 'sre',
      name: 'SRE',
      members: [
        { personId: 'alice', role: 'manager' },
        { personId: 'bob', role: 'member' },
        { personId: 'carol', role: 'member' },
      ],
    },
    { id: 'payments', name: 'Payments', members: [{ personId: 'bob', role: 'member' }] },
  ],
  channels: [
    { id: 'sre-slack', type: 'slack', webhookUrlEnv: 'FIRELINE_SLACK_SRE_WEBHOOK_URL' },
    { id: 'payments-slack', type: 'slack', webhookUrlEnv: 'FIRELINE_SLACK_PAYMENTS_WEBHOOK_URL' },
    {
      id: 'incident-webhook',
      type: 'webhook',
      urlEnv: 'FIRELINE_INCIDENT_WEBHOOK_URL',
      secretEnv: 'FIRELINE_INCIDENT_WEBHOOK_SECRET',
    },
    { id: 'managers-email', type: 'email', to: ['eng-managers@example.com'] },
    // Add `slackChannelId: 'C…'` to a Slack channel to use the Slack app (SLACK_BOT_TOKEN) there.
    { id: 'sre-teams', type: 'teams', webhookUrlEnv: 'FIRELINE_TEAMS_SRE_WEBHOOK_URL' },
  ],
  schedules: [
    {
      id: 'sre-primary',
      name: 'SRE primary',
      timeZone: 'Europe/London',
      layers: [
        {
          name: 'weekly',
          participants: ['alice', 'bob', 'carol'],
          rotation: { every: 1, unit: 'week' },
          start: '2026-01-05',
          handoffTime: '09:00',
        },
      ],
    },
    {
      id: 'payments-primary',
      name: 'Payments primary',
      timeZone: 'America/New_York',
      layers: [
        {
          participants: ['bob', 'carol'],
          rotation: { every: 1, unit: 'day' },
          start: '2026-01-05',
          handoffTime: '10:00',
        },
      ],
    },
  ],
  // A major incident's bridge, by escalation policy or team (README: "Responding from chat").
  responses: [{ team: 'payments', bridgeUrl: 'https://meet.example.com/payments-major-incident' }],
  policies: [
    {
      id: 'sre-default',
      name: 'SRE default',
      levels: [
        {
          delaySeconds: 5 * 60,
          targets: [
            { type: 'schedule', id: 'sre-primary' },
            { type: 'channel', id: 'sre-slack' },
          ],
        },
        { delaySeconds: 10 * 60, targets: [{ type: 'person', id: 'carol' }] },
      ],
      repeat: 1,
      fallback: [{ type: 'channel', id: 'managers-email' }],
    },
    {
      id: 'payments-critical',
      name: 'Payments critical',
      levels: [
        {
          delaySeconds: 2 * 60,
          targets: [
            { type: 'schedule', id: 'payments-primary' },
            { type: 'channel', id: 'payments-slack' },
            { type: 'channel', id: 'incident-webhook' },
          ],
        },
        { delaySeconds: 5 * 60, targets: [{ type: 'schedule', id: 'sre-primary' }] },
      ],
      repeat: 2,
      fallback: [{ type: 'channel', id: 'managers-email' }],
    },
  ],
};
