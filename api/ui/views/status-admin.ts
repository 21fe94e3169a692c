import {
  componentStateText,
  componentStates,
  publicUpdateStatuses,
  publicUpdateStatusText,
  type ComponentState,
  type PublicUpdateStatus,
} from '../../../domain/status-page';
import { html, type SafeHtml } from '../../../infra/html';
import type { ComponentAnswer, publicIncidentAnswer } from '../../status/service';
import type { FormState, PageContext } from './context';
import { layout } from './layout';
import { csrfField, formPageNotice, when } from './parts';
import { table } from './table';

type PublicIncident = ReturnType<typeof publicIncidentAnswer>;

const componentPath = (id: string) => `/ui/status/components/${encodeURIComponent(id)}`;
const incidentPath = (id: string) => `/ui/status/incidents/${encodeURIComponent(id)}`;

function select<T extends string>(
  id: string,
  name: string,
  options: readonly T[],
  text: Record<T, string>,
  chosen?: string,
) {
  return html`<select id="${id}" name="${name}">
    ${options.map((o) => html`<option value="${o}" ${o === chosen ? html` selected` : ''}>${text[o]}</option>`)}
  </select>`;
}

function componentActions(ctx: PageContext, c: ComponentAnswer): SafeHtml {
  const id = `override-${c.id}`;
  return html`<form method="post" action="${componentPath(c.id)}/override" class="inline">
      ${csrfField(ctx)}
      <label for="${id}" class="vh">State of ${c.name}</label>
      ${select<ComponentState>(id, 'state', componentStates, componentStateText, c.state)}
      <button type="submit">Set state<span class="vh"> of ${c.name}</span></button>
    </form>
    ${
      c.override
        ? html`<form method="post" action="${componentPath(c.id)}/clear-override" class="inline">
            ${csrfField(ctx)}
            <button type="submit">Clear override<span class="vh"> of ${c.name}</span></button>
          </form>`
        : ''
    }`;
}

function updateForm(ctx: PageContext, incident: PublicIncident, form: FormState | undefined): SafeHtml {
  const mine = form?.form === `update:${incident.id}` ? form : undefined;
  return html`<form method="post" action="${incidentPath(incident.id)}/updates" class="card">
    ${csrfField(ctx)}
    <div class="field">
      <label for="status-${incident.id}">Status</label>
      ${select<PublicUpdateStatus>(
        `status-${incident.id}`,
        'status',
        publicUpdateStatuses,
        publicUpdateStatusText,
        mine?.values?.status ?? incident.status,
      )}
    </div>
    <div class="field${mine?.errors?.body ? ' invalid' : ''}">
      <label for="body-${incident.id}">Public update</label>
      <textarea id="body-${incident.id}" name="body" rows="3" maxlength="5000" required>
${mine?.values?.body ?? ''}</textarea>
      ${mine?.errors?.body ? html`<span class="error" role="alert">${mine.errors.body}</span>` : ''}
    </div>
    <button type="submit">Post update<span class="vh"> on ${incident.title}</span></button>
  </form>`;
}

function newIncidentForm(
  ctx: PageContext,
  components: ComponentAnswer[],
  form: FormState | undefined,
): SafeHtml {
  const mine = form?.form === 'open' ? form : undefined;
  return html`<h2>New public incident</h2>
    <form method="post" action="/ui/status/incidents" class="card">
      ${csrfField(ctx)}
      <div class="field">
        <label for="open-title">Title</label>
        <input id="open-title" name="title" maxlength="200" required value="${mine?.values?.title ?? ''}" />
      </div>
      <fieldset>
        <legend>Components affected</legend>
        ${components.map(
          (c) => html`<label><input type="checkbox" name="components" value="${c.id}" /> ${c.name}</label>`,
        )}
      </fieldset>
      <div class="field">
        <label for="open-status">Status</label>
        ${select<PublicUpdateStatus>('open-status', 'status', publicUpdateStatuses, publicUpdateStatusText)}
      </div>
      <div class="field">
        <label for="open-body">First public update</label>
        <textarea id="open-body" name="body" rows="3" maxlength="5000" required>
${mine?.values?.body ?? ''}</textarea>
      </div>
      <button type="submit">Open public incident</button>
    </form>`;
}

/**
 * The status page as responders run it: each component's state (an override
 * set or cleared here), the unresolved public incidents with a form for their
 * next public update, and a form to open one. What is written here is public.
 */
export function statusAdminPage(
  ctx: PageContext,
  data: { components: ComponentAnswer[]; incidents: PublicIncident[] },
  options: { form?: FormState; notice?: string } = {},
): string {
  const mayWrite = ctx.viewer?.scopes.includes('incidents:write') || ctx.viewer?.scopes.includes('admin');
  const open = data.incidents.filter((i) => i.status !== 'resolved');
  return layout(
    { ...ctx, section: 'status' },
    {
      title: 'Status page',
      notice: formPageNotice(options.form, options.notice),
      main: html`<h1>Status page</h1>
        <p class="lead">
          What readers see on the public <a href="/status">status page</a>. Everything written here is public.
        </p>
        ${
          data.components.length === 0
            ? html`<p>
                No components yet: add them with the API or <code>fireline status add-component</code>.
              </p>`
            : table(
                html`${data.components.length} component${data.components.length === 1 ? '' : 's'}`,
                [
                  {
                    header: 'Component',
                    rowHeader: true,
                    cell: (c: ComponentAnswer) =>
                      html`${c.name}<br /><span class="muted">${c.services.join(', ')}</span>`,
                  },
                  {
                    header: 'State',
                    cell: (c) =>
                      html`<strong>${componentStateText[c.state]}</strong>${
                          c.override
                            ? html`<br /><span class="muted"
                                  >set by ${c.override.by ?? 'someone'}; the incidents say
                                  ${componentStateText[c.derived]}</span
                                >`
                            : ''
                        }`,
                  },
                  ...(mayWrite
                    ? [{ header: 'Act', cell: (c: ComponentAnswer) => componentActions(ctx, c) }]
                    : []),
                ],
                data.components,
              )
        }
        <h2>Unresolved public incidents</h2>
        ${
          open.length === 0
            ? html`<p>None.</p>`
            : open.map(
                (i) =>
                  html`<section class="card" aria-label="${i.title}">
                    <h3>${i.title}</h3>
                    <p>
                      <strong>${publicUpdateStatusText[i.status]}</strong> · ${i.components.join(', ')} ·
                      latest ${when(i.updates.at(-1)?.at)}: ${i.updates.at(-1)?.body}
                    </p>
                    ${mayWrite ? updateForm(ctx, i, options.form) : ''}
                  </section>`,
              )
        }
        ${mayWrite && data.components.length > 0 ? newIncidentForm(ctx, data.components, options.form) : ''}`,
    },
  );
}
