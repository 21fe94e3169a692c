import { Router, type Response } from 'express';
import { actorFor, addressRateLimit, type Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { actingOf } from '../identity';
import { validated } from '../validate';
import { statusPage, statusPaths } from '../ui/views/status-page';
import { statusFeed } from './feed';
import {
  changeComponentSettings,
  componentAnswerOf,
  componentAnswers,
  componentChangeBody,
  componentIdParams,
  createComponent,
  loadStatusSnapshot,
  newComponentBody,
  newPublicIncidentBody,
  openPublicIncident,
  overrideBody,
  overrideComponent,
  postPublicUpdate,
  publicIncidentAnswerOf,
  publicIncidentAnswers,
  publicIncidentIdParams,
  publicUpdateBody,
  resolveBody,
} from './service';
import { STORE_TIMEOUT_MS, deleteComponent } from './store';
import { StatusSnapshotCache } from './snapshot-cache';
import { subscriptionRoutes } from './subscription-routes';
import { subscriptionsOn } from './subscriptions';

/** The public pages: they need no key and act as no person. */
export const publicStatusPath = /^\/status(\.json|\/feed\.atom|\/subscriptions(\/confirm|\/unsubscribe)?)?$/;

/**
 * The status page: public reads (`/status`, `/status.json`,
 * `/status/feed.atom`, no key) served from a snapshot read from MongoDB at
 * most once per STATUS_PAGE_CACHE_SECONDS and kept in service while MongoDB is
 * away; and the responders' routes under /v1/status, with a key. A write
 * refreshes the snapshot, so this process's page shows it at once.
 */
export function statusRoutes(deps: ApiDeps, guard: Guard): { public: Router; manage: Router } {
  const freshSeconds = deps.config.STATUS_PAGE_CACHE_SECONDS ?? 30;
  const cache = new StatusSnapshotCache(() => loadStatusSnapshot(deps), {
    freshMs: freshSeconds * 1000,
    lookupTimeoutMs: STORE_TIMEOUT_MS,
    onRefreshFailed: (err) =>
      deps.logger.warn({ err }, 'The status page could not be read from MongoDB: the last copy is served'),
  });
  const refreshed: Refreshed = async (answer) => {
    await cache.refreshAfterWrite().catch(() => undefined);
    return answer;
  };

  const manage = Router();
  componentRoutes(manage, deps, guard, refreshed);
  publicIncidentRoutes(manage, deps, guard, refreshed);
  return { public: publicPages(deps, cache, freshSeconds), manage };
}

/** The public page, its JSON and its feed, each rendered once per snapshot. */
function publicPages(deps: ApiDeps, cache: StatusSnapshotCache, freshSeconds: number): Router {
  const cacheable = (res: Response, type: string) =>
    res.type(type).setHeader('Cache-Control', `public, max-age=${freshSeconds}`);
  const pages = Router();
  const subscribe = subscriptionsOn(deps);
  pages.use(subscriptionRoutes(deps));
  // Its own per-address limit (besides the API's): readers are many, each reloading the page now and
  // then. `/status` covers the feed below it too.
  pages.use(
    [statusPaths.page, statusPaths.json],
    addressRateLimit(deps.config.STATUS_PAGE_RATE_LIMIT_PER_MINUTE ?? 300),
  );
  pages.get(
    statusPaths.page,
    validated({}, async (_input, _req, res) => {
      cacheable(res, 'html').send(await cache.rendered('html', (s) => statusPage(s, { subscribe })));
    }),
  );
  pages.get(
    statusPaths.json,
    validated({}, async (_input, _req, res) => {
      cacheable(res, 'json').send(await cache.rendered('json', (s) => JSON.stringify(s)));
    }),
  );
  pages.get(
    statusPaths.feed,
    validated({}, async (_input, _req, res) => {
      const feed = await cache.rendered('atom', (s) => statusFeed(s, deps.config.PUBLIC_URL));
      cacheable(res, 'application/atom+xml; charset=utf-8').send(feed);
    }),
  );

  return pages;
}

/** What a write answers, once this process's page shows the write. */
type Refreshed = <T>(answer: T) => Promise<T>;

/** Components: made, changed and removed by whoever keeps the service catalog; overridden by a responder. */
function componentRoutes(manage: Router, deps: ApiDeps, guard: Guard, refreshed: Refreshed): void {
  manage.get(
    '/v1/status/components',
    ...guard('incidents:read'),
    validated({}, async (_input, _req, res) => {
      res.json({ components: await componentAnswers(deps) });
    }),
  );
  manage.post(
    '/v1/status/components',
    ...guard('oncall:write'),
    validated({ body: newComponentBody }, async ({ body }, _req, res) => {
      res.status(201).json(await refreshed(await createComponent(deps, body, actorFor(res, undefined))));
    }),
  );
  manage.get(
    '/v1/status/components/:id',
    ...guard('incidents:read'),
    validated({ params: componentIdParams }, async ({ params }, _req, res) => {
      res.json(await componentAnswerOf(deps, params.id));
    }),
  );
  manage.patch(
    '/v1/status/components/:id',
    ...guard('oncall:write'),
    validated(
      { params: componentIdParams, body: componentChangeBody },
      async ({ params, body }, _req, res) => {
        res.json(
          await refreshed(await changeComponentSettings(deps, params.id, body, actorFor(res, undefined))),
        );
      },
    ),
  );
  manage.delete(
    '/v1/status/components/:id',
    ...guard('oncall:write'),
    validated({ params: componentIdParams }, async ({ params }, _req, res) => {
      await refreshed(await deleteComponent(deps, params.id));
      // Nothing is left to record who removed it on: the log does.
      deps.logger.info(
        { component: params.id, actor: actorFor(res, undefined) },
        'Status page component removed',
      );
      res.status(204).end();
    }),
  );
  manage.put(
    '/v1/status/components/:id/override',
    ...guard('incidents:write'),
    validated({ params: componentIdParams, body: overrideBody }, async ({ params, body }, _req, res) => {
      const acting = actingOf(res, deps.onCall.catalog);
      res.json(await refreshed(await overrideComponent(deps, params.id, body.state, acting)));
    }),
  );
  manage.delete(
    '/v1/status/components/:id/override',
    ...guard('incidents:write'),
    validated({ params: componentIdParams }, async ({ params }, _req, res) => {
      res.json(
        await refreshed(await overrideComponent(deps, params.id, null, actingOf(res, deps.onCall.catalog))),
      );
    }),
  );
}

/** Public incidents and their updates: a responder's, as the acting person. */
function publicIncidentRoutes(manage: Router, deps: ApiDeps, guard: Guard, refreshed: Refreshed): void {
  manage.get(
    '/v1/status/incidents',
    ...guard('incidents:read'),
    validated({}, async (_input, _req, res) => {
      res.json({ incidents: await publicIncidentAnswers(deps) });
    }),
  );
  manage.post(
    '/v1/status/incidents',
    ...guard('incidents:write'),
    validated({ body: newPublicIncidentBody }, async ({ body }, _req, res) => {
      res
        .status(201)
        .json(await refreshed(await openPublicIncident(deps, body, actingOf(res, deps.onCall.catalog))));
    }),
  );
  manage.get(
    '/v1/status/incidents/:id',
    ...guard('incidents:read'),
    validated({ params: publicIncidentIdParams }, async ({ params }, _req, res) => {
      res.json(await publicIncidentAnswerOf(deps, params.id));
    }),
  );
  manage.post(
    '/v1/status/incidents/:id/updates',
    ...guard('incidents:write'),
    validated(
      { params: publicIncidentIdParams, body: publicUpdateBody },
      async ({ params, body }, _req, res) => {
        res
          .status(201)
          .json(
            await refreshed(
              await postPublicUpdate(deps, params.id, body, actingOf(res, deps.onCall.catalog)),
            ),
          );
      },
    ),
  );
  manage.post(
    '/v1/status/incidents/:id/resolve',
    ...guard('incidents:write'),
    validated({ params: publicIncidentIdParams, body: resolveBody }, async ({ params, body }, _req, res) => {
      const update = { status: 'resolved' as const, body: body.body };
      res.json(
        await refreshed(await postPublicUpdate(deps, params.id, update, actingOf(res, deps.onCall.catalog))),
      );
    }),
  );
}
