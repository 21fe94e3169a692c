import type { Incident } from '../../../domain/incident';
import { html } from '../../../infra/html';
import { LIVE_REFRESH_SECONDS, type PageContext } from './context';
import { layout } from './layout';
import { age, escalationSummary, incidentPath, severityBadge, statusBadge, when } from './parts';
import { table } from './table';

export function incidentsPage(
  ctx: PageContext,
  incidents: Incident[],
  options: { resolved: boolean; now: Date },
): string {
  const title = options.resolved ? 'Recently resolved incidents' : 'Open incidents';
  return layout(
    { ...ctx, section: options.resolved ? 'resolved' : 'open' },
    {
      title,
      live: !options.resolved,
      main: html`<h1>${title}</h1>
        <p class="lead">
          ${
            options.resolved
              ? html`The 50 most recently resolved incidents. <a href="/ui/incidents">Open incidents</a>`
              : html`Every incident that is not resolved, newest first.
                  <a href="/ui/incidents?status=resolved">Recently resolved incidents</a>`
          }
        </p>
        <div id="live" ${options.resolved ? '' : html` data-refresh-seconds="${LIVE_REFRESH_SECONDS}"`}>
          ${
            incidents.length === 0
              ? html`<p>${options.resolved ? 'No resolved incidents yet.' : 'No open incidents.'}</p>`
              : table(
                  html`${incidents.length} ${options.resolved ? 'resolved' : 'open'}
                  incident${incidents.length === 1 ? '' : 's'}`,
                  [
                    { header: 'Severity', cell: (i: Incident) => severityBadge(i) },
                    { header: 'Status', cell: (i) => statusBadge(i.status) },
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
                  ],
                  incidents,
                )
          }
        </div>`,
    },
  );
}
