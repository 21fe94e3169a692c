import { randomBytes } from 'node:crypto';
import type {
  ComponentState,
  IncidentInterval,
  PublicUpdate,
  PublicUpdateStatus,
} from '../../domain/status-page';
import { publicIncidentStatus, updateRefusal } from '../../domain/status-page';
import type { Models, PublicIncidentDocument, StatusComponentDocument } from '../../infra/models';
import { isDuplicateKeyError, withMongoTimeout } from '../../infra/mongo';
import { changeByRevision } from '../../infra/revisions';
import { ConflictError, HttpError, NotFoundError } from '../errors';

type Deps = { models: Models };

/** How many of a kind the status page reads at most: it stays one bounded read however busy it got. */
const READ_LIMIT = 5000;

/** How long one store call waits for MongoDB before it is a 503. */
export const STORE_TIMEOUT_MS = 10_000;

/**
 * Runs `work` against MongoDB within STORE_TIMEOUT_MS: no answer (or a lost
 * connection) is a MongoUnavailableError, a 503; a refusal of the store's own
 * (404, 409) passes through as it is.
 */
async function answered<T>(what: string, work: () => Promise<T>): Promise<T> {
  let refusal: HttpError | undefined;
  const value = await withMongoTimeout(what, STORE_TIMEOUT_MS, async () => {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      refusal = err;
      return undefined;
    }
  });
  if (refusal) throw refusal;
  return value as T;
}

export interface ComponentFields {
  name: string;
  description?: string;
  services: string[];
  order?: number;
}

export async function listComponents(deps: Deps): Promise<StatusComponentDocument[]> {
  return answered('listing status components', async () => {
    const docs = await deps.models.StatusComponents.find().limit(READ_LIMIT).lean();
    return docs.sort((a, b) => a.order - b.order || a._id.localeCompare(b._id));
  });
}

export async function findComponent(deps: Deps, id: string): Promise<StatusComponentDocument> {
  return answered('reading a status component', async () => {
    const doc = await deps.models.StatusComponents.findById(id).lean();
    if (!doc) throw new NotFoundError(`No status page component ${id}`);
    return doc;
  });
}

export async function insertComponent(
  deps: Deps,
  id: string,
  fields: ComponentFields,
  actor: string,
): Promise<StatusComponentDocument> {
  return answered('adding a status component', async () => {
    const now = new Date();
    const order = fields.order ?? (await deps.models.StatusComponents.countDocuments());
    const doc: StatusComponentDocument = {
      _id: id,
      revision: 1,
      name: fields.name,
      ...(fields.description !== undefined ? { description: fields.description } : {}),
      services: fields.services,
      order,
      createdBy: actor,
      createdAt: now,
      updatedBy: actor,
      updatedAt: now,
    };
    try {
      await deps.models.StatusComponents.create(doc);
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new ConflictError(`A component ${id} exists already`);
      throw err;
    }
    return doc;
  });
}

/** Changes a component; `override: null` clears the override. */
export async function changeComponent(
  deps: Deps,
  id: string,
  change: Partial<ComponentFields> & { override?: ComponentState | null },
  actor: string,
): Promise<StatusComponentDocument> {
  return answered('changing a status component', async () => {
    return changeByRevision(
      deps.models.StatusComponents,
      deps.models.RevisionClaims,
      id,
      `The component ${id}`,
      (current) => {
        if (!current) throw new NotFoundError(`No status page component ${id}`);
        const now = new Date();
        const { override, ...fields } = change;
        const set: Record<string, unknown> = { ...fields, updatedBy: actor, updatedAt: now };
        const unset: Record<string, 1> = {};
        if (override === null) Object.assign(unset, { override: 1, overrideBy: 1, overrideAt: 1 });
        else if (override !== undefined) Object.assign(set, { override, overrideBy: actor, overrideAt: now });
        const result: StatusComponentDocument = { ...current, ...set, revision: current.revision + 1 };
        if (override === null) {
          delete result.override;
          delete result.overrideBy;
          delete result.overrideAt;
        }
        return { set, ...(Object.keys(unset).length > 0 ? { unset } : {}), result };
      },
    );
  });
}

export async function deleteComponent(deps: Deps, id: string): Promise<void> {
  return answered('removing a status component', async () => {
    const { deletedCount } = await deps.models.StatusComponents.deleteOne({ _id: id });
    if (deletedCount === 0) throw new NotFoundError(`No status page component ${id}`);
  });
}

