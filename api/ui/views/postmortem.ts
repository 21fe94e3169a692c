import type { Postmortem } from '../../../domain/postmortem';
import { html } from '../../../infra/html';
import { postmortemHtml } from '../../postmortems/render';
import type { PageContext } from './context';
import { layout } from './layout';
import { incidentPath } from './parts';

export function postmortemPage(ctx: PageContext, pm: Postmortem): string {
  return layout(
    { ...ctx, section: 'postmortems' },
    {
      title: `Post-mortem: ${pm.title}`,
      main: html`<p>
          <a href="${incidentPath(pm.incidentId)}">Incident ${pm.incidentId}</a> ·
          <a href="/ui/postmortems">All post-mortems</a>
        </p>
        <article class="postmortem">${postmortemHtml(pm)}</article>`,
    },
  );
}
