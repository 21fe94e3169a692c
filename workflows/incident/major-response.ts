import type { MajorResponsePlan } from '../../domain/incident';
import { failureMessage } from '../../domain/failure';
import { openingResponse } from '../../domain/major-response';
import { firelineActor } from '../../domain/actors';
import { bridgeOptions, createBridge } from './activity-proxies';
import { type IncidentState, now } from './state';

/**
 * Triage marked the incident major: the response opens with a commander role
 * to claim and the responders (who is paged, who acts). A fixed bridge is
 * there before the first page; one the team's webhook creates follows in the
 * background (paging does not wait for it), and the messages sent from then on carry it.
 */
export function openMajorResponse(state: IncidentState, plan: MajorResponsePlan): void {
  const current = state.current;
  const { response, message, data } = openingResponse(plan, current.team, now());
  current.response = response;
  state.record('response.opened', firelineActor, message, data);
  if (!plan.bridgeWebhook) return;
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
      ({ url }) => setBridge(state, { url }),
      (err: unknown) => setBridge(state, { problem: `the bridge webhook failed: ${failureMessage(err)}` }),
    );
}

/** The bridge the team's webhook created, or why there is none. */
function setBridge(state: IncidentState, outcome: { url: string } | { problem: string }): void {
  const response = state.current.response;
  if (!response) return;
  if ('url' in outcome) {
    response.bridgeUrl = outcome.url;
    response.bridgeProblem = undefined;
    state.record('response.updated', firelineActor, `Bridge created: ${outcome.url}`, {
      bridgeUrl: outcome.url,
    });
  } else {
    response.bridgeProblem = outcome.problem;
    state.record('response.updated', firelineActor, `No bridge: ${outcome.problem}`);
  }
}
