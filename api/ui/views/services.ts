import { html } from '../../../infra/html';
import type { ServiceView } from '../../oncall/services';
import type { PageContext } from './context';
import { layout } from './layout';
import type { MaintenanceWindowAnswer } from '../../maintenance/service';
import { maintenanceTable } from './maintenance';
import { when } from './parts';
import { table } from './table';

const servicePath = (id: string) => `/ui/services/${encodeURIComponent(id)}`;
const managed = (s: ServiceView) =>
  s.managedBy === 'file'
    ? 'the catalog file'
    : s.managedBy === 'config'
      ? 'a configuration file'
      : `the API (revision ${s.revision})`;

/** Every service: its team, escalation policy and integrations. */
export function servicesPage(ctx: PageContext, services: ServiceView[]): string {
  return layout(
    { ...ctx, section: 'services' },
    {
      title: 'Services',
      main: html`<h1>Services</h1>
        <p class="lead">
          What alerts name. A service's escalation policy and team page its alerts that no triage rule
          matches; its integrations are the routing keys and tokens senders use.
        </p>
        ${
          services.length === 0
            ? html`<p>
                No services yet: make one with <code>POST /v1/services</code> or
                <code>fireline services apply</code>.
              </p>`
            : table(
                html`${services.length} service${services.length === 1 ? '' : 's'}`,
                [
                  {
                    header: 'Service',
                    rowHeader: true,
                    cell: (s: ServiceView) =>
                      html`<a href="${servicePath(s.id)}">${s.name}</a><br /><span class="muted"
                          >${s.id}</span
                        >`,
                  },
                  { header: 'Team', cell: (s) => s.team ?? '—' },
                  { header: 'Escalation policy', cell: (s) => s.escalationPolicy ?? '—' },
                  {
                    header: 'Integrations',
                    cell: (s) => s.integrations.map((i) => i.type).join(', ') || 'none',
                  },
                ],
                services,
              )
        }`,
    },
  );
}

/** One service: what pages for it, who changed it, how senders reach it, and its open incidents. */
export function servicePage(
  ctx: PageContext,
  service: ServiceView,
  maintenance: MaintenanceWindowAnswer[] = [],
): string {
  return layout(
    { ...ctx, section: 'services' },
    {
      title: service.name,
      main: html`<h1>${service.name}</h1>
        <p class="lead">${service.description ?? html`Alerts name it <code>${service.id}</code>.`}</p>
        <dl class="facts">
          <dt>Id</dt>
          <dd><code>${service.id}</code></dd>
          <dt>Owning team</dt>
          <dd>${service.team ?? 'none'}</dd>
          <dt>Escalation policy</dt>
          <dd>${service.escalationPolicy ?? 'none: the default triage rule’s'}</dd>
          <dt>Managed by</dt>
          <dd>${managed(service)}</dd>
          ${
            service.managedBy !== 'file'
              ? html`<dt>Last changed</dt>
                  <dd>${when(service.updatedAt)} by ${service.updatedBy}</dd>`
              : ''
          }
        </dl>
        <p><a href="/ui/incidents?service=${encodeURIComponent(service.id)}">Its open incidents</a></p>
        <h2>Integrations</h2>
        ${
          service.integrations.length === 0
            ? html`<p>
                None: add one with <code>fireline services add-integration ${service.id} pagerduty</code>.
              </p>`
            : table(
                html`How senders reach ${service.name} (secrets are shown once, when made)`,
                [
                  {
                    header: 'Integration',
                    rowHeader: true,
                    cell: (i) => html`${i.name ?? i.type}<br /><span class="muted">${i.id}</span>`,
                  },
                  { header: 'Type', cell: (i) => i.type },
                  { header: 'Secret ends', cell: (i) => html`<code>…${i.secretHint}</code>` },
                  { header: 'Made', cell: (i) => html`${when(i.createdAt)} by ${i.origin ?? i.createdBy}` },
                ],
                service.integrations,
              )
        }
        <h2>Maintenance</h2>
        ${
          maintenance.length === 0
            ? html`<p>No maintenance under way or planned. <a href="/ui/maintenance">Plan one</a></p>`
            : maintenanceTable(ctx, maintenance)
        }`,
    },
  );
}
