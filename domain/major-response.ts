// A major incident's response: the bridge, and who responds (paged, or acting).
import type { IncidentResponse, MajorResponsePlan, Responder } from './incident';

/**
 * The response as it opens, with the bridge the catalog names (or one a
 * webhook is creating), and what the timeline says about it.
 */
export function openingResponse(
  plan: MajorResponsePlan,
  team: string,
  at: string,
): { response: IncidentResponse; message: string; data: Record<string, unknown> } {
  const response: IncidentResponse = {
    openedAt: at,
    ...(plan.bridgeUrl ? { bridgeUrl: plan.bridgeUrl } : {}),
    ...(!plan.bridgeUrl && !plan.bridgeWebhook
      ? { bridgeProblem: `no bridge is configured for team ${team}` }
      : {}),
    responders: [],
  };
  const bridge = plan.bridgeUrl
    ? `bridge ${plan.bridgeUrl}`
    : plan.bridgeWebhook
      ? 'a bridge is being created'
      : `no bridge configured for team ${team}`;
  return {
    response,
    message: `Major incident response opened: ${bridge}; the incident commander role is open to claim`,
    data: { ...(plan.bridgeUrl ? { bridgeUrl: plan.bridgeUrl } : {}) },
  };
}

/** Adds a responder; someone paged who then acts is responding. Answers whether the list changed. */
export function addResponder(
  responders: Responder[],
  actor: string,
  how: Responder['how'],
  at: string,
): boolean {
  const known = responders.find((r) => r.actor === actor);
  if (!known) responders.push({ actor, how, since: at });
  else if (known.how === 'paged' && how === 'acted') known.how = 'acted';
  else return false;
  return true;
}
