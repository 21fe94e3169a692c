import { incidentSeverities, incidentStatuses, type Incident } from '../../../domain/incident';
import { html, type SafeHtml } from '../../../infra/html';
import { LIVE_REFRESH_SECONDS, mayDo, mayDoOn, type PageContext } from './context';
import { layout } from './layout';
import { pagingHold } from '../../../domain/maintenance';
import type { MaintenanceWindowAnswer } from '../../maintenance/service';
import { maintenanceBanner } from './maintenance';
import { age, csrfField, escalationSummary, incidentPath, severityBadge, statusBadge, when } from './parts';
import { table } from './table';

/** The board's filters, as the query string gives them. */
export interface BoardFilter {
  status: string[];
  severity: string[];
  service: string;
  team: string;
}

function filterForm(filter: BoardFilter): SafeHtml {
  const checks = (name: 'status' | 'severity', options: readonly string[]) =>
    html`<fieldset>
      <legend>${name === 'status' ? 'Status' : 'Severity'}</legend>
      ${options.map(
        (o) =>
          html`<label class="check"
            ><input
              type="checkbox"
              name="${name}"
              value="${o}"
              ${filter[name].includes(o) ? html` checked` : ''}
            />
            ${o}</label
          >`,
      )}
    </fieldset>`;
  return html`<form
    method="get"
    action="/ui/incidents"
    class="filters"
    role="search"
    aria-label="Filter incidents"
  >
    ${checks(
      'status',
      incidentStatuses.filter((s) => s !== 'resolved'),
    )}
    ${checks('severity', incidentSeverities)}
    <div class="field">
      <label for="filter-service">Service</label>
      <input type="text" id="filter-service" name="service" value="${filter.service}" maxlength="100" />
    </div>
    <div class="field">
      <label for="filter-team">Team</label>
      <input type="text" id="filter-team" name="team" value="${filter.team}" maxlength="100" />
    </div>
    <button type="submit">Filter</button>
    <a href="/ui/incidents">Clear</a>
  </form>`;
}

export function incidentsPage(
  ctx: PageContext,
  incidents: Incident[],
  options: {
    resolved: boolean;
    now: Date;
    filter?: BoardFilter;
    returnTo?: string;
    notice?: string;
    /** The maintenance windows under way or to come; the board shows those under way. */
    maintenance?: MaintenanceWindowAnswer[];
  },
): string {
  const canAck = !options.resolved && mayDo(ctx.viewer, 'incidents:write');
  const ackButton = (i: Incident) =>
    i.status === 'acknowledged' || !mayDoOn(ctx.viewer, 'incidents:write', i)
      ? ''
      : html`<form method="post" action="${incidentPath(i.incidentId)}/acknowledge" class="inline">
          ${csrfField(ctx)}<input type="hidden" name="next" value="${options.returnTo ?? '/ui/incidents'}" />
          <button type="submit">Acknowledge<span class="vh"> ${i.incidentId}</span></button>
        </form>`;
  const title = options.resolved ? 'Recently resolved incidents' : 'Open incidents';
  return layout(
    { ...ctx, section: options.resolved ? 'resolved' : 'open' },
    {
      title,
      live: !options.resolved,
      notice: options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : undefined,
      // The filter form sits outside the live region; without JavaScript, a reload keeps the query.
      main: html`<h1>${title}</h1>
        <p class="lead">
          ${
            options.resolved
              ? html`The 50 most recently resolved incidents. <a href="/ui/incidents">Open incidents</a>`
              : html`Every incident that is not resolved, newest first.
                  <a href="/ui/incidents?status=resolved">Recently resolved incidents</a>`
          }
        </p>
        ${options.resolved ? '' : maintenanceBanner(options.maintenance ?? [])}
        ${options.resolved ? '' : filterForm(options.filter ?? { status: [], severity: [], service: '', team: '' })}
        <div id="live" ${options.resolved ? '' : html` data-refresh-seconds="${LIVE_REFRESH_SECONDS}"`}>
          ${
            incidents.length === 0
              ? html`<p>${options.resolved ? 'No resolved incidents yet.' : 'No open incidents.'}</p>`
              : table(
                  html`${incidents.length} ${options.resolved ? 'resolved' : 'open'}
                  incident${incidents.length === 1 ? '' : 's'}`,
                  [
                    { header: 'Severity', cell: (i: Incident) => severityBadge(i) },
                    {
                      header: 'Status',
                      cell: (i) =>
                        html`${statusBadge(i.status)}${
                          pagingHold(i) ? html`<br /><span class="muted">maintenance: not paged</span>` : ''
                        }`,
                    },
                    { header: 'Service', cell: (i) => i.service },
                    {
                      header: 'Incident',
                      rowHeader: true,
                      cell: (i) =>
                        html`<a href="${incidentPath(i.incidentId)}">${i.title}</a><br /><span class="muted"
                            >${i.incidentId}</span
                          >`,
                    },
                    {
                      header: options.resolved ? 'Resolved' : 'Opened',
                      cell: (i) =>
                        html`${when(options.resolved ? i.resolvedAt : i.openedAt)}<br /><span class="muted"
                            >${age((options.resolved ? i.resolvedAt : undefined) ?? i.openedAt, options.now)}</span
                          >`,
                    },
                    { header: 'Team', cell: (i) => i.team },
                    { header: 'On call / escalation', cell: (i) => escalationSummary(i) },
                    ...(canAck ? [{ header: 'Act', cell: (i: Incident) => ackButton(i) }] : []),
                  ],
                  incidents,
                )
          }
        </div>`,
    },
  );
}
