import type { OnCallCatalog, Team } from '../../domain/oncall';
import type { TriageRules } from '../../domain/triage-types';
import type { HttpReceiver } from './http-receiver';

export const WEBHOOK_SECRET = 'test-signing-secret';

/**
 * Rules and an on-call catalog with delays of seconds, every channel a path
 * on the local receiver. Services pick the policy: `oncall-*` the on-call person first, `esc-*` two levels,
 * `exhaust-*` one short level repeated then the fallback. With a receiver,
 * alerts of service `web` run restart-service against its `/web/health`,
 * as an operator's rule pins where a runbook checks.
 */
export function testRules(receiver?: HttpReceiver): TriageRules {
  return {
    rules: [
      ...(receiver
        ? [
            {
              id: 'web-restart',
              match: { service: 'web' },
              impact: 'medium' as const,
              team: 'sre',
              escalationPolicy: 'two-levels',
              runbooks: [{ id: 'restart-service', params: { healthUrl: receiver.url('/web/health') } }],
            },
          ]
        : []),
      {
        id: 'oncall-first',
        match: { service: /^oncall-/ },
        impact: 'medium',
        team: 'sre',
        escalationPolicy: 'oncall-first',
      },
      {
        id: 'exhaust',
        match: { service: /^exhaust-/ },
        impact: 'medium',
        team: 'sre',
        escalationPolicy: 'short-repeat',
      },
      {
        id: 'payments-critical',
        match: { service: 'payments', severity: 'critical' },
        impact: 'high',
        team: 'payments',
        escalationPolicy: 'two-levels',
      },
    ],
    defaultRule: { id: 'default', impact: 'medium', team: 'sre', escalationPolicy: 'two-levels' },
  };
}

/** The teams the test triage rules route to, without members: a catalog of a test's own adds them. */
export function testTeams(): Team[] {
  return [
    { id: 'sre', name: 'SRE', members: [] },
    { id: 'payments', name: 'Payments', members: [] },
  ];
}

/**
 * `levelDelaySeconds` is how long the first level waits for an acknowledgement; the second
 * level waits `lastLevelDelaySeconds` (a test that acts after level 2 makes it long).
 */
export function testCatalog(levelDelaySeconds = 2, lastLevelDelaySeconds = levelDelaySeconds): OnCallCatalog {
  return {
    people: [
      { id: 'dave', name: 'Dave Test', channels: ['dave-pager'], rights: [{ role: 'responder' }] },
      // Not on any rotation: takes shifts by override.
      { id: 'erin', name: 'Erin Test', channels: ['erin-pager'], rights: [{ role: 'responder' }] },
      // On no rotation either: who tests act as. The test env's admin key acts as alice.
      { id: 'alice', name: 'Alice Test', rights: [{ role: 'admin' }] },
      { id: 'bob', name: 'Bob Test', rights: [{ role: 'responder' }] },
      { id: 'carol', name: 'Carol Test', rights: [{ role: 'responder' }] },
      // A responder on the payments team's incidents, an observer elsewhere.
      { id: 'pat', name: 'Pat Payments', rights: [{ role: 'responder', teams: ['payments'] }] },
      // No rights: reads only.
      { id: 'olive', name: 'Olive Observer' },
    ],
    teams: testTeams(),
    channels: [
      { id: 'level1-hook', type: 'webhook', urlEnv: 'TEST_LEVEL1_URL', secretEnv: 'TEST_WEBHOOK_SECRET' },
      { id: 'dave-pager', type: 'webhook', urlEnv: 'TEST_LEVEL2_URL' },
      { id: 'erin-pager', type: 'webhook', urlEnv: 'TEST_ERIN_URL' },
      { id: 'team-slack', type: 'slack', webhookUrlEnv: 'TEST_SLACK_URL' },
      { id: 'fallback-hook', type: 'webhook', urlEnv: 'TEST_FALLBACK_URL' },
    ],
    schedules: [
      {
        id: 'always-dave',
        name: 'Always Dave',
        timeZone: 'UTC',
        layers: [
          {
            participants: ['dave'],
            rotation: { every: 1, unit: 'week' },
            start: '2020-01-06',
            handoffTime: '09:00',
          },
        ],
      },
      {
        // Daily hand-offs at 10:00 New York time: 15:00 UTC in winter, 14:00 UTC once DST starts.
        id: 'nyc-daily',
        name: 'New York daily',
        timeZone: 'America/New_York',
        layers: [
          {
            participants: ['dave', 'erin'],
            rotation: { every: 1, unit: 'day' },
            start: '2027-03-01',
            handoffTime: '10:00',
          },
        ],
      },
    ],
    policies: [
      {
        id: 'two-levels',
        name: 'Two levels',
        levels: [
          {
            delaySeconds: levelDelaySeconds,
            targets: [
              { type: 'channel', id: 'level1-hook' },
              { type: 'channel', id: 'team-slack' },
            ],
          },
          { delaySeconds: lastLevelDelaySeconds, targets: [{ type: 'schedule', id: 'always-dave' }] },
        ],
        repeat: 0,
        fallback: [{ type: 'channel', id: 'fallback-hook' }],
      },
      {
        id: 'oncall-first',
        name: 'On-call person first',
        levels: [
          { delaySeconds: levelDelaySeconds, targets: [{ type: 'schedule', id: 'always-dave' }] },
          { delaySeconds: lastLevelDelaySeconds, targets: [{ type: 'channel', id: 'level1-hook' }] },
        ],
        repeat: 0,
        fallback: [{ type: 'channel', id: 'fallback-hook' }],
      },
      {
        id: 'short-repeat',
        name: 'Short, repeated once',
        levels: [{ delaySeconds: 1, targets: [{ type: 'channel', id: 'level1-hook' }] }],
        repeat: 1,
        fallback: [{ type: 'channel', id: 'fallback-hook' }],
      },
    ],
  };
}

export function testSecrets(receiver: HttpReceiver): Record<string, string> {
  return {
    TEST_LEVEL1_URL: receiver.url('/level1'),
    TEST_LEVEL2_URL: receiver.url('/level2'),
    TEST_ERIN_URL: receiver.url('/erin'),
    TEST_SLACK_URL: receiver.url('/slack'),
    TEST_FALLBACK_URL: receiver.url('/fallback'),
    TEST_WEBHOOK_SECRET: WEBHOOK_SECRET,
    RESTART_WEBHOOK_URL: receiver.url('/restart'),
    DEPLOY_WEBHOOK_URL: receiver.url('/deploy'),
    SCALE_WEBHOOK_URL: receiver.url('/scale'),
  };
}
