// Types shared by the incident workflow, its activities and the API.
// Everything here is JSON-safe: timestamps are ISO-8601 strings.
import type { ApprovalRequest, RunbookStatus } from './runbook';
import type { AlertSeverity, IncidentSeverity } from './severity';
import type { MaintenanceHold } from './maintenance-hold';

export { alertSeverities, incidentSeverities, type AlertSeverity, type IncidentSeverity } from './severity';

export const eventActions = ['trigger', 'acknowledge', 'resolve'] as const;
export type EventAction = (typeof eventActions)[number];

export const priorities = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;
export type Priority = (typeof priorities)[number];

export const incidentStatuses = ['triggered', 'acknowledged', 'snoozed', 'resolved'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

/** Where an incident's first event came from: an alert source, or a person who declared it. */
export type Integration = 'native' | 'pagerduty' | 'alertmanager' | 'grafana' | 'declared' | 'heartbeat';

/**
 * A person's declaration of an incident (the "user reports" way one is
 * identified): set by the API from what the person typed and who they are,
 * never by an alert sender.
 */
export interface Declaration {
  /** The incident's id, chosen by the API so it can answer with it at once. */
  incidentId: string;
  /** `user:<person id>`: who declared it. */
  by: string;
  /** Their name, as the timeline says it. */
  name: string;
  /** As declared: triage keeps it. */
  severity: IncidentSeverity;
  /** What is happening, in their words. */
  description?: string;
  /** Where they declared it, when not the API or web UI: `Slack`. */
  via?: string;
}

export interface AlertLink {
  href: string;
  text?: string;
}

/** One alert event from any integration, normalized by the API before it reaches the workflow. */
export interface AlertEvent {
  /** Unique per received event; keys idempotent writes. */
  eventId: string;
  integration: Integration;
  service: string;
  dedupKey: string;
  action: EventAction;
  summary: string;
  severity: AlertSeverity;
  source?: string;
  component?: string;
  group?: string;
  class?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  links: AlertLink[];
  details?: Record<string, unknown>;
  /** When the monitoring system says it happened. */
  occurredAt: string;
  /** When Fireline received it. */
  receivedAt: string;
  /** Set by the API from the grouping rules: the group whose incident the event joins. */
  grouping?: AlertGrouping;
  /** Set by the workflow, never by a sender: more triggers of this alert folded into this one. */
  repeats?: number;
  /** Set by the workflow, never by a sender: triggers of other alerts that came after this one, counted but not kept. */
  otherTriggers?: number;
  /** Set by the API when a person declared the incident (integration `declared`). */
  declared?: Declaration;
}

/** How an alert was grouped, carried on the event to its incident (the API sets it from the rules, never from the sender). */
export interface AlertGrouping {
  ruleId: string;
  /** The grouped fields' values, in the rule's order. */
  values: string[];
  resolve: 'all-resolved' | 'manual';
  /** Time-based grouping: the quiet spell, in seconds, after which the group's next alert opens a new incident. */
  windowSeconds?: number;
}

/** One alert of an incident (one dedup key): how often it fired, and whether it still fires. */
export interface IncidentAlert {
  dedupKey: string;
  summary: string;
  severity: AlertSeverity;
  integration: Integration;
  source?: string;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Triggers received for it. */
  count: number;
  state: 'firing' | 'resolved';
  resolvedAt?: string;
}

/**
 * Alerts past what an incident lists (see domain/incident-alerts.ts): counted,
 * and followed by a 64-bit hash of their dedup key while there is room. The
 * API keeps every alert's record in MongoDB (alert_routes).
 */
export interface UnlistedAlerts {
  count: number;
  /** Hashes of the dedup keys of unlisted alerts firing now. */
  firing: string[];
  /** Hashes of the dedup keys of unlisted alerts that resolved. */
  resolved: string[];
  /** Unlisted alerts past the number followed: their state is not known. */
  untracked: number;
}

/** The failure type of a save MongoDB refused: retrying the same document cannot succeed. */
export const saveRefusedType = 'IncidentSaveRefused';

export type Impact = 'high' | 'medium' | 'low';
export type Urgency = 'high' | 'medium' | 'low';

/** What triage decided, and by which rule. */
export interface TriageResult {
  ruleId: string;
  ruleDescription?: string;
  impact: Impact;
  urgency: Urgency;
  severity: IncidentSeverity;
  priority: Priority;
  major: boolean;
  team: string;
  escalationPolicyId: string;
  /** Runbooks to run automatically, in order, with their parameters. */
  runbooks: RunbookInvocation[];
  /** Response targets for the incident's severity (absent on incidents triaged before SLAs existed). */
  sla?: SlaTarget;
}

export interface SlaTarget {
  acknowledgeWithinSeconds: number;
  resolveWithinSeconds: number;
}

export interface SlaBreach {
  kind: 'acknowledge' | 'resolve';
  /** When the target passed. */
  at: string;
  targetSeconds: number;
}

export interface RunbookInvocation {
  id: string;
  params: Record<string, unknown>;
  /** Set by triage: parameters the alert carried that the runbook does not take from alerts (names only). */
  ignoredFromAlert?: string[];
}

/** Who a level pages: a person, whoever a schedule has on call, every member of a team, or a channel. */
export type TargetRef =
  | { type: 'person'; id: string }
  | { type: 'schedule'; id: string }
  | { type: 'team'; id: string }
  | { type: 'channel'; id: string };

export interface EscalationLevel {
  /** Wait this long for an acknowledgement before notifying the next level. */
  delaySeconds: number;
  targets: TargetRef[];
  /** Page one of the people the targets reach, in turn across incidents. */
  roundRobin?: boolean;
}

/**
 * The escalation policy as it was when the incident was triaged: its levels'
 * delays are the incident's timers; each step's targets are read from the
 * policy as it is then (`stepTargetsNow`), this copy standing in when it is gone.
 */
export interface EscalationPolicySnapshot {
  id: string;
  name: string;
  levels: EscalationLevel[];
  /** How many more times the whole policy runs after the first pass. */
  repeat: number;
  /** Notified once when every level of every pass went unacknowledged. */
  fallback: TargetRef[];
}

/** The policy of an incident whose rule names none that exists: nobody is paged, and the timeline says so. */
export function noEscalationPolicy(): EscalationPolicySnapshot {
  return { id: 'none', name: 'No escalation policy', levels: [], repeat: 0, fallback: [] };
}

export interface EscalationState {
  policy: EscalationPolicySnapshot;
  /** 0-based pass through the policy. */
  round: number;
  /** 0-based level within the pass. */
  level: number;
  /** Whether the current level has been notified. */
  levelNotified: boolean;
  /** When the current level times out and the next one is notified. */
  nextEscalationAt?: string;
  exhausted: boolean;
  /** Whether the fallback targets were notified after the policy was exhausted. */
  fallbackNotified: boolean;
}

export type TimelineType =
  | 'alert'
  | 'alert.resolved'
  | 'alert.repeated'
  | 'incident.opened'
  | 'triage'
  | 'notification.sent'
  | 'notification.failed'
  | 'escalation.level'
  | 'escalation.exhausted'
  | 'acknowledged'
  | 'snoozed'
  | 'snooze.expired'
  | 'escalated'
  | 'resolved'
  | 'note'
  | 'updated'
  | 'runbook.started'
  | 'runbook.step'
  | 'runbook.succeeded'
  | 'runbook.failed'
  | 'runbook.outcome_unknown'
  | 'approval.requested'
  | 'approval.decided'
  | 'mitigated'
  | 'sla.breached'
  | 'save.failed'
  | 'response.opened'
  | 'response.updated'
  | 'commander.claimed'
  | 'postmortem.started'
  | 'maintenance';

export interface TimelineEntry {
  /** Position in the incident's timeline, from 1. */
  seq: number;
  at: string;
  type: TimelineType;
  /** Who or what did it: `user:alice`, `integration:pagerduty`, `fireline`. */
  actor: string;
  message: string;
  data?: Record<string, unknown>;
}

/** The incident as the workflow holds it, queried live and saved to MongoDB at every change. */
export interface Incident {
  incidentId: string;
  workflowId: string;
  runId: string;
  service: string;
  dedupKey: string;
  integration: Integration;
  title: string;
  status: IncidentStatus;
  severity: IncidentSeverity;
  priority: Priority;
  major: boolean;
  team: string;
  commander?: string;
  triage: TriageResult;
  escalation: EscalationState;
  alertCount: number;
  firstAlertAt: string;
  lastAlertAt: string;
  openedAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  snoozedUntil?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  resolutionNote?: string;
  /** The first alert's labels and annotations, names exactly as sent. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  links: AlertLink[];
  /** Set when a runbook remediated and verified the fix. */
  mitigatedAt?: string;
  /** The latest runbook runs, and every one still running. */
  runbookRuns: RunbookRunSummary[];
  /** Finished runs dropped from `runbookRuns` (the oldest first) to keep the incident's size bounded. */
  unlistedRunbookRuns?: number;
  /** SLA targets missed, in order. */
  slaBreaches?: SlaBreach[];
  /** Approvals runbooks asked for: every pending one, and the latest decided. */
  approvals: ApprovalRequest[];
  /** Decided approvals dropped from `approvals` (the oldest first) to keep the incident's size bounded. */
  unlistedApprovals?: number;
  /** A major incident's response: its bridge and responders (the commander is `commander`). */
  response?: IncidentResponse;
  /**
   * The incident's alerts, one per dedup key (absent on incidents opened
   * before alerts were kept). A grouping rule brings several.
   */
  alerts?: IncidentAlert[];
  /** Alerts that did not fit the list, counted. */
  unlistedAlerts?: UnlistedAlerts;
  /** The grouping rule that folds alerts into this incident, if one does. */
  grouping?: AlertGrouping;
  /** Who was paged, level by level (the newest last). */
  pages?: PageRecord[];
  /** Catalog ids of the chat channels holding this incident's message (the Slack app), kept up to date. */
  chatChannels?: string[];
  /**
   * The maintenance window the incident opened in: while `holding`, nobody is
   * paged; kept once it ended, to show the incident opened in one.
   */
  maintenance?: MaintenanceHold & { holding: boolean };
  /** Incremented at every change; saves with a lower version are ignored. */
  version: number;
  /** Number of timeline entries so far. */
  timelineLength: number;
}

/** What triage found for a major incident's response in the catalog. */
export interface MajorResponsePlan {
  /** A fixed bridge (Zoom, Meet, Teams URL). */
  bridgeUrl?: string;
  /** The team's webhook creates a bridge. */
  bridgeWebhook?: boolean;
}

export interface Responder {
  /** `user:<person id>`. */
  actor: string;
  /** Paged by the escalation, or acted on the incident. */
  how: 'paged' | 'acted';
  since: string;
}

export interface IncidentResponse {
  openedAt: string;
  bridgeUrl?: string;
  /** Why there is no bridge (none configured, the webhook failed). */
  bridgeProblem?: string;
  responders: Responder[];
}

/** One escalation step's pages: what the timeline's notification entries say, in short. */
export interface PageRecord {
  /** `level 1 (pass 1 of 2)`, `fallback`. */
  reason: string;
  at: string;
  /** Delivery labels: `schedule sre-primary → alice (email)`. */
  targets: string[];
  /** Person ids reached. */
  people: string[];
}

/** Everything a notification needs to say about the incident. */
export interface NotificationContext {
  incidentId: string;
  title: string;
  service: string;
  severity: IncidentSeverity;
  priority: Priority;
  status: IncidentStatus;
  major: boolean;
  team: string;
  alertCount: number;
  /** The first alert's labels, names exactly as sent. */
  labels: Record<string, string>;
  links: AlertLink[];
  /** Why it is sent: `level 1 (pass 1 of 2)`, `fallback`. */
  reason: string;
  /** Set on a major incident once its response is opened: names as people read them. */
  response?: { bridgeUrl?: string; commander?: string; responders: string[] };
  /** Person ids this page reaches (a Slack message mentions them). */
  paged?: string[];
}

/** `sms`, `voice`, `push`, `ntfy` and `slack_dm` reach a person's verified contact method (`contact:<person>:<method>`). */
export type ChannelType =
  'slack' | 'teams' | 'webhook' | 'email' | 'sms' | 'voice' | 'push' | 'ntfy' | 'slack_dm';

/** One message to one destination, planned from the escalation targets. */
export interface PlannedDelivery {
  /** Stable within an incident and level: keys the idempotency of the send. */
  deliveryId: string;
  channelType: ChannelType;
  /** Directory id of the channel, of the person for email, or `contact:<person>:<method>`. */
  destination: string;
  /** Human-readable: `schedule primary → alice (email)`. */
  label: string;
  /** The person it reaches, when it reaches one. */
  personId?: string;
}

/** A target that could not be turned into a delivery (for example nobody on call). */
export interface UnreachableTarget {
  target: TargetRef;
  reason: string;
}

export interface RunbookRunSummary {
  runId: string;
  runbookId: string;
  status: RunbookStatus;
  requestedBy: string;
  startedAt: string;
  endedAt?: string;
  reason?: string;
}
