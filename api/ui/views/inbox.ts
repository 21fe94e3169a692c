import { html, type SafeHtml } from '../../../infra/html';
import type { DevInboxDocument } from '../../../infra/models';
import { LIVE_REFRESH_SECONDS, type FormState, type PageContext } from './context';
import { layout } from './layout';
import { csrfField, incidentPath, when } from './parts';
import { table } from './table';

/** How the person a text or call was for answers it here: a reply, or a key. */
function answerForm(ctx: PageContext, m: DevInboxDocument, form: FormState | undefined): SafeHtml | string {
  const answerable = m.answerable;
  if (!answerable || ctx.viewer?.person?.id !== answerable.personId) return '';
  const action = `/ui/inbox/${encodeURIComponent(m._id)}/answer`;
  if (answerable.channelType === 'sms')
    return html`<form method="post" action="${action}" class="inline">
      ${csrfField(ctx)}
      <label
        >Reply by SMS
        <input
          name="text"
          size="8"
          maxlength="160"
          placeholder="${answerable.replyCode ? `${answerable.replyCode}a` : '4821a'}"
          value="${form?.form === m._id ? (form.values?.text ?? '') : ''}"
      /></label>
      <button type="submit">Reply</button>
    </form>`;
  return html`<form method="post" action="${action}" class="inline">
    ${csrfField(ctx)}
    <button type="submit" name="digits" value="1">Press 1 (acknowledge)</button>
    <button type="submit" name="digits" value="2">Press 2 (escalate)</button>
  </form>`;
}

/** The development inbox: pages Fireline kept instead of sending, because their channel is not configured. */
export function inboxPage(
  ctx: PageContext,
  messages: DevInboxDocument[],
  state: { notice?: string; form?: FormState } = {},
): string {
  const refusal = state.form && (state.form.problem ?? Object.values(state.form.errors ?? {})[0]);
  const answering = messages.some((m) => m.answerable && m.answerable.personId === ctx.viewer?.person?.id);
  return layout(
    { ...ctx, section: 'inbox' },
    {
      title: 'Development inbox',
      // A page being answered must not reload under the typing hand.
      live: !answering,
      ...(refusal
        ? { notice: html`<p class="problem" role="alert">${refusal}</p>` }
        : state.notice
          ? { notice: html`<p class="notice" role="status">${state.notice}</p>` }
          : {}),
      main: html`<h1>Development inbox</h1>
        <p class="lead">
          <strong>Development only: these pages were not sent to anyone.</strong> No notification channel is
          configured, so Fireline keeps each page here (and prints it in the terminal) instead. Set a
          channel's variable (see <code>config/oncall-catalog.ts</code>) to send pages for real. A text or
          call to you can be answered here, as from your phone.
        </p>
        <div id="live" data-refresh-url="/ui/inbox" data-refresh-seconds="${LIVE_REFRESH_SECONDS}">
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
                    ...(answering
                      ? [{ header: 'Answer', cell: (m: DevInboxDocument) => answerForm(ctx, m, state.form) }]
                      : []),
                  ],
                  messages,
                )
          }
        </div>`,
    },
  );
}
