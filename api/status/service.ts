import { z } from 'zod';
import {
  type ComponentState,
  type PublicUpdate,
  type ScheduledMaintenance,
  type StatusSnapshot,
  HISTORY_DAYS,
  RECENT_RESOLVED_DAYS,
  componentIdPattern,
  componentStates,
  componentStatus,
  publicUpdateStatuses,
  statusSnapshot,
} from '../../domain/status-page';
import type { PublicIncidentDocument, StatusComponentDocument } from '../../infra/models';
import { type MaintenanceWindow, currentOrNextOccurrence } from '../../domain/maintenance';
import { listWindowsNotOver } from '../../infra/maintenance-windows';
import { serviceName } from '../alerts/schemas';
import type { ApiDeps } from '../deps';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { type Acting, type IncidentAccess, accessFor, requireScopeOf } from '../identity';
import {
  appendPublicUpdate,
  changeComponent,
  findComponent,
  findPublicIncident,
  incidentIntervals,
  incidentScope,
  insertComponent,
  insertPublicIncident,
  listComponents,
  openPublicIncidentAbout,
  recentPublicIncidents,
} from './store';
import { mailSubscribersLater } from './subscriptions';

type Deps = Pick<ApiDeps, 'models'>;
/** What a write that posts a public update needs: it mails the subscribers too. */
type PostingDeps = Pick<ApiDeps, 'models' | 'reach' | 'logger'>;

const DAY_MS = 86_400_000;

export const componentIdParams = z.object({
  id: z.string().regex(componentIdPattern, 'must be lower-case letters, digits and dashes (at most 63)'),
});

export const publicIncidentIdParams = z.object({ id: z.string().regex(/^pi_[A-Za-z0-9_-]{1,40}$/) });

const componentFields = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).optional(),
  services: z.array(serviceName).min(1).max(50),
  order: z.number().int().min(0).max(10_000).optional(),
});

export const newComponentBody = componentFields.extend({ id: componentIdParams.shape.id });
export const componentChangeBody = componentFields.partial();
export const overrideBody = z.object({ state: z.enum(componentStates) });

const updateText = z.string().trim().min(1).max(5000);

export const newPublicIncidentBody = z.object({
  title: z.string().trim().min(1).max(200),
  components: z.array(componentIdParams.shape.id).min(1).max(50),
  /** The Fireline incident it is about: for responders; the page never shows it. */
  incidentId: z.string().min(1).max(200).optional(),
  status: z.enum(publicUpdateStatuses).default('investigating'),
  body: updateText,
});
export const publicUpdateBody = z.object({ status: z.enum(publicUpdateStatuses), body: updateText });
export const resolveBody = z.object({ body: updateText.default('This incident has been resolved.') });

/** A component as responders see it: its settings, its state now and what the incidents alone give. */
export interface ComponentAnswer {
  id: string;
  name: string;
  description?: string;
  services: string[];
  order: number;
  state: ComponentState;
  derived: ComponentState;
  override?: { state: ComponentState; by?: string; at?: string };
  updatedBy: string;
  updatedAt: string;
}

function componentAnswer(
  doc: StatusComponentDocument,
  status: ReturnType<typeof componentStatus>,
): ComponentAnswer {
  return {
    id: doc._id,
    name: doc.name,
    ...(doc.description ? { description: doc.description } : {}),
    services: doc.services,
    order: doc.order,
    state: status.state,
    derived: status.derived,
    ...(doc.override
      ? {
          override: {
            state: doc.override,
            ...(doc.overrideBy ? { by: doc.overrideBy } : {}),
            ...(doc.overrideAt ? { at: doc.overrideAt.toISOString() } : {}),
          },
        }
      : {}),
    updatedBy: doc.updatedBy,
    updatedAt: doc.updatedAt.toISOString(),
  };
}

async function withStates(deps: Deps, docs: StatusComponentDocument[]): Promise<ComponentAnswer[]> {
  const open = await incidentIntervals(deps, [...new Set(docs.flatMap((d) => d.services))], new Date());
  return docs.map((doc) => componentAnswer(doc, componentStatus(doc, open)));
}

