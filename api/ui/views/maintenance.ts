import { coveredText } from '../../../domain/maintenance';
import { html, type SafeHtml } from '../../../infra/html';
import type { MaintenanceWindowAnswer } from '../../maintenance/service';
import { type FormState, type PageContext, mayDo } from './context';
import { layout } from './layout';
import { csrfField, fieldsOf, formPageNotice, inputOf, when } from './parts';
import { table } from './table';

const windowPath = (id: string) => `/ui/maintenance/${encodeURIComponent(id)}`;

/** When a window holds paging: its occurrence under way, or the next. */
export function windowWhen(w: MaintenanceWindowAnswer): SafeHtml {
  const o = w.occurrence;
  if (!o) return html`over, ended ${when(w.endsAt)}`;
  return html`${w.active ? html`<strong>under way</strong>, until` : html`from ${when(o.startsAt)} to`}
  ${when(o.endsAt)}${w.weekly ? html`<br /><span class="muted">every week (${w.weekly.timeZone})</span>` : ''}`;
}

function rowActions(ctx: PageContext, w: MaintenanceWindowAnswer): SafeHtml {
  const button = (action: string, label: string, kind = '') =>
    html`<form method="post" action="${windowPath(w.id)}/${action}" class="inline">
      ${csrfField(ctx)}
      <button type="submit" ${kind ? html`class="${kind}"` : ''}>
        ${label}<span class="vh"> ${w.id}</span>
      </button>
    </form>`;
  return html`${w.active ? button('end', 'End now') : ''} ${button('delete', 'Delete', 'reject')}`;
}

/** The windows under way and to come, as a table (the board and the service pages show it too). */
export function maintenanceTable(
  ctx: PageContext,
  windows: MaintenanceWindowAnswer[],
  options: { actions?: boolean } = {},
): SafeHtml {
  return table(
    html`${windows.length} maintenance window${windows.length === 1 ? '' : 's'}`,
    [
      { header: 'Covers', rowHeader: true, cell: (w: MaintenanceWindowAnswer) => coveredText(w) },
      { header: 'When', cell: (w) => windowWhen(w) },
      {
        header: 'Reason',
        cell: (w) =>
          html`${w.reason}<br /><span class="muted"
              >by ${w.createdBy}${w.silenceSev1 ? ', SEV1 silenced too' : ''}</span
            >`,
      },
      ...(options.actions
        ? [{ header: 'Act', cell: (w: MaintenanceWindowAnswer) => rowActions(ctx, w) }]
        : []),
    ],
    windows,
  );
}

/** A banner of the windows under way: on the board, so nobody wonders why nothing paged. */
export function maintenanceBanner(windows: MaintenanceWindowAnswer[]): SafeHtml {
  const active = windows.filter((w) => w.active);
  if (active.length === 0) return html``;
  return html`<div class="notice" role="status">
    <strong>Maintenance under way:</strong>
    ${active.map(
      (w, i) => html`${i > 0 ? '; ' : ''}${coveredText(w)} until ${when(w.occurrence?.endsAt)} (${w.reason})`,
    )}.
    Their alerts are recorded and page nobody. <a href="/ui/maintenance">Maintenance windows</a>
  </div>`;
}

/** Every window under way or to come; end, delete, and a form to make one. */
export function maintenancePage(
  ctx: PageContext,
  windows: MaintenanceWindowAnswer[],
  options: { form?: FormState; notice?: string } = {},
): string {
  const { form } = options;
  const field = fieldsOf(
    form?.form === 'create' ? (form.values ?? {}) : {},
    form?.form === 'create' ? form : undefined,
  );
  const mayWrite = mayDo(ctx.viewer, 'incidents:write');
  const silence = form?.form === 'create' && form.values?.silenceSev1 === 'on' ? html`checked` : html``;
  return layout(
    { ...ctx, section: 'maintenance' },
    {
      title: 'Maintenance',
      notice: formPageNotice(form, options.notice),
      main: html`<h1>Maintenance windows</h1>
        <p class="lead">
          During a window, alerts of its services are recorded and shown but page nobody; an incident still
          triggered when it ends pages then. SEV1 incidents page anyway unless the window silences them.
        </p>
        ${
          windows.length === 0
            ? html`<p>No maintenance under way or planned.</p>`
            : maintenanceTable(ctx, windows, { actions: mayWrite })
        }
        ${
          mayWrite
            ? html`<h2>New maintenance window</h2>
                <form method="post" action="/ui/maintenance" class="card">
                  ${csrfField(ctx)}
                  ${field('services', 'Services', inputOf('text', 'services'), 'separated by commas; or a team below')}
                  ${field('team', 'Team', inputOf('text', 'team'), 'every service of the team')}
                  ${field('startsAt', 'Starts at', inputOf('text', 'startsAt'), 'ISO 8601 with its offset, e.g. 2026-12-06T22:00:00Z; empty for now')}
                  ${field('durationMinutes', 'Duration (minutes)', inputOf('number', 'durationMinutes', html`min="1" required`))}
                  ${field('reason', 'Reason', inputOf('text', 'reason', html`required`), 'what the work is')}
                  ${field(
                    'silenceSev1',
                    'Silence SEV1 incidents too',
                    (id, _value, describedBy) =>
                      html`<input
                        type="checkbox"
                        id="${id}"
                        name="silenceSev1"
                        value="on"
                        ${silence}
                        aria-describedby="${describedBy}"
                      />`,
                  )}
                  ${field('weekly.timeZone', 'Repeat weekly in time zone', inputOf('text', 'weekly.timeZone'), 'e.g. Europe/London; empty for once')}
                  <button type="submit">Make window</button>
                </form>`
            : ''
        }`,
    },
  );
}
