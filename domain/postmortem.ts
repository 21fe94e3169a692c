// Post-mortem types shared by the workflow, activities and the API (JSON-safe).
import type { IncidentAlert, IncidentSeverity, Priority, RunbookRunSummary, SlaBreach } from './incident';

export const postmortemStatuses = ['draft', 'in-review', 'published'] as const;
export type PostmortemStatus = (typeof postmortemStatuses)[number];

export const actionItemStatuses = ['open', 'in-progress', 'done', 'wont-do'] as const;
export type ActionItemStatus = (typeof actionItemStatuses)[number];

export interface ActionItem {
  title: string;
  owner: string;
  /** YYYY-MM-DD */
  dueDate?: string;
  status: ActionItemStatus;
  link?: string;
}

/** One line of the post-mortem's timeline: an incident timeline entry, repeats of an alert folded. */
export interface PostmortemTimelineEntry {
  at: string;
  type: string;
  actor: string;
  message: string;
  /** Entries this line stands for (alerts in a row fold into one). */
  count: number;
  /** On an alert line: the alerts it stands for (folded repeats count as many). */
  alerts?: number;
  /** Sequence numbers in the incident's timeline. */
  seqFrom: number;
  seqTo: number;
}

export interface PostmortemMetrics {
  /** Alert's own time → incident opened. */
  timeToDetectSeconds: number | null;
  timeToAcknowledgeSeconds: number | null;
  timeToMitigateSeconds: number | null;
  timeToResolveSeconds: number | null;
}

export interface Responder {
  actor: string;
  roles: string[];
}

export interface Postmortem {
  postmortemId: string;
  incidentId: string;
  title: string;
  summary: string;
  service: string;
  severity: IncidentSeverity;
  priority: Priority;
  team: string;
  major: boolean;
  /** The incident's alerts, with how often each fired. */
  alerts?: IncidentAlert[];
  /** A major incident's response: its bridge and commander. */
  response?: { bridgeUrl?: string; commander?: string; openedAt: string };
  /** The incident's labels and annotations, names exactly as the alert sent them. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: PostmortemStatus;
  owner: string;
  times: {
    startedAt: string;
    detectedAt: string;
    acknowledgedAt: string | null;
    mitigatedAt: string | null;
    resolvedAt: string;
  };
  durationSeconds: number;
  metrics: PostmortemMetrics;
  timeline: PostmortemTimelineEntry[];
  responders: Responder[];
  runbooks: RunbookRunSummary[];
  slaBreaches: SlaBreach[];
  rootCause: string;
  contributingFactors: string[];
  mitigators: string[];
  lessonsLearned: string;
  actionItems: ActionItem[];
  /** Questions for the review where Fireline could not fill a field in. */
  prompts: Record<string, string>;
  /** Review reminders sent; `key` (`<postmortem>:reminder-<n>`) tells a retried one apart from the next. */
  reminders: Array<{ at: string; escalated: boolean; key?: string }>;
  generatedAt: string;
  updatedAt: string;
}
