import { declarePage } from './declare';
import { heartbeatsPages } from './heartbeats';
import { incidentPage } from './incident';
import { maintenancePages } from './maintenance';
import { incidentsPage } from './incidents';
import { inboxPage } from './inbox';
import { insightsPages } from './insights';
import type { UiPage } from './kit';
import { onCallPage } from './oncall';
import { policiesPage } from './policies';
import { postmortemsPages } from './postmortems';
import { profilePage } from './profile';
import { schedulesPage } from './schedules';
import { servicesPages } from './services';
import { sessionPage } from './session';
import { statusAdminPages } from './status';

/** The web UI's pages, each one router: a new page is a file here and a line in this list. */
export const uiPages: readonly UiPage[] = [
  sessionPage,
  incidentsPage,
  incidentPage,
  onCallPage,
  schedulesPage,
  policiesPage,
  declarePage,
  profilePage,
  inboxPage,
  postmortemsPages,
  servicesPages,
  heartbeatsPages,
  maintenancePages,
  insightsPages,
  statusAdminPages,
];
