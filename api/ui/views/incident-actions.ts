import type { z } from 'zod';
import { incidentSeverities, type Incident } from '../../../domain/incident';
import { publicUpdateStatuses, publicUpdateStatusText } from '../../../domain/status-page';
import { incidentActions } from '../../actions/catalog';
import { fieldMaximum } from '../../actions/fields';
import { html, type SafeHtml } from '../../../infra/html';
import { type FormState, type IncidentPageData, type PageContext, refusalOn } from './context';
import { csrfField, fieldError, incidentPath } from './parts';
import { runbookForm } from './runbook-form';

/** The snooze durations offered, in seconds (the API takes any from 1 s to 7 days). */
export const SNOOZE_CHOICES: readonly { seconds: number; label: string }[] = [
  { seconds: 15 * 60, label: '15 minutes' },
  { seconds: 30 * 60, label: '30 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 2 * 3600, label: '2 hours' },
  { seconds: 4 * 3600, label: '4 hours' },
  { seconds: 8 * 3600, label: '8 hours' },
  { seconds: 24 * 3600, label: '24 hours' },
];

const limitOf = (schema: z.ZodObject, field: string): number =>
  fieldMaximum(schema.shape[field] as z.ZodType) ?? Number.MAX_SAFE_INTEGER;

/** The forms' `maxlength`s: the action catalog's limits, which the routes check. */
export const FORM_LIMITS = {
  note: limitOf(incidentActions.note.input, 'text'),
  resolution: limitOf(incidentActions.resolve.input, 'note'),
  reason: limitOf(incidentActions.escalate.input, 'reason'),
  title: limitOf(incidentActions.edit.input, 'title'),
  commander: limitOf(incidentActions.edit.input, 'commander'),
  publicUpdate: limitOf(incidentActions.publicStatus.input, 'body'),
};

interface FormParts {
  ctx: PageContext;
  incident: Incident;
  state: FormState | undefined;
}

function stateOf(parts: FormParts, form: string): FormState | undefined {
  return parts.state?.form === form ? parts.state : undefined;
}

/** One action's form: its fields, a refusal shown above the button, the button. */
function actionForm(
  parts: FormParts,
  form: string,
  path: string,
  button: string,
  fields: SafeHtml | string = '',
  buttonClass = '',
): SafeHtml {
  const problem = stateOf(parts, form)?.problem;
  return html`<form method="post" action="${incidentPath(parts.incident.incidentId)}/${path}" class="action">
    ${csrfField(parts.ctx)} ${fields} ${problem ? html`<p class="problem" role="alert">${problem}</p>` : ''}
    <button type="submit" ${buttonClass ? html` class="${buttonClass}"` : ''}>${button}</button>
  </form>`;
}

/** A labelled text field or area, with the value typed before a refusal and its error. */
function textField(
  parts: FormParts,
  form: string,
  name: string,
  label: string,
  options: { maxLength: number; area?: boolean; required?: boolean; value?: string },
): SafeHtml {
  const state = stateOf(parts, form);
  const id = `${form}-${name}`;
  const value = state?.values?.[name] ?? options.value ?? '';
  const error = state?.errors?.[name];
  const req = options.required ? html` required` : '';
  const input = options.area
    ? html`<textarea
        id="${id}"
        name="${name}"
        rows="3"
        maxlength="${options.maxLength}"
        ${req}
        aria-describedby="${id}-error"
      >
${value}</textarea>`
    : html`<input
        type="text"
        id="${id}"
        name="${name}"
        value="${value}"
        maxlength="${options.maxLength}"
        ${req}
        aria-describedby="${id}-error"
      />`;
  return html`<div class="field${error ? ' invalid' : ''}">
    <label for="${id}">${label}</label> ${input} ${fieldError(`${id}-error`, error)}
  </div>`;
}

function respondForms(parts: FormParts): SafeHtml {
  const i = parts.incident;
  const snoozeValue = stateOf(parts, 'snooze')?.values?.durationSeconds ?? String(3600);
  return html`<div class="actions">
    ${
      i.status !== 'acknowledged'
        ? actionForm(parts, 'acknowledge', 'acknowledge', 'Acknowledge', '', 'primary')
        : ''
    }
    ${actionForm(
      parts,
      'resolve',
      'resolve',
      'Resolve',
      textField(parts, 'resolve', 'note', 'Resolution note (optional)', {
        maxLength: FORM_LIMITS.resolution,
        area: true,
      }),
      'approve',
    )}
    ${actionForm(
      parts,
      'snooze',
      'snooze',
      'Snooze',
      html`<div class="field">
        <label for="snooze-durationSeconds">Snooze for</label>
        <select id="snooze-durationSeconds" name="durationSeconds">
          ${SNOOZE_CHOICES.map(
            (c) =>
              html`<option value="${c.seconds}" ${String(c.seconds) === snoozeValue ? html` selected` : ''}>
                ${c.label}
              </option>`,
          )}
        </select>
      </div>`,
    )}
    ${actionForm(
      parts,
      'escalate',
      'escalate',
      'Escalate now',
      textField(parts, 'escalate', 'reason', 'Reason (optional)', { maxLength: FORM_LIMITS.reason }),
      'reject',
    )}
    ${i.response ? actionForm(parts, 'commander', 'commander', 'Claim commander', '') : ''}
  </div>`;
}

function editForm(parts: FormParts): SafeHtml {
  const i = parts.incident;
  const state = stateOf(parts, 'edit');
  const severity = state?.values?.severity ?? i.severity;
  return actionForm(
    parts,
    'edit',
    'edit',
    'Save changes',
    html`<div class="field">
        <label for="edit-severity">Severity</label>
        <select id="edit-severity" name="severity">
          ${incidentSeverities.map(
            (s) => html`<option value="${s}" ${s === severity ? html` selected` : ''}>${s}</option>`,
          )}
        </select>
      </div>
      ${textField(parts, 'edit', 'title', 'Title', { maxLength: FORM_LIMITS.title, value: i.title })}
      ${textField(parts, 'edit', 'commander', 'Commander', {
        maxLength: FORM_LIMITS.commander,
        value: i.commander ?? '',
      })}`,
  );
}

/**
 * A public update for the status page: on the public incident about this
 * incident, or a new one on its service's components. Says so beside the
 * button, since what is written here is public, unlike a note.
 */
function publicUpdateForm(parts: FormParts): SafeHtml {
  const status = stateOf(parts, 'status')?.values?.status ?? 'investigating';
  return actionForm(
    parts,
    'status',
    'status-updates',
    'Post public update',
    html`<p class="muted">Shown to everyone on the <a href="/status">status page</a>.</p>
      <div class="field">
        <label for="status-status">Public status</label>
        <select id="status-status" name="status">
          ${publicUpdateStatuses.map(
            (s) =>
              html`<option value="${s}" ${s === status ? html` selected` : ''}>
                ${publicUpdateStatusText[s]}
              </option>`,
          )}
        </select>
      </div>
      ${textField(parts, 'status', 'body', 'Public update', {
        maxLength: FORM_LIMITS.publicUpdate,
        area: true,
        required: true,
      })}`,
  );
}

/**
 * The incident page's actions, each shown only to a viewer whose key and
 * person's rights allow it on this incident: acknowledge, resolve, snooze,
 * escalate, note, edit and a public update (`incidents:write`), start and cancel runbooks
 * (`runbooks:run`). Every form is a plain POST with the CSRF token, so the
 * page works without JavaScript.
 */
export function actionsSection(ctx: PageContext, data: IncidentPageData): SafeHtml {
  const incident = data.incident;
  const parts: FormParts = { ctx, incident, state: data.form };
  const open = incident.status !== 'resolved';
  const writeRefusal = refusalOn(ctx.viewer, 'incidents:write', incident);
  const runRefusal = refusalOn(ctx.viewer, 'runbooks:run', incident);
  const canWrite = writeRefusal === undefined;
  const canRun = runRefusal === undefined;
  const running = (incident.runbookRuns ?? []).filter((r) => r.status === 'running');
  const lacking = [...new Set([writeRefusal, runRefusal].filter((r) => r !== undefined))];
  return html`<section aria-labelledby="respond-heading">
    <h2 id="respond-heading">Respond</h2>
    ${lacking.length ? html`<p class="muted">Some actions are not shown: ${lacking.join('; ')}.</p>` : ''}
    ${open && canWrite ? respondForms(parts) : ''}
    ${
      canWrite
        ? html`<div class="actions">
            ${actionForm(
              parts,
              'note',
              'notes',
              'Add note',
              textField(parts, 'note', 'text', 'Note', {
                maxLength: FORM_LIMITS.note,
                area: true,
                required: true,
              }),
            )}
            ${editForm(parts)} ${publicUpdateForm(parts)}
          </div>`
        : ''
    }
    ${
      open && canRun && running.length
        ? html`<h3>Running runbooks</h3>
            <div class="actions">
              ${running.map((run) =>
                actionForm(
                  parts,
                  `cancel:${run.runId}`,
                  `runbooks/${encodeURIComponent(run.runId)}/cancel`,
                  `Cancel ${run.runbookId} (${run.runId})`,
                  '',
                  'reject',
                ),
              )}
            </div>`
        : ''
    }
    ${
      open && canRun && data.runbooks.length
        ? html`<h3>Start a runbook</h3>
            ${data.runbooks.map((meta) => runbookForm(ctx, incident.incidentId, meta, data.form))}`
        : ''
    }
  </section>`;
}