export async function componentAnswers(deps: Deps): Promise<ComponentAnswer[]> {
  return withStates(deps, await listComponents(deps));
}

export async function componentAnswerOf(deps: Deps, id: string): Promise<ComponentAnswer> {
  return (await withStates(deps, [await findComponent(deps, id)]))[0]!;
}

export async function createComponent(
  deps: Deps,
  body: z.output<typeof newComponentBody>,
  actor: string,
): Promise<ComponentAnswer> {
  const { id, ...fields } = body;
  return (await withStates(deps, [await insertComponent(deps, id, fields, actor)]))[0]!;
}

export async function changeComponentSettings(
  deps: Deps,
  id: string,
  change: z.output<typeof componentChangeBody>,
  actor: string,
): Promise<ComponentAnswer> {
  return (await withStates(deps, [await changeComponent(deps, id, change, actor)]))[0]!;
}

/** Sets (or, with null, clears) a component's override: a responder's call, as on an incident. */
export async function overrideComponent(
  deps: Deps,
  id: string,
  state: ComponentState | null,
  acting: Acting,
): Promise<ComponentAnswer> {
  requireScopeOf(acting, 'incidents:write');
  return (await withStates(deps, [await changeComponent(deps, id, { override: state }, acting.actor)]))[0]!;
}

/** A public incident as responders see it: with who wrote each update and the incident it is about. */
export function publicIncidentAnswer(doc: PublicIncidentDocument) {
  return {
    id: doc._id,
    title: doc.title,
    components: doc.components,
    ...(doc.incidentId ? { incidentId: doc.incidentId } : {}),
    status: doc.status,
    updates: doc.updates,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt.toISOString(),
    ...(doc.resolvedAt ? { resolvedAt: doc.resolvedAt.toISOString() } : {}),
  };
}

/** The acting person's rights on the Fireline incident a public incident is about, when it names one. */
async function requireRightsOnLinked(
  deps: Deps,
  acting: Acting,
  incidentId: string | undefined,
  field: string,
): Promise<void> {
  requireScopeOf(acting, 'incidents:write');
  if (incidentId === undefined) return;
  const scope = await incidentScope(deps, incidentId);
  if (!scope) throw new ValidationError([{ field, message: `There is no incident ${incidentId}` }]);
  accessFor(acting, 'incidents:write')(scope);
}

function publicUpdate(acting: Acting, status: PublicUpdate['status'], body: string): PublicUpdate {
  return { status, body, at: new Date().toISOString(), author: acting.person.id };
}

/** Tells subscribers of the public incident's newest update, and answers it as responders see it. */
function posted(deps: PostingDeps, doc: PublicIncidentDocument) {
  const update = doc.updates.at(-1);
  if (update) mailSubscribersLater(deps, { id: doc._id, title: doc.title }, update);
  return publicIncidentAnswer(doc);
}

export async function openPublicIncident(
  deps: PostingDeps,
  body: z.output<typeof newPublicIncidentBody>,
  acting: Acting,
) {
  await requireRightsOnLinked(deps, acting, body.incidentId, 'body.incidentId');
  const known = new Set((await listComponents(deps)).map((c) => c._id));
  const unknown = body.components.flatMap((id, i) =>
    known.has(id) ? [] : [{ field: `body.components.${i}`, message: `There is no component ${id}` }],
  );
  if (unknown.length > 0) throw new ValidationError(unknown);
  const doc = await insertPublicIncident(deps, {
    title: body.title,
    components: [...new Set(body.components)],
    ...(body.incidentId !== undefined ? { incidentId: body.incidentId } : {}),
    update: publicUpdate(acting, body.status, body.body),
  });
  return posted(deps, doc);
}

