import type { RunbookMeta } from '../../../domain/runbook';
import { html, type SafeHtml } from '../../../infra/html';
import type { FormState } from './context';
import { csrfField, fieldError, incidentPath } from './parts';
import type { PageContext } from './context';

/** The part of a parameter's JSON Schema the form understands. */
export interface ParamSchema {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  title?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

/** The runbook's parameters, in the order its schema lists them, and which are required. */
export function runbookParameters(
  meta: RunbookMeta,
): { name: string; schema: ParamSchema; required: boolean }[] {
  const properties = (meta.parameters.properties ?? {}) as Record<string, ParamSchema>;
  const required = new Set((meta.parameters.required ?? []) as string[]);
  return Object.entries(properties).map(([name, schema]) => ({ name, schema, required: required.has(name) }));
}

/** The form field of a parameter: `param.<name>`. */
export const paramField = (name: string) => `param.${name}`;

/**
 * Turns the submitted fields into the runbook's parameters, typed as its
 * schema says: numbers and integers parsed, a checkbox as a boolean, an
 * empty optional field left out (so the schema's default applies). What does
 * not parse is passed on as typed, for the JSON Schema check to name.
 */
export function paramsFromForm(meta: RunbookMeta, body: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const { name, schema } of runbookParameters(meta)) {
    const raw = body[paramField(name)];
    const value = typeof raw === 'string' ? raw.trim() : undefined;
    if (schema.type === 'boolean') {
      params[name] = value === 'true';
      continue;
    }
    if (value === undefined || value === '') continue;
    if (schema.type === 'integer' || schema.type === 'number') {
      const n = Number(value);
      params[name] = Number.isFinite(n) ? n : value;
    } else {
      params[name] = value;
    }
  }
  return params;
}

function describe(schema: ParamSchema, required: boolean): string {
  const parts: string[] = [];
  if (schema.description) parts.push(schema.description);
  if (schema.minimum !== undefined || schema.maximum !== undefined)
    parts.push(`From ${schema.minimum ?? '…'} to ${schema.maximum ?? '…'}.`);
  if (schema.format === 'uri') parts.push('A URL.');
  if (schema.default !== undefined && !required) parts.push(`Default: ${JSON.stringify(schema.default)}.`);
  return parts.join(' ');
}

/** A default or enum value as a form field shows it. */
function formValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function control(
  id: string,
  name: string,
  schema: ParamSchema,
  required: boolean,
  value: string | undefined,
  describedBy: string,
): SafeHtml {
  const current = value ?? (schema.default === undefined ? '' : formValue(schema.default));
  const req = required ? html` required` : '';
  if (Array.isArray(schema.enum)) {
    return html`<select id="${id}" name="${name}" ${req} aria-describedby="${describedBy}">
      ${required ? '' : html`<option value="">(default)</option>`}
      ${schema.enum.map(
        (option) =>
          html`<option value="${formValue(option)}" ${formValue(option) === current ? html` selected` : ''}>
            ${formValue(option)}
          </option>`,
      )}
    </select>`;
  }
  if (schema.type === 'boolean') {
    return html`<select id="${id}" name="${name}" aria-describedby="${describedBy}">
      <option value="false" ${current !== 'true' ? html` selected` : ''}>no</option>
      <option value="true" ${current === 'true' ? html` selected` : ''}>yes</option>
    </select>`;
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    return html`<input
      type="number"
      id="${id}"
      name="${name}"
      value="${current}"
      ${schema.minimum !== undefined ? html` min="${schema.minimum}"` : ''}
      ${schema.maximum !== undefined ? html` max="${schema.maximum}"` : ''}
      step="${schema.type === 'integer' ? '1' : 'any'}"
      ${req}
      aria-describedby="${describedBy}"
    />`;
  }
  return html`<input
    type="${schema.format === 'uri' ? 'url' : 'text'}"
    id="${id}"
    name="${name}"
    value="${current}"
    ${schema.maxLength !== undefined ? html` maxlength="${schema.maxLength}"` : ''}
    ${schema.pattern !== undefined ? html` pattern="${schema.pattern}"` : ''}
    ${req}
    aria-describedby="${describedBy}"
  />`;
}

/**
 * A form that starts the runbook on the incident, generated from its
 * parameters' JSON Schema: one field per parameter (a list for an enum, a
 * number field with its bounds, a text or URL field), its description and
 * default shown, and the API's validation errors next to the fields after a refusal.
 */
export function runbookForm(
  ctx: PageContext,
  incidentId: string,
  meta: RunbookMeta,
  state: FormState | undefined,
): SafeHtml {
  const formId = `runbook:${meta.id}`;
  const mine = state?.form === formId ? state : undefined;
  const fields = runbookParameters(meta).map(({ name, schema, required }) => {
    const id = `rb-${meta.id}-${name}`;
    const field = paramField(name);
    const error = mine?.errors?.[field];
    const help = describe(schema, required);
    return html`<div class="field${error ? ' invalid' : ''}">
      <label for="${id}"
        >${schema.title ?? name}${required ? html` <span class="req">(required)</span>` : ''}</label
      >
      ${control(id, field, schema, required, mine?.values?.[field], `${id}-help ${id}-error`)}
      <span class="help" id="${id}-help">${help}</span>
      ${fieldError(`${id}-error`, error)}
    </div>`;
  });
  return html`<details class="runbook" ${mine ? html` open` : ''}>
    <summary>
      ${meta.title}
      <span class="muted">(${meta.id}, ${meta.mode === 'approval' ? 'asks for approval' : 'automatic'})</span>
    </summary>
    <p class="muted">${meta.description}</p>
    <form method="post" action="${incidentPath(incidentId)}/runbooks" class="action" novalidate>
      ${csrfField(ctx)}
      <input type="hidden" name="runbookId" value="${meta.id}" />
      ${mine?.problem ? html`<p class="problem" role="alert">${mine.problem}</p>` : ''}
      ${fields.length ? fields : html`<p class="muted">This runbook takes no parameters.</p>`}
      <button type="submit">Start ${meta.id}</button>
    </form>
  </details>`;
}
