import { html } from '../../../infra/html';
import type { DevInboxDocument } from '../../../infra/models';
import { LIVE_REFRESH_SECONDS, type PageContext } from './context';
import { layout } from './layout';
import { incidentPath, when } from './parts';
import { table } from './table';

/** The development inbox: pages Fireline kept instead of sending, because their channel is not configured. */
export function inboxPage(ctx: PageContext, messages: DevInboxDocument[]): string {
  return layout(
    { ...ctx, section: 'inbox' },
    {
      title: 'Development inbox',
      live: true,
      main: html`<h1>Development inbox</h1>
        <p class="lead">
          <strong>Development only: these pages were not sent to anyone.</strong> No notification channel is
          configured, so Fireline keeps each page here (and prints it in the terminal) instead. Set a
          channel's variable (see <code>config/oncall-catalog.ts</code>) to send pages for real.
        </p>
        <div id="live" data-refresh-seconds="${LIVE_REFRESH_SECONDS}">
          ${
            messages.length === 0
              ? html`<p>
                  No pages yet. Send an alert (<code>npx fireline trigger --service web --summary test</code
                  >).
                </p>`
              : table(
                  `${messages.length} page${messages.length === 1 ? '' : 's'}, newest first`,
                  [
                    { header: 'When', cell: (m: DevInboxDocument) => when(new Date(m.at).toISOString()) },
                    {
                      header: 'Incident',
                      rowHeader: true,
                      // A contact method's code or test page (`contact:<person>:<method>`) is no incident.
                      cell: (m) =>
                        m.incidentId.startsWith('contact:')
                          ? html`${m.title}<br /><span class="muted">${m.incidentId}</span>`
                          : html`<a href="${incidentPath(m.incidentId)}">${m.title}</a><br /><span
                                class="muted"
                                >${m.incidentId}</span
                              >`,
                    },
                    { header: 'Severity', cell: (m) => m.severity },
                    { header: 'For', cell: (m) => m.label },
                    { header: 'Why', cell: (m) => m.reason },
                    { header: 'Not sent', cell: (m) => html`<code>${m.missing}</code> is not set` },
                  ],
                  messages,
                )
          }
        </div>`,
    },
  );
}