export async function insertPublicIncident(
  deps: Deps,
  fields: { title: string; components: string[]; incidentId?: string; update: PublicUpdate },
): Promise<PublicIncidentDocument> {
  return answered('opening a public incident', async () => {
    const now = new Date(fields.update.at);
    const doc: PublicIncidentDocument = {
      _id: `pi_${randomBytes(8).toString('base64url')}`,
      revision: 1,
      title: fields.title,
      components: fields.components,
      ...(fields.incidentId !== undefined ? { incidentId: fields.incidentId } : {}),
      status: fields.update.status,
      updates: [fields.update],
      createdBy: fields.update.author,
      createdAt: now,
      ...(fields.update.status === 'resolved' ? { resolvedAt: now } : {}),
      updatedAt: now,
    };
    await deps.models.PublicIncidents.create(doc);
    return doc;
  });
}

export async function findPublicIncident(deps: Deps, id: string): Promise<PublicIncidentDocument> {
  return answered('reading a public incident', async () => {
    const doc = await deps.models.PublicIncidents.findById(id).lean();
    if (!doc) throw new NotFoundError(`No public incident ${id}`);
    return doc;
  });
}

/** Appends an update (409 once the public incident is resolved). */
export async function appendPublicUpdate(
  deps: Deps,
  id: string,
  update: PublicUpdate,
): Promise<PublicIncidentDocument> {
  return answered('posting a public update', async () => {
    return changeByRevision(
      deps.models.PublicIncidents,
      deps.models.RevisionClaims,
      id,
      `The public incident ${id}`,
      (current) => {
        if (!current) throw new NotFoundError(`No public incident ${id}`);
        const refusal = updateRefusal(current.updates);
        if (refusal) throw new ConflictError(`Cannot update ${id}: ${refusal}`);
        const updates = [...current.updates, update];
        const status: PublicUpdateStatus = publicIncidentStatus(updates);
        const at = new Date(update.at);
        const set = { updates, status, updatedAt: at, ...(status === 'resolved' ? { resolvedAt: at } : {}) };
        return { set, result: { ...current, ...set, revision: current.revision + 1 } };
      },
    );
  });
}

/** The public incidents not resolved, and those resolved since `resolvedSince`, newest first. */
export async function recentPublicIncidents(
  deps: Deps,
  resolvedSince: Date,
): Promise<PublicIncidentDocument[]> {
  return answered('listing public incidents', async () => {
    const [active, resolved] = await Promise.all([
      deps.models.PublicIncidents.find({ status: { $ne: 'resolved' } })
        .limit(READ_LIMIT)
        .lean(),
      deps.models.PublicIncidents.find({ resolvedAt: { $gte: resolvedSince } })
        .limit(READ_LIMIT)
        .lean(),
    ]);
    return [...active, ...resolved].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  });
}

/** The team and service of a Fireline incident, for the rights of whoever links a public incident to it. */
export async function incidentScope(
  deps: Deps,
  incidentId: string,
): Promise<{ incidentId: string; service: string; team: string } | undefined> {
  return answered('reading the team and service of an incident', async () => {
    const doc = await deps.models.Incident.findById(incidentId, { service: 1, team: 1 }).lean();
    return doc ? { incidentId, service: doc.service, team: doc.team } : undefined;
  });
}

/**
 * The incidents of these services that were open at some time since `since`
 * (or are open now): their severities and times, nothing of what they say.
 */
export async function incidentIntervals(
  deps: Deps,
  services: string[],
  since: Date,
): Promise<IncidentInterval[]> {
  return answered('reading the incidents of status components', async () => {
    if (services.length === 0) return [];
    const fields = { service: 1, severity: 1, openedAt: 1, resolvedAt: 1, status: 1 };
    const [open, resolved] = await Promise.all([
      deps.models.Incident.find({ service: { $in: services }, status: { $ne: 'resolved' } }, fields)
        .limit(READ_LIMIT)
        .lean(),
      deps.models.Incident.find({ service: { $in: services }, resolvedAt: { $gte: since } }, fields)
        .limit(READ_LIMIT)
        .lean(),
    ]);
    const seen = new Set<string>();
    return [...open, ...resolved].flatMap((doc) => {
      if (seen.has(doc._id)) return [];
      seen.add(doc._id);
      return [
        {
          service: doc.service,
          severity: doc.severity,
          openedAt: doc.openedAt.getTime(),
          ...(doc.status === 'resolved' && doc.resolvedAt ? { resolvedAt: doc.resolvedAt.getTime() } : {}),
        },
      ];
    });
  });
}

/** The newest public incident about this Fireline incident that is not resolved, if any. */
export async function openPublicIncidentAbout(
  deps: Deps,
  incidentId: string,
): Promise<PublicIncidentDocument | undefined> {
  return answered('reading the public incident of an incident', async () => {
    const docs = await deps.models.PublicIncidents.find({ incidentId, status: { $ne: 'resolved' } })
      .limit(READ_LIMIT)
      .lean();
    return docs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  });
}
