// One kind of on-call object made at run time (escalation policies, people,
// teams, services), as the API lists, shows, changes and guards it: each kind
// says what it checks and what refers to one; this file does the rest once.
import { type Response, Router } from 'express';
import type { z } from 'zod';
import type { OnCallCatalog } from '../../domain/oncall';
import { grants, personById, scopesOf } from '../../domain/rights';
import type { ScheduleManager, ScheduleProblem } from '../../domain/runtime-schedules';
import type { Models } from '../../infra/models';
import { actorFor, type Guard, principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { validated } from '../validate';
import { revisionQuery } from './schedule-body';
import { onCallState, type OnCallState } from './service';
import { answeringRefusals, type MaybeStored, refuseManaged } from './stored-objects';

export type StoredKindDeps = Pick<ApiDeps, 'onCall' | 'models' | 'triageRules' | 'config'>;

/** Who changes the model, and whether they are an admin. */
export interface Changer {
  actor: string;
  admin: boolean;
}

interface Change {
  revision: number;
  action: string;
  actor: string;
  at: Date;
}

/** A kind of stored object: where the catalog holds them, how one is shown, checked and stored. */
export interface StoredKind<T extends { id: string }, D extends { managedBy?: ScheduleManager }, V> {
  /** `person`, `escalation policy`: in messages. */
  noun: string;
  objects: (catalog: OnCallCatalog) => Array<T & MaybeStored>;
  view: (deps: StoredKindDeps, object: T & MaybeStored) => V | Promise<V>;
  /** What the shape cannot say is wrong with a definition, each with its field. */
  problems?: (definition: D, catalog: OnCallCatalog) => ScheduleProblem[];
  /** What refers to one: a delete is refused while anything does. */
  references?: (state: OnCallState, deps: StoredKindDeps, id: string) => string[];
  /** A refusal of a change by this changer, before anything is written. */
  refuseChange?: (changer: Changer, stored: (T & MaybeStored) | undefined, definition: D) => void;
  create: (models: Models, id: string, definition: D, actor: string) => Promise<T & MaybeStored>;
  replace: (
    models: Models,
    id: string,
    revision: number,
    definition: D,
    actor: string,
  ) => Promise<T & MaybeStored>;
  remove: (models: Models, id: string, revision: number, actor: string) => Promise<void>;
  changes: (models: Models, id: string) => Promise<Change[]>;
}

/** List, show, create, replace, delete and history for one kind, with the refusals every kind shares. */
export function storedKindService<T extends { id: string }, D extends { managedBy?: ScheduleManager }, V>(
  kind: StoredKind<T, D, V>,
) {
  const title = (id: string) => `${kind.noun[0]!.toUpperCase()}${kind.noun.slice(1)} ${id}`;
  const inFile = (deps: StoredKindDeps, id: string) =>
    kind.objects(deps.onCall.file).some((o) => o.id === id);
  const find = (catalog: OnCallCatalog, id: string) => kind.objects(catalog).find((o) => o.id === id);
  const refuseProblems = (definition: D, catalog: OnCallCatalog) => {
    const problems = kind.problems?.(definition, catalog) ?? [];
    if (problems.length > 0) throw new ValidationError(problems);
  };

  return {
    async list(deps: StoredKindDeps): Promise<V[]> {
      const { catalog } = await onCallState(deps);
      return Promise.all(kind.objects(catalog).map((o) => kind.view(deps, o)));
    },

    async get(deps: StoredKindDeps, id: string): Promise<V> {
      const object = find((await onCallState(deps)).catalog, id);
      if (!object) throw new NotFoundError(`No ${kind.noun} ${id}`);
      return kind.view(deps, object);
    },

    async create(deps: StoredKindDeps, input: D & { id: string }, changer: Changer): Promise<V> {
      const { id, ...definition } = input;
      // One of that id stored already is refused by the store.
      refuseManaged(title(id), inFile(deps, id), undefined, definition.managedBy);
      kind.refuseChange?.(changer, undefined, definition as unknown as D);
      refuseProblems(definition as unknown as D, (await onCallState(deps)).catalog);
      const made = await answeringRefusals(() =>
        kind.create(deps.models, id, definition as unknown as D, changer.actor),
      );
      await deps.onCall.refresh();
      return kind.view(deps, made);
    },

    async replace(
      deps: StoredKindDeps,
      id: string,
      input: D & { revision: number },
      changer: Changer,
    ): Promise<V> {
      const { revision, ...definition } = input;
      const { catalog } = await onCallState(deps);
      const stored = find(catalog, id);
      refuseManaged(title(id), inFile(deps, id), stored, definition.managedBy);
      kind.refuseChange?.(changer, stored, definition as unknown as D);
      refuseProblems(definition as unknown as D, catalog);
      const changed = await answeringRefusals(() =>
        kind.replace(deps.models, id, revision, definition as unknown as D, changer.actor),
      );
      await deps.onCall.refresh();
      return kind.view(deps, changed);
    },

    /** Deletes a stored one; refused while anything refers to it, naming each. */
    async remove(deps: StoredKindDeps, id: string, revision: number, changer: Changer, by?: ScheduleManager) {
      const state = await onCallState(deps);
      refuseManaged(title(id), inFile(deps, id), find(state.catalog, id), by);
      const references = kind.references?.(state, deps, id) ?? [];
      if (references.length > 0)
        throw new ConflictError(`${title(id)} is named by ${references.join(', ')}: change those first`, {
          referencedBy: references,
        });
      await answeringRefusals(() => kind.remove(deps.models, id, revision, changer.actor));
      await deps.onCall.refresh();
    },

    /** Who made each revision of a stored one, and when (none for the catalog file's: git has those). */
    async history(deps: StoredKindDeps, id: string) {
      const changes = await kind.changes(deps.models, id);
      if (changes.length === 0 && !inFile(deps, id)) throw new NotFoundError(`No ${kind.noun} ${id}`);
      return changes.map((c) => ({ ...c, at: c.at.toISOString() }));
    },
  };
}

/** What the routes call of a kind's service, whatever its kind (bodies are checked by the routes' schemas). */
export interface StoredKindApi {
  list(deps: StoredKindDeps): Promise<unknown[]>;
  get(deps: StoredKindDeps, id: string): Promise<unknown>;
  create(deps: StoredKindDeps, input: never, changer: Changer): Promise<unknown>;
  replace(deps: StoredKindDeps, id: string, input: never, changer: Changer): Promise<unknown>;
  remove(
    deps: StoredKindDeps,
    id: string,
    revision: number,
    changer: Changer,
    by?: ScheduleManager,
  ): Promise<void>;
  history(deps: StoredKindDeps, id: string): Promise<unknown[]>;
}

/** Who changes the model: the key's scope and, for a key linked to a person, theirs, make an admin. */
export function changerOf(deps: Pick<ApiDeps, 'onCall'>, res: Response): Changer {
  const principal = principalOf(res);
  const person =
    principal.personId === undefined ? undefined : personById(deps.onCall.catalog, principal.personId);
  return {
    actor: actorFor(res, undefined),
    admin:
      grants(principal.scopes, 'admin') &&
      (principal.personId === undefined || (person !== undefined && grants(scopesOf(person), 'admin'))),
  };
}

/** `GET|POST <base>`, `GET|PUT|DELETE <base>/:id` and `GET <base>/:id/history` for one kind. */
export function storedKindRoutes(
  deps: ApiDeps,
  guard: Guard,
  options: {
    base: string;
    /** The list's field in the answer (`people`), and the id's in a history (`personId`). */
    list: string;
    idField: string;
    idParams: z.ZodType<{ id: string }>;
    newBody: z.ZodType;
    changeBody: z.ZodType;
    service: StoredKindApi;
    /** More fields of the list's answer. */
    listExtra?: () => Record<string, unknown>;
  },
): Router {
  const { base, service } = options;
  const router = Router();
  router.get(base, ...guard('incidents:read'), async (_req, res) => {
    res.json({ [options.list]: await service.list(deps), ...options.listExtra?.() });
  });
  router.post(
    base,
    ...guard('oncall:write'),
    validated({ body: options.newBody }, async ({ body }, _req, res) => {
      res.status(201).json(await service.create(deps, body as never, changerOf(deps, res)));
    }),
  );
  router.get(
    `${base}/:id`,
    ...guard('incidents:read'),
    validated({ params: options.idParams }, async ({ params }, _req, res) => {
      res.json(await service.get(deps, params.id));
    }),
  );
  router.put(
    `${base}/:id`,
    ...guard('oncall:write'),
    validated({ params: options.idParams, body: options.changeBody }, async ({ params, body }, _req, res) => {
      res.json(await service.replace(deps, params.id, body as never, changerOf(deps, res)));
    }),
  );
  router.delete(
    `${base}/:id`,
    ...guard('oncall:write'),
    validated({ params: options.idParams, query: revisionQuery }, async ({ params, query }, _req, res) => {
      await service.remove(deps, params.id, query.revision, changerOf(deps, res), query.managedBy);
      res.status(204).end();
    }),
  );
  router.get(
    `${base}/:id/history`,
    ...guard('incidents:read'),
    validated({ params: options.idParams }, async ({ params }, _req, res) => {
      res.json({ [options.idField]: params.id, changes: await service.history(deps, params.id) });
    }),
  );
  return router;
}
