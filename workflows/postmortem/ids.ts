// Every name a post-mortem goes by, built and checked here and nowhere else.
// A post-mortem is keyed by its incident: INC-0123456789AB has PM-0123456789AB.

export const postmortemIdPattern = /^PM-[A-Z0-9]{12}$/;

export function postmortemIdOf(incidentId: string): string {
  return `PM-${incidentId.replace(/^INC-/, '')}`;
}

/** The review's workflow id in the Temporal Web UI: `postmortem:INC-0123456789AB`. */
export function postmortemWorkflowId(incidentId: string): string {
  return `postmortem:${incidentId}`;
}
