import type { ApiScope } from '../../../models';

/** How often an open incident's page refreshes itself. */
export const LIVE_REFRESH_SECONDS = 5;

export interface Viewer {
  name: string;
  scopes: ApiScope[];
}

/** What every page needs: who is signed in (absent on the sign-in page) and the CSRF token of its forms. */
export interface PageContext {
  viewer?: Viewer;
  csrfToken: string;
  /** Marks the current item of the navigation. */
  section?: 'open' | 'resolved' | 'postmortems';
}

export function mayDo(viewer: Viewer | undefined, scope: ApiScope): boolean {
  return !!viewer && (viewer.scopes.includes(scope) || viewer.scopes.includes('admin'));
}
