import { condition, uuid4, workflowInfo } from '@temporalio/workflow';
import type { MajorResponsePlan } from '../../domain/incident';
import { emergencyTriage } from '../../domain/triage';
import { failureMessage } from '../../domain/failure';
import { bridgeOptions, createBridge, lookupOptions, lookups } from './activity-proxies';
import { freshEscalation } from '../../domain/escalation';
import { newIncidentId } from './ids';
import { type IncidentState, now } from './state';
import { firelineActor, integrationActor } from '../../domain/actors';

/**
 * Identification and triage: waits for the first trigger (signal-with-start
 * delivers it), triages it and opens the incident.
 */
export async function openIncident(state: IncidentState): Promise<void> {
  await condition(() => state.inbox.events.some((event) => event.action === 'trigger'));
  const first = state.inbox.events.find((event) => event.action === 'trigger')!;
  const { triage, policy, warnings, response } = await lookups.triageAlert
    .executeWithOptions({ ...lookupOptions, summary: `triage: ${first.service} ${first.severity}` }, [first])
    .catch((err: unknown) => emergencyTriage(first, failureMessage(err)));
  const info = workflowInfo();
  state.incident = {
    incidentId: newIncidentId(uuid4()),
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
  state.record('incident.opened', integrationActor(first.integration), `Incident opened: ${first.summary}`, {
    service: first.service,
    dedupKey: first.dedupKey,
  });
  state.record(
    'triage',
    firelineActor,
    `Rule "${triage.ruleId}" matched: ${triage.severity} ${triage.priority}${triage.major ? ' major incident' : ''}, ` +
      `team ${triage.team}, escalation policy ${policy.id}`,
    { ...triage },
  );
  for (const warning of warnings) state.record('triage', firelineActor, `Triage problem: ${warning}`);
  if (triage.major) openMajorResponse(state, response ?? {});
  state.publish();
  state.drainInbox();
}

/**
 * A fixed bridge is there before the first page; one the team's webhook
 * creates follows in the background (paging does not wait for it), and the
 * messages sent from then on carry it.
 */
function openMajorResponse(state: IncidentState, plan: MajorResponsePlan): void {
  state.openResponse(plan);
  if (!plan.bridgeWebhook) return;
  const current = state.current;
  void createBridge
    .executeWithOptions({ ...bridgeOptions, summary: `create bridge for team ${current.team}` }, [
      {
        incidentId: current.incidentId,
        title: current.title,
        service: current.service,
        severity: current.severity,
        team: current.team,
        policyId: current.escalation.policy.id,
      },
    ])
    .then(
      ({ url }) => state.setBridge({ url }),
      (err: unknown) => state.setBridge({ problem: `the bridge webhook failed: ${failureMessage(err)}` }),
    );
}

/** Continued as new: the run id changes; the incident keeps its id and goes on where it was. */
export function resumeIncident(state: IncidentState): void {
  state.current.runId = workflowInfo().runId;
  state.drainInbox();
}