export async function postPublicUpdate(
  deps: PostingDeps,
  id: string,
  body: z.output<typeof publicUpdateBody>,
  acting: Acting,
) {
  const current = await findPublicIncident(deps, id);
  await requireRightsOnLinked(deps, acting, current.incidentId, 'incidentId');
  return posted(deps, await appendPublicUpdate(deps, id, publicUpdate(acting, body.status, body.body)));
}

/**
 * A public update from an incident (its page, its API, Slack's `/incident
 * status`): appended to the unresolved public incident about it, else a new
 * one on the components whose services include the incident's, titled after
 * those components, never after the incident: its title is internal.
 */
export async function postIncidentStatus(
  deps: PostingDeps,
  incidentId: string,
  update: { status: PublicUpdate['status']; body: string },
  author: string,
  access: IncidentAccess,
) {
  const scope = await incidentScope(deps, incidentId);
  if (!scope) throw new NotFoundError(`No incident ${incidentId}`);
  access(scope);
  const entry: PublicUpdate = { ...update, at: new Date().toISOString(), author };
  const current = await openPublicIncidentAbout(deps, incidentId);
  if (current) return posted(deps, await appendPublicUpdate(deps, current._id, entry));
  const components = (await listComponents(deps)).filter((c) => c.services.includes(scope.service));
  if (components.length === 0)
    throw new ConflictError(
      `No status page component covers the service ${scope.service}: add one (POST /v1/status/components) first`,
    );
  if (update.status === 'resolved')
    throw new ConflictError(`${incidentId} has no public incident to resolve`);
  const doc = await insertPublicIncident(deps, {
    title: `Problems with ${components.map((c) => c.name).join(', ')}`,
    components: components.map((c) => c._id),
    incidentId,
    update: entry,
  });
  return posted(deps, doc);
}

export async function publicIncidentAnswers(deps: Deps) {
  return (await recentPublicIncidents(deps, new Date(Date.now() - RECENT_RESOLVED_DAYS * DAY_MS))).map(
    publicIncidentAnswer,
  );
}

export async function publicIncidentAnswerOf(deps: Deps, id: string) {
  return publicIncidentAnswer(await findPublicIncident(deps, id));
}

/** Reads everything the public page shows, as of now. */
export async function loadStatusSnapshot(deps: Deps): Promise<StatusSnapshot> {
  const now = Date.now();
  const components = await listComponents(deps);
  const [incidents, publicIncidents, windows] = await Promise.all([
    incidentIntervals(
      deps,
      [...new Set(components.flatMap((c) => c.services))],
      new Date(now - HISTORY_DAYS * DAY_MS),
    ),
    recentPublicIncidents(deps, new Date(now - RECENT_RESOLVED_DAYS * DAY_MS)),
    listWindowsNotOver(deps.models, new Date(now)),
  ]);
  return statusSnapshot(
    components.map((c) => ({
      id: c._id,
      name: c.name,
      services: c.services,
      ...(c.description ? { description: c.description } : {}),
      ...(c.override ? { override: c.override } : {}),
    })),
    incidents,
    publicIncidents.map((p) => ({
      id: p._id,
      title: p.title,
      components: p.components,
      updates: p.updates,
      createdAt: p.createdAt.toISOString(),
      ...(p.resolvedAt ? { resolvedAt: p.resolvedAt.toISOString() } : {}),
    })),
    now,
    scheduledOccurrences(windows, now),
  );
}

/** How far ahead the page announces planned maintenance. */
const MAINTENANCE_AHEAD_DAYS = 7;

/**
 * The occurrences of the windows on services under way or starting within a
 * week. A window on a team is left out: the page maps components to services.
 */
function scheduledOccurrences(windows: readonly MaintenanceWindow[], now: number): ScheduledMaintenance[] {
  return windows.flatMap((w) => {
    const occurrence = currentOrNextOccurrence(w, new Date(now));
    if (!occurrence || w.services.length === 0) return [];
    if (Date.parse(occurrence.startsAt) > now + MAINTENANCE_AHEAD_DAYS * DAY_MS) return [];
    return [{ services: w.services, ...occurrence }];
  });
}
