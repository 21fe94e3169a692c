import type { RequestHandler, Response, Router } from 'express';
import type { Principal } from '../../../infra/api-keys';
import type { Person } from '../../../domain/oncall';
import type { ApiScope } from '../../../domain/rights';
import type { UiSessionStore } from '../../../infra/ui-sessions';
import type { Guard } from '../../auth';
import type { ApiDeps } from '../../deps';
import { csrfTokenOf } from '../session';
import type { PageContext } from '../views';

/** What every page of the web UI is built with. */
export interface PageKit {
  deps: ApiDeps;
  guard: Guard;
  sessions: UiSessionStore;
  /** A GET of a page: signed in, with incidents:read. */
  read: RequestHandler[];
  /** A form POST: its body parsed, signed in with incidents:read, its CSRF token checked. */
  post: RequestHandler[];
  /** The check of one more scope alone: the session was verified (and rate-limited) by `read` already. */
  may: (scope: ApiScope) => RequestHandler;
  /** The form body parser, for the sign-in form (which has no session yet). */
  form: RequestHandler;
  /** Temporal Web UI link of a workflow, when a UI URL is known. */
  workflowUrl: (workflowId: string) => string | undefined;
}

/** One page of the web UI: its router, built from the kit. */
export type UiPage = (kit: PageKit) => Router;

export function pageContext(res: Response): PageContext {
  const principal = res.locals.principal as Principal | undefined;
  // Set by the kit's `read` once the session is verified: the catalog person the key acts as.
  const person = res.locals.viewerPerson as Person | undefined;
  return {
    viewer: principal ? { name: principal.name, scopes: principal.scopes, person } : undefined,
    csrfToken: csrfTokenOf(res),
    devInbox: res.locals.devInbox === true,
  };
}

export function sendPage(res: Response, page: string, status = 200): void {
  res.status(status).type('text/html; charset=utf-8').send(page);
}

/** A same-site path to return to after signing in; anything else (other hosts, `//…`) is dropped. */
export function safeNext(value: unknown): string | undefined {
  return typeof value === 'string' &&
    value.startsWith('/ui/') &&
    !value.startsWith('/ui/login') &&
    value.length <= 512 &&
    !/[\\\s]/.test(value)
    ? value
    : undefined;
}

/** The notice of `?done=…` after a form's redirect: one of the page's own, never text from the URL. */
export function doneOf<N extends Record<string, unknown>>(
  query: { done?: unknown },
  notices: N,
): N[keyof N] | undefined {
  const done = query.done;
  return typeof done === 'string' && Object.hasOwn(notices, done) ? notices[done as keyof N] : undefined;
}
