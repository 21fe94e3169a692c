import { pagingHold } from '../../../domain/maintenance';
import type { Incident, TargetRef } from '../../../domain/incident';
import { html, type SafeHtml } from '../../../infra/html';
import { CSRF_FIELD } from '../session';
import type { PageContext } from './context';

export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${ctx.csrfToken}" />`;
}

/** `2026-11-26 10:00:05 UTC` in a <time> element. */
export function when(iso: string | null | undefined): SafeHtml {
  if (!iso) return html`<span class="muted">—</span>`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return html`${iso}`;
  const exact = date.toISOString();
  return html`<time datetime="${exact}">${exact.replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC')}</time>`;
}

export function age(iso: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 90) return `${seconds}s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export function severityBadge(i: Pick<Incident, 'severity' | 'priority' | 'major'>): SafeHtml {
  return html`<span class="badge sev-${i.severity}">${i.severity}</span>
    ${i.priority}${i.major ? html` <strong>major</strong>` : ''}`;
}

export function statusBadge(status: string): SafeHtml {
  return html`<span class="badge status-${status}">${status}</span>`;
}

export function outcome(text: string): SafeHtml {
  return html`<span class="outcome-${text}">${text}</span>`;
}

function target(t: TargetRef): string {
  return `${t.type} ${t.id}`;
}

/** Who the incident is with right now, from its escalation state. */
export function escalationSummary(i: Incident): string {
  if (i.status === 'resolved') return i.resolvedBy ? `Resolved by ${i.resolvedBy}` : 'Resolved';
  if (i.status === 'acknowledged') return `Acknowledged by ${i.acknowledgedBy ?? 'someone'}`;
  const esc = i.escalation;
  if (!esc?.policy) return 'Not triaged yet';
  const snoozed = i.status === 'snoozed' ? 'Snoozed; escalation restarts at level 1 afterwards. ' : '';
  const hold = pagingHold(i);
  if (hold)
    return `${snoozed}Nobody paged: maintenance window ${hold.windowId} until ${hold.until} (${hold.reason}); level ${esc.level + 1} pages then if still triggered`;
  if (esc.exhausted) {
    return `${snoozed}Escalation exhausted (${esc.policy.name})${esc.fallbackNotified ? `; fallback notified: ${esc.policy.fallback.map(target).join(', ') || 'none'}` : ''}`;
  }
  const levels = esc.policy.levels;
  const pass = esc.policy.repeat > 0 ? `, pass ${esc.round + 1} of ${esc.policy.repeat + 1}` : '';
  const targets = levels[esc.level]?.targets.map(target).join(', ') || 'no targets';
  return `${snoozed}Level ${esc.level + 1} of ${levels.length}${pass}: ${targets}${esc.levelNotified ? '' : ' (being notified)'}`;
}

export function incidentPath(id: string): string {
  return `/ui/incidents/${encodeURIComponent(id)}`;
}

export function postmortemPath(id: string): string {
  return `/ui/postmortems/${encodeURIComponent(id)}`;
}

/** A field's validation error, announced to screen readers; empty when there is none. */
export function fieldError(id: string, error: string | undefined): SafeHtml {
  return error
    ? html`<span class="error" id="${id}" role="alert">${error}</span>`
    : html`<span id="${id}" hidden></span>`;
}

/** An input of a form field, given its id, its value and what describes it (error, hint). */
export type FieldInput = (id: string, value: string, describedBy: string) => SafeHtml;

/** A labelled field of a form, with its hint and its validation error, as every form of the web UI shows one. */
export function formField(options: {
  id: string;
  label: string;
  value: string;
  error?: string;
  hint?: string;
  input: FieldInput;
}): SafeHtml {
  const { id, error, hint } = options;
  return html`<div class="field${error ? ' invalid' : ''}">
    <label for="${id}">${options.label}</label>
    ${hint ? html`<span class="help" id="${id}-hint">${hint}</span>` : ''}
    ${options.input(id, options.value, `${id}-error${hint ? ` ${id}-hint` : ''}`)}
    ${fieldError(`${id}-error`, error)}
  </div>`;
}

/** A plain `<input>` of a field: its type, its name, and any more attributes. */
export function inputOf(type: string, name: string, extra: SafeHtml = html``): FieldInput {
  return (id, value, describedBy) =>
    html`<input
      type="${type}"
      id="${id}"
      name="${name}"
      value="${value}"
      aria-describedby="${describedBy}"
      ${extra}
    />`;
}

/** The fields of a form that shows `values` (as stored, or as typed before a refusal) and a refusal's errors. */
export function fieldsOf(
  values: Record<string, string>,
  form: { errors?: Record<string, string> } | undefined,
) {
  return (name: string, label: string, input: FieldInput, hint?: string): SafeHtml =>
    formField({
      id: `f-${name.replaceAll('.', '-')}`,
      label,
      value: values[name] ?? '',
      error: form?.errors?.[name],
      ...(hint ? { hint } : {}),
      input,
    });
}

/** Who keeps an object of the on-call model, as its page says: read-only unless made at run time. */
export function managedNote(
  object: { managedBy: 'file' } | { managedBy: 'api' | 'config'; revision: number; updatedBy: string },
): SafeHtml {
  if (object.managedBy === 'file')
    return html`Managed by the catalog file (config/oncall-catalog.ts): change it there.`;
  if (object.managedBy === 'config')
    return html`Managed by a configuration file (fireline config apply), revision ${object.revision}: change
    it there.`;
  return html`Made at run time; revision ${object.revision}, by ${object.updatedBy}. A change applies to the
  next page, open incidents included.`;
}

/**
 * The editing part of an on-call object's page: the form that defines or
 * changes it, and the delete button of one made at run time; for a viewer
 * without `oncall:write`, why there is no form.
 */
export function editorSections(
  ctx: PageContext,
  options: {
    /** `schedules`, `policies`: what a viewer without the right cannot change. */
    kinds: string;
    object:
      | { name: string; managedBy: 'file' }
      | { name: string; managedBy: 'api' | 'config'; revision: number }
      | undefined;
    canWrite: boolean;
    editable: boolean;
    action: string;
    form: SafeHtml;
  },
): SafeHtml {
  const { object, action } = options;
  const edit = options.editable
    ? html`<section aria-labelledby="edit-heading">
        <h2 id="edit-heading">${object ? 'Change it' : 'Define it'}</h2>
        ${options.form}
      </section>`
    : !options.canWrite
      ? html`<p class="muted">
          Your key lacks <code>oncall:write</code>: you cannot change ${options.kinds}.
        </p>`
      : '';
  const remove =
    options.editable && object?.managedBy === 'api'
      ? html`<form method="post" action="${action}/delete" class="inline">
          ${csrfField(ctx)}<input type="hidden" name="revision" value="${object.revision}" />
          <button type="submit" class="reject">Delete ${object.name}</button>
        </form>`
      : '';
  return html`${edit} ${remove}`;
}

/**
 * A form page's banner: why a sent form was refused (its own problem, or that
 * fields are named below), else the notice of what was just done.
 */
export function formPageNotice(
  form: { problem?: string; errors?: Record<string, string> } | undefined,
  notice: string | undefined,
): SafeHtml | undefined {
  const problem = form?.problem ?? (form?.errors ? 'Some fields need fixing: see below.' : undefined);
  if (problem) return html`<p class="problem" role="alert">${problem}</p>`;
  return notice ? html`<p class="notice" role="status">${notice}</p>` : undefined;
}
