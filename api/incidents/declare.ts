import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AlertEvent, Declaration } from '../../domain/incident';
import { alertSeverityOfIncident, incidentSeverities } from '../../domain/severity';
import { triage } from '../../domain/triage';
import { newIncidentId } from '../../workflows/incident/ids';
import { incidentQuery } from '../../workflows/incident/messages';
import { text } from '../actions/fields';
import { createAlertRouteStore } from '../alerts/route-store';
import { serviceName } from '../alerts/schemas';
import type { ApiDeps } from '../deps';
import { accessFor, requireScopeOf, type Acting } from '../identity';
import { deliverAlertEvent, type DeliveryDeps } from './alert-delivery';

/** What a person says to declare an incident: the JSON body, the web UI's form, Slack's modal, the CLI's flags. */
export const declarationSchema = z
  .object({
    service: serviceName,
    title: text(1024, 'say in a few words what is wrong'),
    severity: z.enum(incidentSeverities, { error: 'choose a severity: SEV1, SEV2, SEV3 or SEV4' }),
    description: text(4000).optional(),
  })
  .strict();
export type DeclarationInput = z.output<typeof declarationSchema>;

/** The scope declaring takes: a responder's (or an admin's) on the incident's team or service. */
export const DECLARE_SCOPE = 'incidents:write';

export interface DeclaredIncident {
  incidentId: string;
  workflowId: string;
  service: string;
  severity: DeclarationInput['severity'];
  /** The team triage gives it, as the rights were checked against (absent without the API's triage rules). */
  team?: string;
  /** `open` once the workflow answered with the opened incident; `recorded` when it has not yet (no worker). */
  state: 'open' | 'recorded';
}

/** How long the answer waits for the workflow to open the incident it recorded (triage is an activity). */
const OPEN_WAIT_MS = 5_000;

/**
 * Opens an incident a person declares, by every surface (the JSON API, the web
 * UI, Slack, the CLI through the API): the person's rights checked as for every
 * action (the scope, then their rights on the team triage gives the service and
 * on the service), then the same signal-with-start as an alert's, with a dedup
 * key of its own (`declared:<uuid>`), so triage and paging run as for any alert.
 * Answers once Temporal recorded it.
 */
export async function declareIncident(
  deps: ApiDeps,
  input: DeclarationInput,
  acting: Acting,
  options: { openWaitMs?: number } = {},
): Promise<DeclaredIncident> {
  requireScopeOf(acting, DECLARE_SCOPE);
  const uuid = randomUUID();
  const declaration: Declaration = {
    incidentId: newIncidentId(uuid),
    by: acting.actor,
    name: acting.person.name,
    severity: input.severity,
    ...(input.description ? { description: input.description } : {}),
    ...(acting.via ? { via: acting.via } : {}),
  };
  const now = new Date().toISOString();
  const event: AlertEvent = {
    eventId: uuid,
    integration: 'declared',
    service: input.service,
    dedupKey: `declared:${uuid}`,
    action: 'trigger',
    summary: input.title,
    severity: alertSeverityOfIncident(input.severity),
    labels: {},
    annotations: input.description ? { description: input.description } : {},
    links: [],
    occurredAt: now,
    receivedAt: now,
    declared: declaration,
  };
  // The team the worker's triage will give it, for rights held by team (the same rules, in the repo).
  const team = deps.triageRules ? triage(event, deps.triageRules).team : undefined;
  accessFor(
    acting,
    DECLARE_SCOPE,
  )({ incidentId: `a new incident of ${input.service}`, service: input.service, team: team ?? '' });
  // Never grouped, so no alert route is kept for it: the store is only the delivery's contract.
  const delivery: DeliveryDeps = {
    temporal: deps.temporal,
    config: deps.config,
    groupingRules: deps.groupingRules,
    alertRoutes: createAlertRouteStore(deps),
  };
  const { workflowId } = await deliverAlertEvent(delivery, event);
  const opened = await openedWithin(
    deps,
    workflowId,
    declaration.incidentId,
    options.openWaitMs ?? OPEN_WAIT_MS,
  );
  const state = opened ? 'open' : 'recorded';
  return {
    incidentId: declaration.incidentId,
    workflowId,
    service: input.service,
    severity: input.severity,
    ...(team ? { team } : {}),
    state,
  };
}

/** Whether the workflow answers with the incident opened within `waitMs`: its page is then there to open. */
async function openedWithin(
  deps: ApiDeps,
  workflowId: string,
  incidentId: string,
  waitMs: number,
): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  const handle = deps.temporal.workflow.getHandle(workflowId);
  while (Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    // A query waits for a worker: with none running, the answer must not wait for it.
    const opened = await Promise.race([
      handle
        .query(incidentQuery)
        .then((incident) => incident?.incidentId === incidentId)
        .catch(() => false),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadline - Date.now()))),
    ]);
    clearTimeout(timer);
    if (opened) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
