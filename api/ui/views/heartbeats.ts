import { describeSeconds } from '../../../domain/heartbeats';
import { html, type SafeHtml } from '../../../infra/html';
import type { HeartbeatAnswer } from '../../heartbeats/service';
import type { FormState, PageContext } from './context';
import { layout } from './layout';
import { csrfField, fieldsOf, formPageNotice, inputOf, when } from './parts';
import { table } from './table';

const heartbeatPath = (name: string) => `/ui/heartbeats/${encodeURIComponent(name)}`;

function rowActions(ctx: PageContext, h: HeartbeatAnswer): SafeHtml {
  const button = (action: string, label: string, kind = '') =>
    html`<form method="post" action="${heartbeatPath(h.name)}/${action}" class="inline">
      ${csrfField(ctx)}
      <button type="submit" ${kind ? html`class="${kind}"` : ''}>
        ${label}<span class="vh"> ${h.name}</span>
      </button>
    </form>`;
  return html`${h.paused ? button('resume', 'Resume') : button('pause', 'Pause')}
  ${button('delete', 'Delete', 'reject')}`;
}

function status(h: HeartbeatAnswer): SafeHtml {
  const s = h.state?.status;
  if (!s) return html`<span class="muted">unknown: its workflow did not answer</span>`;
  if (s === 'missed') return html`<strong class="outcome-failed">missed</strong>: an incident is open`;
  if (s === 'paused') return html`<strong>paused</strong>`;
  if (s === 'waiting')
    return html`waiting for a first ping${h.state?.dueBy ? html`, due by ${when(h.state.dueBy)}` : ''}`;
  return html`<strong class="outcome-succeeded">up</strong
    >${h.state?.dueBy ? html`, next due by ${when(h.state.dueBy)}` : ''}`;
}

/** Every heartbeat with its state and last ping; pause, resume, delete, and a form to make one. */
export function heartbeatsPage(
  ctx: PageContext,
  heartbeats: HeartbeatAnswer[],
  options: { form?: FormState; notice?: string; made?: { name: string; pingUrl: string } } = {},
): string {
  const { form } = options;
  const field = fieldsOf(
    form?.form === 'create' ? (form.values ?? {}) : {},
    form?.form === 'create' ? form : undefined,
  );
  const mayWrite = ctx.viewer?.scopes.includes('oncall:write') || ctx.viewer?.scopes.includes('admin');
  return layout(
    { ...ctx, section: 'heartbeats' },
    {
      title: 'Heartbeats',
      notice: options.made
        ? html`<p class="notice" role="status">
            Heartbeat ${options.made.name} is made. Its ping URL, shown this once:
            <code class="secret">${options.made.pingUrl}</code>
          </p>`
        : formPageNotice(form, options.notice),
      main: html`<h1>Heartbeats</h1>
        <p class="lead">
          Jobs and pipelines that must ping: silent past their interval and grace, an incident opens on their
          service, and the next ping resolves it.
        </p>
        ${
          heartbeats.length === 0
            ? html`<p>No heartbeats yet.</p>`
            : table(
                html`${heartbeats.length} heartbeat${heartbeats.length === 1 ? '' : 's'}`,
                [
                  {
                    header: 'Heartbeat',
                    rowHeader: true,
                    cell: (h: HeartbeatAnswer) =>
                      html`${h.name}<br /><span class="muted">${h.service}</span>`,
                  },
                  {
                    header: 'Expects',
                    cell: (h) =>
                      `every ${describeSeconds(h.intervalSeconds)}${h.graceSeconds ? `, grace ${describeSeconds(h.graceSeconds)}` : ''}`,
                  },
                  { header: 'State', cell: (h) => status(h) },
                  {
                    header: 'Last ping',
                    cell: (h) => (h.state?.lastPingAt ? when(h.state.lastPingAt) : 'none yet'),
                  },
                  ...(mayWrite ? [{ header: 'Act', cell: (h: HeartbeatAnswer) => rowActions(ctx, h) }] : []),
                ],
                heartbeats,
              )
        }
        ${
          mayWrite
            ? html`<h2>New heartbeat</h2>
                <form method="post" action="/ui/heartbeats" class="card">
                  ${csrfField(ctx)}
                  ${field('name', 'Name', inputOf('text', 'name', html`required`), 'lower-case letters, digits and dashes')}
                  ${field('service', 'Service', inputOf('text', 'service', html`required`))}
                  ${field('intervalSeconds', 'Interval (seconds)', inputOf('number', 'intervalSeconds', html`min="1" required`))}
                  ${field('graceSeconds', 'Grace (seconds)', inputOf('number', 'graceSeconds', html`min="0"`))}
                  <button type="submit">Make heartbeat</button>
                </form>`
            : ''
        }`,
    },
  );
}
