import type { Express, RequestHandler } from 'express';
import type { Schemas } from '../validate';

/** One route of the app, with what its handlers say about themselves. */
export interface CollectedRoute {
  method: string;
  /** Express path, e.g. /v1/incidents/:id */
  path: string;
  schemas: Schemas;
  scope?: string;
  queryToken: boolean;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: RequestHandler }[] };
  handle?: { stack?: Layer[] };
}

/** Every route registered on the app (routers are mounted at the root), in registration order. */
export function collectRoutes(app: Express): CollectedRoute[] {
  const routes: CollectedRoute[] = [];
  const visit = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const handlers = layer.route.stack.map((l) => l.handle) as (RequestHandler & {
          requestSchemas?: Schemas;
          requiredScope?: string;
          queryToken?: boolean;
        })[];
        const auth = handlers.find((h) => h.requiredScope);
        for (const method of Object.keys(layer.route.methods)) {
          routes.push({
            method: method.toUpperCase(),
            path: layer.route.path,
            schemas: handlers.find((h) => h.requestSchemas)?.requestSchemas ?? {},
            scope: auth?.requiredScope,
            queryToken: auth?.queryToken ?? false,
          });
        }
      } else if (layer.handle?.stack) {
        visit(layer.handle.stack);
      }
    }
  };
  visit((app.router as unknown as { stack: Layer[] }).stack);
  return routes;
}
