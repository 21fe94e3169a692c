import type { Express } from 'express';
import { z } from 'zod';
import { collectRoutes, type CollectedRoute } from './collect-routes';

/**
 * Prose for each API route. Request schemas are not written here: they are
 * read from the zod schemas the routes validate with (api/openapi-routes.ts),
 * so the document cannot drift from what the API accepts.
 */
export interface RouteDoc {
  tag: string;
  summary: string;
  description?: string;
  /** Status of a successful answer (200 unless said). */
  success?: number;
  /** A request body that the route accepts; the tests check it validates. */
  example?: unknown;
  /** The media type of a successful answer, when not JSON. */
  produces?: string;
  /** How the route authenticates when not by an API key with a scope. */
  auth?:
    | 'none'
    | 'routing_key'
    | 'feed_token'
    | 'ping_token'
    | 'slack_signature'
    | 'twilio_signature'
    | 'action_token';
}

export const routeDocs: Record<string, RouteDoc> = {
  'GET /healthz': { tag: 'Health', summary: 'Liveness: the process is up', auth: 'none' },
  'GET /readyz': {
    tag: 'Health',
    summary: 'Readiness: Temporal and MongoDB answer (503 saying which does not; why, only in the log)',
    auth: 'none',
  },
  'GET /metrics': { tag: 'Health', summary: 'Prometheus metrics of this process (text format)' },
  'GET /openapi.json': { tag: 'Health', summary: 'This OpenAPI 3.1 document', auth: 'none' },
  'POST /v1/diagnostics/round-trips': {
    tag: 'Diagnostics',
    summary: 'Start an API → workflow → activity → MongoDB round-trip check',
    success: 202,
    example: {},
  },
  'GET /v1/diagnostics/round-trips/{checkId}': {
    tag: 'Diagnostics',
    summary: 'Result of a round-trip check',
  },
  'POST /v1/alerts': {
    tag: 'Alerts',
    summary: 'Send an alert (Fireline JSON)',
    description:
      'Answers 202 once Temporal has durably recorded the event. Alerts with the dedupKey of an open incident fold into it; without dedupKey, service and summary are the key.',
    success: 202,
    example: {
      service: 'checkout',
      summary: 'Error rate above 5%',
      severity: 'critical',
      dedupKey: 'checkout-errors',
      labels: { region: 'eu-west-1' },
    },
  },
  'POST /v2/enqueue': {
    tag: 'Alerts',
    summary: 'PagerDuty Events API v2 compatible endpoint',
    description:
      'Same body and answers as PagerDuty: authenticated by routing_key (FIRELINE_ROUTING_KEYS binds each key to a service); errors answer 400 `{status, message, errors}`; more than ROUTING_KEY_RATE_LIMIT_PER_MINUTE events a minute for one key answer 429 `{"status": "throttle exceeded", message}`. An acknowledge or resolve whose grouped incident only MongoDB could name, while MongoDB does not answer, gets 503 with Retry-After.',
    success: 202,
    auth: 'routing_key',
    example: {
      routing_key: 'R0UT1NGKEY',
      event_action: 'trigger',
      dedup_key: 'disk-full-db1',
      payload: { summary: 'Disk full on db1', source: 'db1', severity: 'error' },
    },
  },
  'POST /v1/integrations/alertmanager': {
    tag: 'Alerts',
    summary: 'Prometheus Alertmanager webhook receiver',
    description:
      'Authenticated by an integration key as bearer token or `?token=` (for senders that cannot set headers). Answers 200 once every alert is recorded; 413 naming `body.alerts` when the alerts, each with the common labels and annotations copied in, come to more than 8 MiB as events; 503 with Retry-After when an acknowledge or resolve could not be placed because MongoDB did not answer.',
    example: {
      version: '4',
      status: 'firing',
      receiver: 'fireline',
      alerts: [
        { status: 'firing', labels: { alertname: 'HighLatency', service: 'search' }, annotations: {} },
      ],
    },
  },
  'POST /v1/integrations/grafana': {
    tag: 'Alerts',
    summary: 'Grafana Alerting webhook receiver',
    description: 'Authenticated, answered and bounded like the Alertmanager endpoint.',
    example: {
      receiver: 'fireline',
      status: 'firing',
      title: 'High latency',
      alerts: [{ status: 'firing', labels: { alertname: 'HighLatency', service: 'search' } }],
    },
  },
  'GET /v1/incidents': {
    tag: 'Incidents',
    summary: 'List incidents, newest first (filters repeatable; cursor paging)',
  },
  'POST /v1/incidents': {
    tag: 'Incidents',
    summary: 'Declare an incident: a person reports what is happening',
    description:
      "Opens an incident as an alert does (signal-with-start, a dedup key of its own, `declared:<uuid>`): triage picks the team, escalation policy and runbooks, the severity stays as declared, and level 1 of the policy is paged. The timeline's first entry names the reporter (`Declared by Alice: …`). Takes incidents:write, and the person's rights on the team triage gives the service or on the service (observers are refused, 403 with the reason). Answers 201 once Temporal recorded it: `{incidentId, workflowId, service, severity, team, state}`, `state` `open` once the workflow opened it (within a few seconds), `recorded` if no worker has yet.",
    success: 201,
    example: {
      service: 'payments',
      title: 'Card payments failing for EU customers',
      severity: 'SEV2',
      description: 'Support reports declined cards since 14:05; no alert fired',
    },
  },
  'GET /v1/incidents/{id}': { tag: 'Incidents', summary: 'One incident (live from its workflow while open)' },
  'GET /v1/incidents/{id}/timeline': {
    tag: 'Incidents',
    summary: "A page of the incident's timeline, oldest first",
    description:
      'The latest `limit` entries (default 500, at most 1000) before `before`; `nextBefore` is the `before` of the older entries, null when there are none.',
  },
  'POST /v1/incidents/{id}/acknowledge': {
    tag: 'Incidents',
    summary: 'Acknowledge: stops the escalation',
    description: '409 when the incident is already resolved or acknowledged.',
    example: {},
  },
  'POST /v1/incidents/{id}/resolve': {
    tag: 'Incidents',
    summary: 'Resolve; drafts the post-mortem',
    example: { note: 'Rolled back to v41' },
  },
  'POST /v1/incidents/{id}/snooze': {
    tag: 'Incidents',
    summary: 'Snooze notifications; escalation starts again when it expires',
    example: { durationSeconds: 1800 },
  },
  'POST /v1/incidents/{id}/escalate': {
    tag: 'Incidents',
    summary: 'Escalate to the next level now',
    example: { reason: 'Need the database team' },
  },
  'POST /v1/incidents/{id}/commander': {
    tag: 'Incidents',
    summary: 'Take the incident commander role',
    description: 'The caller becomes the commander (an admin key may name `actor`); 409 if they already are.',
    example: {},
  },
  'POST /v1/integrations/slack/interactions': {
    tag: 'Chat',
    summary: "The Slack app's interactivity request URL (buttons on incident messages)",
    description:
      "Slack's `block_actions` payload, signed with the app's signing secret (`X-Slack-Signature`, " +
      '`X-Slack-Request-Timestamp` within five minutes); 401 otherwise. Present only with SLACK_SIGNING_SECRET.',
    auth: 'slack_signature',
  },
  'POST /v1/integrations/slack/commands': {
    tag: 'Chat',
    summary: "The Slack app's `/incident` slash command",
    description:
      'Signed as interactions are; answers an ephemeral message. Present only with SLACK_SIGNING_SECRET.',
    auth: 'slack_signature',
  },
  'POST /v1/integrations/twilio/sms': {
    tag: 'Reaching people',
    summary: "Twilio's messaging webhook: a reply to a page (`4821a`, `4821e`, `a all`)",
    description:
      'Form-encoded as Twilio sends it (`MessageSid`, `From`, `Body`), signed with X-Twilio-Signature over ' +
      "PUBLIC_URL + path and the fields (403 otherwise). The sender's verified number names the person, whose " +
      'rights decide; answers TwiML `<Response><Message>…</Message></Response>` (no message to an unknown ' +
      'number). Present only with TWILIO_AUTH_TOKEN and PUBLIC_URL.',
    auth: 'twilio_signature',
  },
  'POST /v1/integrations/twilio/voice': {
    tag: 'Reaching people',
    summary: "A page call's keypress (the `<Gather>` action): 1 acknowledges, 2 escalates",
    description:
      'The query (`person`, `incident`, `step`) is the one Fireline gave Twilio; signed as the SMS webhook. ' +
      'Answers TwiML `<Say>`.',
    auth: 'twilio_signature',
  },
  'POST /v1/integrations/twilio/status': {
    tag: 'Reaching people',
    summary: "Twilio's status callback for a page's text or call",
    description:
      '`MessageStatus` or `CallStatus` (and `AnsweredBy`), for the `person`, `incident` and `step` of the ' +
      'query; a failed, undelivered, unanswered or busy step moves the person on to their next rule at once.',
    success: 204,
    auth: 'twilio_signature',
  },
  'POST /v1/incidents/{id}/notes': {
    tag: 'Incidents',
    summary: 'Add a note to the timeline',
    example: { text: 'Rolling back v42' },
  },
  'PATCH /v1/incidents/{id}': {
    tag: 'Incidents',
    summary: 'Change severity, title or incident commander',
    example: { severity: 'SEV1', commander: 'alice' },
  },
  'POST /v1/incidents/{id}/runbooks': {
    tag: 'Runbooks',
    summary: 'Run a runbook for the incident (a child workflow)',
    success: 202,
    example: { runbookId: 'restart-service', params: { serviceName: 'checkout' } },
  },
  'POST /v1/incidents/{id}/runbooks/{runId}/cancel': {
    tag: 'Runbooks',
    summary: 'Cancel a running runbook; its compensations run',
    success: 202,
    example: {},
  },
  'GET /v1/incidents/{id}/approvals': { tag: 'Approvals', summary: "The incident's approval requests" },
  'POST /v1/incidents/{id}/approvals/{approvalId}/approve': {
    tag: 'Approvals',
    summary: 'Approve a runbook step (403 when the key is not an allowed approver)',
    example: { comment: 'Go ahead' },
  },
  'POST /v1/incidents/{id}/approvals/{approvalId}/reject': {
    tag: 'Approvals',
    summary: 'Reject a runbook step: the run compensates and stops',
    example: { comment: 'Not during the sale' },
  },
  'GET /v1/runbooks': { tag: 'Runbooks', summary: 'Runbooks in the catalogue, with parameter schemas' },
  'GET /v1/runbooks/{id}': { tag: 'Runbooks', summary: 'One runbook' },
  'POST /v1/runbooks/{id}/dry-run': {
    tag: 'Runbooks',
    summary: 'Drill: run a runbook with every side effect simulated; answers the report',
    success: 201,
    example: { params: { serviceName: 'checkout' }, realHttp: false },
  },
  'GET /v1/drills/{drillId}': { tag: 'Runbooks', summary: 'A stored drill report' },
  'GET /v1/postmortems': { tag: 'Post-mortems', summary: 'List post-mortems' },
  'GET /v1/postmortems/{id}': {
    tag: 'Post-mortems',
    summary: 'One post-mortem as JSON, Markdown (Accept: text/markdown) or HTML (Accept: text/html)',
  },
  'PATCH /v1/postmortems/{id}': {
    tag: 'Post-mortems',
    summary: 'Edit the review; status moves draft → in-review → published',
    example: {
      rootCause: 'A release with a broken payment client',
      actionItems: [{ title: 'Canary payment releases', owner: 'carol', dueDate: '2026-12-15' }],
      status: 'in-review',
    },
  },
  'GET /v1/analytics/incidents': {
    tag: 'Analytics',
    summary: 'Counts, MTTA/MTTR, SLA breaches and recurring alerts over a period',
    description:
      'A period with more than ANALYTICS_MAX_INCIDENTS incidents (default 50000) answers 400 `range_too_large`: ask for a shorter one.',
  },
  'GET /v1/insights': {
    tag: 'Analytics',
    summary:
      'Insights of a period: incidents per ISO week by severity, MTTA/MTTR per week beside the SLA targets, pages per person (at night in their zone), noisiest services and alerts, flapping alerts with suggestions',
    description:
      'The period is `from` and `to`, or the last `weeks` ISO weeks (8 unless said), at most 53 weeks. An alert flaps when `flapCount` (3) of its incidents open within `flapWindowHours` (24). A period with more than ANALYTICS_MAX_INCIDENTS incidents answers 400 `range_too_large`.',
  },
  'GET /v1/oncall': {
    tag: 'On call',
    summary: 'Who every schedule and escalation level reaches now (or `?at=`), overrides applied',
  },
  'GET /v1/schedules': {
    tag: 'On call',
    summary:
      'The schedules (`managedBy`: `file` for config/oncall-catalog.ts, `api` for those made at run time, with their revision) and the people',
  },
  'POST /v1/schedules': {
    tag: 'On call',
    summary: 'Make a schedule at run time (no deploy)',
    description:
      'Stored in MongoDB at revision 1; the worker reads it before every page. 400 naming the field (a participant who is not a person, an unknown time zone), 409 for an id taken (by the catalog file too).',
    success: 201,
    example: {
      id: 'night-shift',
      name: 'Night shift',
      timeZone: 'Europe/London',
      layers: [
        {
          participants: ['alice', 'bob'],
          rotation: { every: 1, unit: 'week' },
          start: '2026-01-05',
          handoffTime: '09:00',
          restrictions: [{ type: 'time-of-day', start: '22:00', end: '06:00' }],
        },
      ],
    },
  },
  'GET /v1/schedules/{id}': {
    tag: 'On call',
    summary: 'One schedule, with its revision if made at run time',
  },
  'PUT /v1/schedules/{id}': {
    tag: 'On call',
    summary: 'Replace a schedule made at run time, naming the revision you read',
    description:
      'Applies to the next page, open incidents included; the timeline names the revision that paged. 409 when the schedule is at another revision (`details.revision` says which) or is managed by the catalog file.',
    example: {
      revision: 1,
      name: 'Night shift',
      timeZone: 'Europe/London',
      layers: [
        {
          participants: ['alice', 'bob', 'carol'],
          rotation: { every: 1, unit: 'week' },
          start: '2026-01-05',
          handoffTime: '09:00',
        },
      ],
    },
  },
  'DELETE /v1/schedules/{id}': {
    tag: 'On call',
    summary: 'Delete a schedule made at run time (`?revision=` you read), with its overrides',
    description:
      '409 while an escalation policy pages it (`details.referencedBy` names each level), at another revision, or managed by the catalog file.',
    success: 204,
  },
  'GET /v1/escalation-policies': {
    tag: 'On call',
    summary:
      'The escalation policies (`managedBy`: `file`, `api` or `config`, as for schedules), stored ones with their revision',
  },
  'POST /v1/escalation-policies': {
    tag: 'On call',
    summary: 'Make an escalation policy at run time (no deploy)',
    description:
      'A triage rule naming it pages with it from the next incident it opens. 400 naming a target that is no person, schedule, team (made at run time included) or channel; 409 for an id taken.',
    success: 201,
    example: {
      id: 'night-ops',
      name: 'Night operations',
      levels: [
        { delaySeconds: 300, targets: [{ type: 'schedule', id: 'sre-primary' }] },
        { delaySeconds: 600, targets: [{ type: 'person', id: 'carol' }] },
      ],
      repeat: 1,
      fallback: [{ type: 'channel', id: 'managers-email' }],
    },
  },
  'GET /v1/escalation-policies/{id}': { tag: 'On call', summary: 'One escalation policy' },
  'PUT /v1/escalation-policies/{id}': {
    tag: 'On call',
    summary: 'Replace an escalation policy made at run time, naming the revision you read',
    description:
      '409 at another revision (`details.revision`), or managed by the catalog file or a configuration file.',
    example: {
      revision: 1,
      name: 'Night operations',
      levels: [{ delaySeconds: 300, targets: [{ type: 'schedule', id: 'sre-primary' }] }],
    },
  },
  'DELETE /v1/escalation-policies/{id}': {
    tag: 'On call',
    summary: 'Delete an escalation policy made at run time (`?revision=` you read)',
    description:
      '409 while a triage rule names it (`details.referencedBy`), at another revision, or managed by a file.',
    success: 204,
  },
  'GET /v1/escalation-policies/{id}/history': {
    tag: 'On call',
    summary: 'Who made each revision of an escalation policy made at run time, and when',
  },
  'GET /v1/people': {
    tag: 'On call',
    summary:
      'The people: the catalog file’s (`managedBy: file`) and those made at run time, with their revision (importers match other tools’ users by email)',
  },
  'POST /v1/people': {
    tag: 'On call',
    summary: 'Make a person at run time (no deploy): they can be put in a schedule and paged at once',
    description:
      'Only an admin may give rights (`rights`; none = an observer). 400 naming a channel that is not the catalog’s; 409 for an id taken.',
    success: 201,
    example: {
      id: 'erin',
      name: 'Erin Example',
      email: 'erin@example.com',
      timeZone: 'America/New_York',
      rights: [{ role: 'responder', teams: ['payments'] }],
    },
  },
  'GET /v1/people/{id}': { tag: 'On call', summary: 'One person' },
  'PUT /v1/people/{id}': {
    tag: 'On call',
    summary: 'Replace a person made at run time, naming the revision you read',
    description:
      '403 for a change of rights by someone not an admin; 409 at another revision (`details.revision`), or managed by a file.',
    example: { revision: 1, name: 'Erin Example', email: 'erin@example.com', timeZone: 'Europe/Dublin' },
  },
  'DELETE /v1/people/{id}': {
    tag: 'On call',
    summary: 'Delete a person made at run time (`?revision=` you read), with their contact methods',
    description:
      '409 while a schedule layer, escalation policy, team or override not yet over names them (`details.referencedBy`).',
    success: 204,
  },
  'GET /v1/people/{id}/history': {
    tag: 'On call',
    summary: 'Who made each revision of a person made at run time, and when',
  },
  'GET /v1/teams': {
    tag: 'On call',
    summary: 'The teams (members and their roles), stored ones with their revision',
  },
  'POST /v1/teams': {
    tag: 'On call',
    summary: 'Make a team at run time: an escalation policy’s `team` target pages every member',
    description: '400 naming a member who is not a person; 409 for an id taken.',
    success: 201,
    example: {
      id: 'payments',
      name: 'Payments',
      members: [
        { personId: 'bob', role: 'manager' },
        { personId: 'carol', role: 'member' },
      ],
    },
  },
  'GET /v1/teams/{id}': { tag: 'On call', summary: 'One team' },
  'PUT /v1/teams/{id}': {
    tag: 'On call',
    summary: 'Replace a team made at run time, naming the revision you read',
    example: { revision: 1, name: 'Payments', members: [{ personId: 'bob', role: 'manager' }] },
  },
  'DELETE /v1/teams/{id}': {
    tag: 'On call',
    summary: 'Delete a team made at run time (`?revision=` you read)',
    description:
      '409 while an escalation policy pages it or a triage rule routes to it (`details.referencedBy`).',
    success: 204,
  },
  'GET /v1/teams/{id}/history': {
    tag: 'On call',
    summary: 'Who made each revision of a team made at run time, and when',
  },
  'GET /v1/services': {
    tag: 'On call',
    summary: 'The services, with their team, escalation policy and integrations (never their secrets)',
  },
  'POST /v1/services': {
    tag: 'On call',
    summary:
      'Make a service at run time: its alerts that no triage rule matches page with its policy and team',
    description: '400 naming a team or escalation policy that does not exist; 409 for an id taken.',
    success: 201,
    example: {
      id: 'checkout-api',
      name: 'Checkout API',
      team: 'payments',
      escalationPolicy: 'payments-critical',
    },
  },
  'GET /v1/services/{id}': { tag: 'On call', summary: 'One service, with its integrations' },
  'PUT /v1/services/{id}': {
    tag: 'On call',
    summary: 'Replace a service made at run time, naming the revision you read (its integrations stay)',
    example: { revision: 1, name: 'Checkout API', escalationPolicy: 'sre-default' },
  },
  'DELETE /v1/services/{id}': {
    tag: 'On call',
    summary:
      'Delete a service made at run time (`?revision=` you read): its routing keys stop routing, its tokens are revoked',
    description: '409 while a triage rule matches it by name (`details.referencedBy`).',
    success: 204,
  },
  'GET /v1/services/{id}/history': {
    tag: 'On call',
    summary: 'Who made each revision of a service made at run time, and when',
  },
  'POST /v1/services/{id}/integrations': {
    tag: 'On call',
    summary:
      'Add a PagerDuty routing key (for /v2/enqueue) or an Alertmanager or Grafana token to a service: the secret is in this answer only',
    success: 201,
    example: { type: 'pagerduty', name: 'Datadog' },
  },
  'DELETE /v1/services/{id}/integrations/{integrationId}': {
    tag: 'On call',
    summary: 'Remove an integration: its routing key stops routing, its token is revoked',
    success: 204,
  },
  'GET /v1/schedules/{id}/history': {
    tag: 'On call',
    summary: 'Who made each revision of a schedule made at run time, and when',
  },
  'GET /v1/schedules/{id}/shifts': {
    tag: 'On call',
    summary: 'The computed rotation of a schedule over [from, to), overrides applied',
  },
  'GET /v1/schedules/{id}/overrides': { tag: 'On call', summary: 'The runtime overrides of a schedule' },
  'POST /v1/schedules/{id}/overrides': {
    tag: 'On call',
    summary: 'Have someone cover a schedule for a while (no deploy)',
    description:
      'Stored in MongoDB and applied to the next page the worker plans, for open incidents too. 400 for a person not in the catalog or an end not after the start, 409 for an overlap with another override of the schedule.',
    success: 201,
    example: {
      personId: 'alice',
      start: '2026-12-24T18:00:00Z',
      end: '2026-12-25T09:00:00Z',
      note: 'covering for bob',
    },
  },
  'POST /v1/calendar-feeds': {
    tag: 'On call',
    summary: "Make an iCalendar feed of a schedule's or a person's shifts",
    description:
      "Answers the feed's token once (only its SHA-256 is stored) and its path, `/v1/calendar.ics?token=…`, to subscribe to in a calendar app.",
    success: 201,
    example: { scheduleId: 'sre-primary' },
  },
  'GET /v1/calendar-feeds': { tag: 'On call', summary: 'The calendar feeds (ids and targets, not tokens)' },
  'DELETE /v1/calendar-feeds/{feedId}': { tag: 'On call', summary: 'Revoke a calendar feed', success: 204 },
  'GET /v1/heartbeats': {
    tag: 'Heartbeats',
    summary: 'Every heartbeat, with its state (last ping, up, missed, paused) from its workflow',
  },
  'POST /v1/heartbeats': {
    tag: 'Heartbeats',
    summary: 'Make a heartbeat: an incident opens when no ping comes within its interval and grace',
    description:
      'Answers its `pingUrl` with the ping `token`, shown this once (only `tokenHint` after). 409 when the name is taken.',
    success: 201,
    example: { name: 'nightly-backup', service: 'backups', intervalSeconds: 3600, graceSeconds: 300 },
  },
  'GET /v1/heartbeats/{name}': {
    tag: 'Heartbeats',
    summary: 'A heartbeat, with its state from its workflow',
  },
  'PATCH /v1/heartbeats/{name}': {
    tag: 'Heartbeats',
    summary: 'Change a heartbeat (interval, grace, severity, service, paused); its workflow takes it at once',
    example: { paused: true },
  },
  'DELETE /v1/heartbeats/{name}': {
    tag: 'Heartbeats',
    summary: 'Delete a heartbeat: the incident it opened, if any, resolves',
    success: 204,
  },
  'POST /v1/heartbeats/{name}/ping': {
    tag: 'Heartbeats',
    summary: 'Ping a heartbeat (any body): answered once Temporal has recorded it',
    description:
      "Authenticated by the heartbeat's own `token` in the URL, good for its pings only; redacted in logs. 404 alike for a wrong token and an unknown heartbeat.",
    success: 202,
    auth: 'ping_token',
  },
  'GET /v1/heartbeats/{name}/ping': {
    tag: 'Heartbeats',
    summary: 'Ping a heartbeat by GET, for a cron line’s curl',
    success: 202,
    auth: 'ping_token',
  },
  'GET /v1/maintenance-windows': {
    tag: 'Maintenance',
    summary: 'Maintenance windows: under way or to come (`state=current`), `active`, `upcoming` or `all`',
  },
  'POST /v1/maintenance-windows': {
    tag: 'Maintenance',
    summary:
      'Make a maintenance window: alerts of its services (or team) are recorded and page nobody until it ends',
    description:
      'Give `services` or `team`, and `endsAt` or `durationMinutes` (from `startsAt`, now if absent). A SEV1 pages anyway unless `silenceSev1`. `weekly` repeats it at the same wall-clock time. Takes `incidents:write` over every service (or the team) it covers.',
    success: 201,
    example: { services: ['checkout'], durationMinutes: 120, reason: 'PostgreSQL 17 upgrade' },
  },
  'GET /v1/maintenance-windows/{id}': { tag: 'Maintenance', summary: 'A maintenance window' },
  'POST /v1/maintenance-windows/{id}/end': {
    tag: 'Maintenance',
    summary:
      'End a window under way now: what it held pages at once if still triggered; 409 if not under way',
  },
  'DELETE /v1/maintenance-windows/{id}': {
    tag: 'Maintenance',
    summary: 'Delete a maintenance window (planned or under way)',
    success: 204,
  },
  'POST /v1/incidents/{id}/status-updates': {
    tag: 'Status page',
    summary:
      "Post a public update from an incident: on its public incident, or a new one on its service's components",
    description:
      "Appends to the unresolved public incident linked to this incident; without one, opens one on every component whose services include the incident's, titled after those components (never after the incident). 409 when no component covers the service, or to resolve what has no public incident. The same action as the web UI's form and Slack's `/incident status INC-… <status> <text>`.",
    success: 201,
    example: { status: 'monitoring', body: 'A fix is out; we are watching error rates.' },
  },
  'GET /status': {
    tag: 'Status page',
    summary: 'The public status page (HTML, no JavaScript): components, 90-day uptime bars, public incidents',
    description:
      "No key. Served from memory, read from MongoDB at most once per STATUS_PAGE_CACHE_SECONDS (the last copy goes on being served while MongoDB does not answer; 503 only before the first read). Limited per address (STATUS_PAGE_RATE_LIMIT_PER_MINUTE). Shows public incidents and their public updates only, never an incident's timeline.",
    auth: 'none',
    produces: 'text/html',
  },
  'GET /status.json': {
    tag: 'Status page',
    summary:
      'The public status page as JSON: overall state, components with their daily uptime, public incidents',
    auth: 'none',
  },
  'GET /status/feed.atom': {
    tag: 'Status page',
    summary: 'Atom feed of the public updates, one entry per update, newest first',
    auth: 'none',
    produces: 'application/atom+xml',
  },
  'GET /v1/status/components': {
    tag: 'Status page',
    summary:
      "The status page's components, with their state now and what their services' incidents alone give",
  },
  'POST /v1/status/components': {
    tag: 'Status page',
    summary: 'Add a component: a name for readers over some services, whose open incidents set its state',
    description:
      'SEV1 open on one of its services: major outage; SEV2: partial outage; SEV3 or SEV4: degraded. 409 when the id is taken.',
    success: 201,
    example: { id: 'checkout', name: 'Checkout', services: ['checkout', 'payments'] },
  },
  'GET /v1/status/components/{id}': { tag: 'Status page', summary: 'A component, with its state now' },
  'PATCH /v1/status/components/{id}': {
    tag: 'Status page',
    summary: 'Change a component (name, description, services, order)',
    example: { services: ['checkout', 'payments', 'cart'] },
  },
  'DELETE /v1/status/components/{id}': { tag: 'Status page', summary: 'Remove a component', success: 204 },
  'PUT /v1/status/components/{id}/override': {
    tag: 'Status page',
    summary: "Set a component's state by hand: it stands, whatever the incidents say, until cleared",
    description: 'A responder’s call (incidents:write); records who set it.',
    example: { state: 'degraded' },
  },
  'DELETE /v1/status/components/{id}/override': {
    tag: 'Status page',
    summary: "Clear a component's override: its incidents set its state again",
  },
  'GET /v1/status/incidents': {
    tag: 'Status page',
    summary:
      'Public incidents not resolved, and those resolved in the last 7 days, with who wrote each update',
  },
  'POST /v1/status/incidents': {
    tag: 'Status page',
    summary: 'Open a public incident with its first public update',
    description:
      'Written apart from the incident timeline: only its title and its updates are ever shown publicly. `incidentId` links the Fireline incident it is about (for responders; never shown), and then the acting person needs incidents:write on that incident. 400 naming `body.components.N` for an unknown component.',
    success: 201,
    example: {
      title: 'Checkout errors',
      components: ['checkout'],
      status: 'investigating',
      body: 'Some payments fail; we are looking into it.',
    },
  },
  'GET /v1/status/incidents/{id}': { tag: 'Status page', summary: 'A public incident with its updates' },
  'POST /v1/status/incidents/{id}/updates': {
    tag: 'Status page',
    summary: 'Post a public update (investigating, identified, monitoring, resolved)',
    description: '409 once the public incident is resolved: a recurrence is a new public incident.',
    success: 201,
    example: { status: 'identified', body: 'A bad deploy; rolling it back.' },
  },
  'POST /v1/status/incidents/{id}/resolve': {
    tag: 'Status page',
    summary: 'Resolve a public incident, with a last public update',
    example: { body: 'Payments work again.' },
  },
  'GET /v1/calendar.ics': {
    tag: 'On call',
    summary: 'A calendar feed (RFC 5545): the past month and next three months of shifts',
    description:
      "Authenticated by the feed's own `token` in the URL, as calendar apps cannot send headers; redacted in logs.",
    auth: 'feed_token',
  },
  'GET /v1/act/{token}': {
    tag: 'Incidents',
    summary: "An acknowledge link's confirm page (HTML): shows what the link does, and does nothing",
    description:
      'The link of an email, push or ntfy page (`<PUBLIC_URL>/v1/act/<token>`): the signed token names one incident, one person and the action, and expires (ACTION_LINK_TTL_SECONDS). A GET never acts, so mail scanners that follow links acknowledge nothing; the page has the button that POSTs. A malformed token answers 400, one not signed with ACTION_LINK_SECRET 403, an expired one 410, all as pages.',
    auth: 'action_token',
  },
  'POST /v1/act/{token}': {
    tag: 'Incidents',
    summary: "Acknowledge through a link, as the token's person (no API key, no cookie)",
    description:
      "What the confirm page's button, the push notification's Acknowledge and ntfy's `http` action send. Acknowledges as the person the token names (the timeline says `user:<id> (via email link)`, `push` or `ntfy`), with that person's rights on the incident's service checked as for every surface (403 with the reason). Answers JSON `{incidentId, action, actor, via}` when the request accepts JSON rather than HTML, else a page; 400/403/410 for a malformed, forged or expired token, 409 when the incident is already acknowledged or resolved. Nothing is done on a refusal.",
    auth: 'action_token',
  },
  'DELETE /v1/schedules/{id}/overrides/{overrideId}': {
    tag: 'On call',
    summary: 'Delete a runtime override',
    success: 204,
  },
  'GET /v1/me': {
    tag: 'People',
    summary: 'Who the key acts as: the person, their rights, the key’s scopes',
    description:
      '403 for a key linked to no person. `managesEveryone`: whether this key may manage other people’s contact methods and rules (an admin person with an admin key).',
  },
  'GET /v1/people/{personId}/contact-methods': {
    tag: 'People',
    summary: "A person's contact methods, confirmed or not",
    description:
      "A person manages their own; an admin anyone's (403 otherwise, naming who and why; 404 for a person not in the catalog). Numbers are shown in full to their owner only, masked to anyone else; a push subscription's keys are never shown.",
  },
  'POST /v1/people/{personId}/contact-methods': {
    tag: 'People',
    summary: 'Add a contact method; a confirmation code is sent to it',
    description:
      'The method pages only once confirmed with the code (6 digits, 10 minutes, 5 attempts). `delivery.devInbox` is true when the code was kept in the development inbox because the provider is not configured. 400 `body.type` when the provider is not configured on this server.',
    success: 201,
    example: { type: 'sms', number: '+447700900123', label: 'mobile' },
  },
  'POST /v1/people/{personId}/contact-methods/{methodId}/confirm': {
    tag: 'People',
    summary: 'Confirm a contact method with the code sent to it',
    description: 'A wrong, expired or used-up code answers 400 naming `body.code`, with the attempts left.',
    example: { code: '123456' },
  },
  'POST /v1/people/{personId}/contact-methods/{methodId}/resend': {
    tag: 'People',
    summary: 'Send a new confirmation code (it replaces the pending one)',
    description: '409 when the method is confirmed already.',
  },
  'POST /v1/people/{personId}/contact-methods/{methodId}/test': {
    tag: 'People',
    summary: 'Send a test page to a confirmed contact method',
    description: '409 when the method is not confirmed yet.',
  },
  'DELETE /v1/people/{personId}/contact-methods/{methodId}': {
    tag: 'People',
    summary: 'Remove a contact method, and the notification rules that name it',
    success: 204,
  },
  'GET /v1/people/{personId}/notification-rules': {
    tag: 'People',
    summary: "A person's notification rules as they run, per urgency, and whether each is the default",
    description:
      'High urgency is SEV1 and SEV2, low the rest. A person with no rules for an urgency gets the default over their confirmed methods: push, ntfy, Slack DM and email at once; SMS after 1 minute (low: 5) and, for high urgency, a call after 5 minutes.',
  },
  'PUT /v1/people/{personId}/notification-rules': {
    tag: 'People',
    summary: "Replace a person's notification rules (both urgencies)",
    description:
      'Each rule pages one of the person’s contact methods `afterSeconds` after an escalation level reached them, until the incident is acknowledged. An empty list means the default for that urgency. A rule naming a method that is not theirs answers 400 naming it (`body.high.0.methodId`).',
    example: {
      high: [
        { methodId: 'cm_Xq3v9LmN2pQ', afterSeconds: 0 },
        { methodId: 'cm_R7tY1uI0oPa', afterSeconds: 60 },
      ],
      low: [{ methodId: 'cm_Xq3v9LmN2pQ', afterSeconds: 0 }],
    },
  },
};

