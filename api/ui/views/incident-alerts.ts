import type { Incident, IncidentAlert } from '../../../domain/incident';
import { html, type SafeHtml } from '../../../infra/html';
import { when } from './parts';
import { table } from './table';

/** The incident page's alerts: one row per dedup key, with how often it fired, instead of one line per duplicate. */
export function alertsSection(incident: Incident): SafeHtml {
  const alerts = incident.alerts ?? [];
  if (alerts.length === 0) return html``;
  const unlisted = incident.unlistedAlerts;
  const firing = alerts.filter((a) => a.state === 'firing').length + (unlisted?.firing.length ?? 0);
  const total = alerts.length + (unlisted?.count ?? 0);
  const grouping = incident.grouping
    ? html`<p class="muted">
        Grouped by rule ${incident.grouping.ruleId} (${incident.grouping.values.join(' · ')});
        ${
          incident.grouping.resolve === 'manual'
            ? 'stays open until a person resolves it.'
            : 'resolves when its last firing alert resolves.'
        }
      </p>`
    : '';
  return html`<section aria-labelledby="alerts-heading">
    <h2 id="alerts-heading">Alerts</h2>
    ${grouping}
    ${table<IncidentAlert>(
      `${total} alert${total === 1 ? '' : 's'}, ${firing} firing; ${incident.alertCount} received` +
        (unlisted ? `; the first ${alerts.length} listed, the rest counted` : ''),
      [
        { header: 'Dedup key', cell: (a) => a.dedupKey, rowHeader: true },
        { header: 'Summary', cell: (a) => a.summary },
        {
          header: 'State',
          cell: (a) => (a.state === 'resolved' ? html`resolved ${when(a.resolvedAt)}` : 'firing'),
        },
        { header: 'Fired', cell: (a) => String(a.count), className: 'num' },
        { header: 'First seen', cell: (a) => when(a.firstSeenAt) },
        { header: 'Last seen', cell: (a) => when(a.lastSeenAt) },
      ],
      alerts,
    )}
  </section>`;
}
