// One file per page; the routes import them all from here.
export { LIVE_REFRESH_SECONDS, mayDo, mayDoOn, type PageContext, type Viewer } from './context';
export { errorPage } from './error';
export { incidentPage } from './incident';
export type { FormState, IncidentPageData } from './context';
export { incidentsPage, type BoardFilter } from './incidents';
export { loginPage } from './login';
export { postmortemPage } from './postmortem';
export { postmortemsPage } from './postmortems';
export { escalationSummary } from './parts';
export { onCallPage, type OnCallPageData } from './oncall';
export { inboxPage } from './inbox';
export { declarePage } from './declare';
export { profilePage, type ProfilePageData } from './profile';
