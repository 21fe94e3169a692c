import type { Postmortem } from '../../../domain/postmortem';
import { html } from '../../../infra/html';
import type { PageContext } from './context';
import { layout } from './layout';
import { postmortemPath, severityBadge, when } from './parts';
import { table } from './table';

export function postmortemsPage(ctx: PageContext, postmortems: Postmortem[]): string {
  return layout(
    { ...ctx, section: 'postmortems' },
    {
      title: 'Post-mortems',
      main: html`<h1>Post-mortems</h1>
        <p class="lead">Drafted when an incident resolves; the 100 most recent, by detection time.</p>
        ${
          postmortems.length === 0
            ? html`<p>No post-mortems yet.</p>`
            : table(
                html`${postmortems.length} post-mortem${postmortems.length === 1 ? '' : 's'}`,
                [
                  {
                    header: 'Post-mortem',
                    rowHeader: true,
                    cell: (pm: Postmortem) =>
                      html`<a href="${postmortemPath(pm.postmortemId)}">${pm.title}</a><br /><span
                          class="muted"
                          >${pm.postmortemId}</span
                        >`,
                  },
                  { header: 'Severity', cell: (pm) => severityBadge(pm) },
                  { header: 'Service', cell: (pm) => pm.service },
                  { header: 'Status', cell: (pm) => pm.status },
                  { header: 'Owner', cell: (pm) => pm.owner },
                  { header: 'Detected', cell: (pm) => when(pm.times.detectedAt) },
                  { header: 'Resolved', cell: (pm) => when(pm.times.resolvedAt) },
                ],
                postmortems,
              )
        }`,
    },
  );
}