/** Whether a route belongs in the API document (the web UI and the docs page do not). */
export function isApiPath(path: unknown): path is string {
  return (
    typeof path === 'string' &&
    /^\/(v1|v2)\/|^\/(healthz|readyz|metrics|openapi\.json|status|status\.json|status\/feed\.atom)$/.test(
      path,
    )
  );
}

const openApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z]+)/g, '{$1}');

type JsonSchema = Record<string, unknown>;

/** The JSON Schema (2020-12, OpenAPI 3.1's dialect) of what a zod schema accepts as input. */
function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = jsonSchemaOf(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, propertySchema]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof propertySchema.description === 'string' ? { description: propertySchema.description } : {}),
    schema: propertySchema,
  }));
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function operationOf(route: CollectedRoute, doc: RouteDoc) {
  const security =
    doc.auth === 'none' ||
    doc.auth === 'routing_key' ||
    doc.auth === 'feed_token' ||
    doc.auth === 'ping_token' ||
    doc.auth === 'slack_signature' ||
    doc.auth === 'twilio_signature' ||
    doc.auth === 'action_token'
      ? []
      : route.queryToken
        ? [{ bearerAuth: [] }, { integrationToken: [] }]
        : [{ bearerAuth: [] }];
  const responses: Record<string, unknown> = {
    [String(doc.success ?? 200)]: {
      description: 'Success',
      content:
        route.path === '/metrics'
          ? { 'text/plain': { schema: { type: 'string' } } }
          : doc.produces
            ? { [doc.produces]: { schema: { type: 'string' } } }
            : { 'application/json': { schema: { type: 'object' } } },
    },
  };
  if (route.schemas.body || route.schemas.query || route.schemas.params)
    responses['400'] = errorResponse('Invalid request: names every bad field');
  if (security.length > 0) {
    responses['401'] = errorResponse('No API key, or not a valid one');
    responses['403'] = errorResponse('The key lacks the scope, or is bound to other services');
  }
  // Every route but the health checks counts against the per-address limit; keyed routes also per key.
  if (route.path !== '/healthz' && route.path !== '/readyz')
    responses['429'] =
      doc.auth === 'routing_key'
        ? {
            description: "Too many events for this routing key (PagerDuty's answer), or from this address",
            content: { 'application/json': { schema: { type: 'object' } } },
          }
        : errorResponse('Rate limited (per address, per key): see Retry-After');
  if (route.schemas.params) responses['404'] = errorResponse('No such resource');
  if (route.method !== 'GET' && route.schemas.params)
    responses['409'] = errorResponse('Not allowed in its current state');
  const operation: Record<string, unknown> = {
    operationId: `${route.method.toLowerCase()}${openApiPath(route.path)
      .replace(/[{}]/g, '')
      .split(/[/.-]/)
      .filter(Boolean)
      .map((p) => p[0]!.toUpperCase() + p.slice(1))
      .join('')}`,
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    security,
    ...(route.scope ? { 'x-fireline-scope': route.scope } : {}),
    parameters: [
      ...parametersOf(route.schemas.params, 'path'),
      ...parametersOf(route.schemas.query, 'query'),
    ],
    responses,
  };
  if (route.schemas.body) {
    operation.requestBody = {
      required: true,
      content: {
        'application/json': {
          schema: jsonSchemaOf(route.schemas.body),
          ...(doc.example !== undefined ? { example: doc.example } : {}),
        },
      },
    };
  }
  return operation;
}

/** The OpenAPI 3.1 document of the app's API routes. */
export function buildOpenApiDocument(app: Express, options: { version: string; serverUrl?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of collectRoutes(app)) {
    if (!isApiPath(route.path)) continue;
    const key = `${route.method} ${openApiPath(route.path)}`;
    const doc = routeDocs[key];
    if (!doc) throw new Error(`api/openapi.ts has no description of ${key}`);
    (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operationOf(route, doc);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fireline API',
      version: options.version,
      description:
        'Incident management and runbook automation on Temporal. Every route but health and this document needs an API key (`Authorization: Bearer <key>`) with the scope named in `x-fireline-scope` (an `admin` key has them all). Errors answer `{"error": {"code", "message", "details"}}`.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [...new Set(Object.values(routeDocs).map((d) => d.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from `fireline keys create`' },
        integrationToken: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description:
            'The same key in the URL, for webhook senders that cannot set headers (redacted from logs)',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', examples: ['validation_failed'] },
                message: { type: 'string' },
                details: {
                  description: 'For validation_failed: the list of {field, message}',
                },
              },
            },
          },
        },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
