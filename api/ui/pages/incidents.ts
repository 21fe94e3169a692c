import { Router } from 'express';
import {
  incidentSeverities,
  incidentStatuses,
  type IncidentSeverity,
  type IncidentStatus,
} from '../../../domain/incident';
import { incidentIdPattern } from '../../../workflows/incident/ids';
import { withMongoTimeout } from '../../../infra/mongo';
import type { ApiDeps } from '../../deps';
import { readIncident } from '../../incidents/service';
import { listWindows, type MaintenanceWindowAnswer } from '../../maintenance/service';
import { listOpenIncidents, listResolvedIncidents } from '../../incidents/store';
import { incidentsPage as incidentsView, type BoardFilter } from '../views';
import { doneNotice } from './incident-actions';
import { pageContext, sendPage, type UiPage } from './kit';

const openStatuses = incidentStatuses.filter((s) => s !== 'resolved');

/** The board's filters from the query: only known statuses and severities, bounded text. */
function boardFilter(query: Record<string, unknown>): BoardFilter {
  const list = (value: unknown): unknown[] =>
    Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  const known = (value: unknown, allowed: readonly string[]) =>
    list(value).filter((v): v is string => typeof v === 'string' && allowed.includes(v));
  const text = (value: unknown) => (typeof value === 'string' ? value.trim().slice(0, 100) : '');
  return {
    status: known(query.status, openStatuses),
    severity: known(query.severity, incidentSeverities),
    service: text(query.service),
    team: text(query.team),
  };
}

/** The windows for the board's banner; the board shows without them when MongoDB does not answer. */
async function windowsForBoard(deps: ApiDeps): Promise<MaintenanceWindowAnswer[]> {
  try {
    return await withMongoTimeout('reading maintenance windows', BOARD_WINDOWS_WAIT_MS, () =>
      listWindows(deps, 'active'),
    );
  } catch (err) {
    deps.logger.warn({ err }, 'maintenance windows unreadable; the board shows without them');
    return [];
  }
}

const BOARD_WINDOWS_WAIT_MS = 1000;

/** The board: the open incidents (filtered), or the resolved ones. */
export const incidentsPage: UiPage = ({ deps, read }) => {
  const router = Router();

  router.get('/ui/incidents', ...read, async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const resolved = query.status === 'resolved';
    const filter = boardFilter(query);
    const incidents = resolved
      ? await listResolvedIncidents(deps)
      : await listOpenIncidents(deps, {
          status: filter.status as IncidentStatus[],
          severity: filter.severity as IncidentSeverity[],
          service: filter.service ? [filter.service] : undefined,
          team: filter.team ? [filter.team] : undefined,
        });
    // After an action from the board: that incident as its workflow has it now, and a notice.
    const acted = typeof query.acted === 'string' && incidentIdPattern.test(query.acted) ? query.acted : '';
    const done = doneNotice(query);
    if (acted) {
      const index = incidents.findIndex((i) => i.incidentId === acted);
      if (index >= 0) incidents[index] = await readIncident(deps, acted);
    }
    const returnTo = new URL(req.originalUrl, 'http://ui.invalid');
    returnTo.searchParams.delete('acted');
    returnTo.searchParams.delete('done');
    sendPage(
      res,
      incidentsView(pageContext(res), incidents, {
        resolved,
        now: new Date(),
        filter,
        returnTo: `${returnTo.pathname}${returnTo.search}`,
        notice: acted && done ? `${acted}: ${done}` : undefined,
        ...(resolved ? {} : { maintenance: await windowsForBoard(deps) }),
      }),
    );
  });

  return router;
};
