import { condition, uuid4, workflowInfo } from '@temporalio/workflow';
import { emergencyTriage } from '../../domain/triage';
import { failureMessage } from '../../domain/failure';
import { lookupOptions, lookups } from './activity-proxies';
import type { AlertIntake } from './alert-intake';
import type { IncidentMaintenance } from './maintenance';
import { openMajorResponse } from './major-response';
import { freshEscalation } from '../../domain/escalation';
import { newIncidentId } from './ids';
import { type IncidentState, now } from './state';
import { firelineActor, integrationActor } from '../../domain/actors';
import type { AlertEvent } from '../../domain/incident';

/**
 * Identification and triage: waits for the first trigger (signal-with-start
 * delivers it), triages it and opens the incident.
 */
export async function openIncident(
  state: IncidentState,
  intake: AlertIntake,
  maintenance: IncidentMaintenance,
): Promise<void> {
  await condition(() => intake.waiting.events.some((event) => event.action === 'trigger'));
  const first = intake.waiting.events.find((event) => event.action === 'trigger')!;
  const {
    triage,
    policy,
    warnings,
    response,
    maintenance: hold,
  } = await lookups.triageAlert
    .executeWithOptions({ ...lookupOptions, summary: `triage: ${first.service} ${first.severity}` }, [first])
    .catch((err: unknown) => emergencyTriage(first, failureMessage(err)));
  const info = workflowInfo();
  state.incident = {
    incidentId: first.declared?.incidentId ?? newIncidentId(uuid4()),
    workflowId: info.workflowId,
    runId: info.runId,
    service: first.service,
    dedupKey: first.dedupKey,
    integration: first.integration,
    title: first.summary,
    status: 'triggered',
    severity: triage.severity,
    priority: triage.priority,
    major: triage.major,
    team: triage.team,
    triage,
    escalation: freshEscalation(policy),
    alertCount: 0,
    firstAlertAt: first.occurredAt,
    lastAlertAt: first.occurredAt,
    openedAt: now(),
    labels: first.labels,
    annotations: first.annotations,
    links: first.links,
    runbookRuns: [],
    approvals: [],
    alerts: [],
    ...(first.grouping ? { grouping: first.grouping } : {}),
    version: 0,
    timelineLength: 0,
  };
  recordOpening(state, first);
  state.record(
    'triage',
    firelineActor,
    `Rule "${triage.ruleId}" matched: ${triage.severity} ${triage.priority}${triage.major ? ' major incident' : ''}, ` +
      `team ${triage.team}, escalation policy ${policy.id}`,
    { ...triage },
  );
  for (const warning of warnings) state.record('triage', firelineActor, `Triage problem: ${warning}`);
  if (hold) maintenance.hold(hold);
  if (triage.major) openMajorResponse(state, response ?? {});
  state.publish();
  intake.applyWaiting();
}

/** The first entry: who declared the incident and what they said, or the alert source that opened it. */
function recordOpening(state: IncidentState, first: AlertEvent): void {
  const data = { service: first.service, dedupKey: first.dedupKey };
  const declared = first.declared;
  if (!declared) {
    state.record(
      'incident.opened',
      integrationActor(first.integration),
      `Incident opened: ${first.summary}`,
      data,
    );
    return;
  }
  const where = declared.via ? ` (via ${declared.via})` : '';
  state.record(
    'incident.opened',
    declared.by,
    `Declared by ${declared.name}${where}: ${declared.description ?? first.summary}`,
    { ...data, declaredSeverity: declared.severity, ...(declared.via ? { via: declared.via } : {}) },
  );
}

/** Continued as new: the run id changes; the incident keeps its id and goes on where it was. */
export function resumeIncident(state: IncidentState, intake: AlertIntake): void {
  state.current.runId = workflowInfo().runId;
  intake.applyWaiting();
}
