import { thousands } from './alert-repeats';
import type { Incident, TimelineEntry } from './incident';
import type { Postmortem, PostmortemTimelineEntry, Responder } from './postmortem';
import { commanderActor, isAutomatedActor, isRunbookActor, runbookActor } from './actors';

function secondsBetween(from: string | undefined, to: string | undefined): number | null {
  if (!from || !to) return null;
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

/** Alerts an entry stands for: an alert's triggers (one, unless some were folded into it), the count of folded repeats, none for anything else. */
function alertsIn(entry: TimelineEntry): number {
  if (entry.type === 'alert') return Number(entry.data?.triggers ?? 1) || 1;
  if (entry.type === 'alert.repeated') return Number(entry.data?.count ?? 0) || 1;
  return 0;
}

/**
 * Every timeline entry in order; a run of alerts (and their folded repeats)
 * becomes one line, which says how many alerts it stands for.
 */
export function foldTimeline(entries: TimelineEntry[]): PostmortemTimelineEntry[] {
  const lines: PostmortemTimelineEntry[] = [];
  let runAlerts = 0;
  let runFirst = '';
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    const last = lines[lines.length - 1];
    const alerts = alertsIn(entry);
    if (alerts > 0 && last?.type === 'alert' && runAlerts > 0) {
      runAlerts += alerts;
      last.count += 1;
      last.seqTo = entry.seq;
      last.alerts = runAlerts;
      last.message = `${thousands(runAlerts)} alerts, first: ${runFirst}`;
      continue;
    }
    runAlerts = alerts;
    runFirst = entry.message;
    lines.push({
      at: entry.at,
      type: alerts > 0 ? 'alert' : entry.type,
      actor: entry.actor,
      message: entry.message,
      count: 1,
      ...(alerts > 0 ? { alerts } : {}),
      seqFrom: entry.seq,
      seqTo: entry.seq,
    });
  }
  return lines;
}

/** People (and runbooks) who acted, with what they did. */
export function respondersOf(incident: Incident, entries: TimelineEntry[]): Responder[] {
  const roles = new Map<string, Set<string>>();
  const add = (actor: string | undefined, role: string) => {
    if (!actor || isAutomatedActor(actor)) return;
    if (!roles.has(actor)) roles.set(actor, new Set());
    roles.get(actor)!.add(role);
  };
  if (incident.commander) add(commanderActor(incident.commander), 'commander');
  // Those who acted are named by what they did, below; the response adds who was paged and did not.
  for (const responder of incident.response?.responders ?? [])
    if (responder.how === 'paged') add(responder.actor, 'paged');
  add(incident.acknowledgedBy, 'acknowledged');
  add(incident.resolvedBy, 'resolved');
  const byType: Record<string, string> = {
    note: 'notes',
    updated: 'updated the incident',
    escalated: 'escalated',
    snoozed: 'snoozed',
    'approval.decided': 'approver',
    'runbook.started': 'ran a runbook',
  };
  for (const entry of entries) {
    const role = byType[entry.type];
    if (role) add(entry.actor, role);
  }
  return [...roles].map(([actor, set]) => ({ actor, roles: [...set] }));
}

/** Room the pre-filled root cause may take, well inside the model's 20,000 characters, leaving reviewers space. */
const ROOT_CAUSE_FINDINGS_BUDGET = 8_000;

/** The root cause pre-filled from runbook findings, newest last, shortened to a budget with a pointer to the timeline. */
export function rootCauseFromFindings(findings: string[]): string {
  if (findings.length === 0) return '';
  const heading = 'What the runbooks found:';
  const kept: string[] = [];
  let used = heading.length;
  for (const finding of findings) {
    const line = `\n- ${finding.slice(0, 500)}`;
    if (used + line.length > ROOT_CAUSE_FINDINGS_BUDGET) break;
    kept.push(line);
    used += line.length;
  }
  const omitted = findings.length - kept.length;
  return `${heading}${kept.join('')}${omitted > 0 ? `\n- … and ${omitted} more runbook step(s): see the timeline` : ''}`;
}

/**
 * The draft post-mortem of a resolved incident, from its durable record:
 * times, metrics, the whole timeline, responders, runbooks and SLA breaches.
 */
export function buildPostmortem(
  postmortemId: string,
  incident: Incident,
  entries: TimelineEntry[],
  now: Date,
): Postmortem {
  const resolvedAt = incident.resolvedAt ?? now.toISOString();
  const durationSeconds = secondsBetween(incident.firstAlertAt, resolvedAt) ?? 0;
  const runbookFindings = entries
    .filter((e) => e.type === 'runbook.step' && e.data && e.data.outcome !== 'running')
    .map((e) => e.message);
  const mitigators = [
    ...incident.runbookRuns.filter((r) => r.status === 'succeeded').map((r) => runbookActor(r.runbookId)),
    ...(incident.resolvedBy && !isRunbookActor(incident.resolvedBy) ? [incident.resolvedBy] : []),
  ];
  return {
    postmortemId,
    incidentId: incident.incidentId,
    title: incident.title,
    summary:
      `${incident.severity} ${incident.priority}${incident.major ? ' major incident' : ''} on ${incident.service}: ${incident.title}. ` +
      `${incident.alertCount} alert(s); resolved by ${incident.resolvedBy ?? 'unknown'}${incident.resolutionNote ? ` (${incident.resolutionNote})` : ''} ` +
      `after ${Math.round(durationSeconds / 60)} min.`,
    service: incident.service,
    severity: incident.severity,
    priority: incident.priority,
    team: incident.team,
    major: incident.major,
    ...(incident.alerts?.length ? { alerts: incident.alerts } : {}),
    ...(incident.response
      ? {
          response: {
            openedAt: incident.response.openedAt,
            ...(incident.response.bridgeUrl ? { bridgeUrl: incident.response.bridgeUrl } : {}),
            ...(incident.commander ? { commander: commanderActor(incident.commander) } : {}),
          },
        }
      : {}),
    labels: incident.labels,
    annotations: incident.annotations,
    status: 'draft',
    owner: incident.commander
      ? commanderActor(incident.commander)
      : (incident.acknowledgedBy ?? `team:${incident.team}`),
    times: {
      startedAt: incident.firstAlertAt,
      detectedAt: incident.openedAt,
      acknowledgedAt: incident.acknowledgedAt ?? null,
      mitigatedAt: incident.mitigatedAt ?? null,
      resolvedAt,
    },
    durationSeconds,
    metrics: {
      timeToDetectSeconds: secondsBetween(incident.firstAlertAt, incident.openedAt),
      timeToAcknowledgeSeconds: secondsBetween(incident.openedAt, incident.acknowledgedAt),
      timeToMitigateSeconds: secondsBetween(incident.openedAt, incident.mitigatedAt),
      timeToResolveSeconds: secondsBetween(incident.openedAt, incident.resolvedAt),
    },
    timeline: foldTimeline(entries),
    responders: respondersOf(incident, entries),
    runbooks: incident.runbookRuns,
    slaBreaches: incident.slaBreaches ?? [],
    rootCause: rootCauseFromFindings(runbookFindings),
    contributingFactors: [],
    mitigators,
    lessonsLearned: '',
    actionItems: [],
    prompts: {
      rootCause: 'What failed, and why did it fail then and not before?',
      contributingFactors: 'What made it worse or slower to detect, escalate or fix?',
      lessonsLearned: 'What went well, what went badly, and where did we get lucky?',
      actionItems: 'What will we change so this does not happen again, who owns it, and by when?',
    },
    reminders: [],
    generatedAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}
