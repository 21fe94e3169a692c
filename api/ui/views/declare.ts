import type { z } from 'zod';
import { incidentSeverities } from '../../../domain/incident';
import { html, type SafeHtml } from '../../../infra/html';
import { fieldMaximum } from '../../actions/fields';
import { declarationSchema } from '../../incidents/declare';
import type { FormState, PageContext } from './context';
import { layout } from './layout';
import { csrfField, type FieldInput, formField } from './parts';

const limitOf = (field: keyof typeof declarationSchema.shape): number =>
  fieldMaximum(declarationSchema.shape[field] as z.ZodType) ?? Number.MAX_SAFE_INTEGER;

/** What each severity means, as the form offers it. */
const SEVERITY_CHOICES: Record<(typeof incidentSeverities)[number], string> = {
  SEV1: 'SEV1: critical, customers badly affected',
  SEV2: 'SEV2: major, many customers affected',
  SEV3: 'SEV3: minor, some customers affected',
  SEV4: 'SEV4: low, little or no customer impact',
};

function field(form: FormState | undefined, name: string, label: string, input: FieldInput): SafeHtml {
  return formField({
    id: `declare-${name}`,
    label,
    value: form?.values?.[name] ?? '',
    error: form?.errors?.[name],
    input,
  });
}

/**
 * Declare: a person reports an incident no alert opened. The same fields the
 * API takes; triage and paging then run as for an alert.
 */
export function declarePage(ctx: PageContext, data: { form?: FormState; refusal?: string }): string {
  const form = data.form;
  const severity = form?.values?.severity ?? '';
  return layout(
    { ...ctx, section: 'declare' },
    {
      title: 'Declare an incident',
      main: html`<h1>Declare an incident</h1>
        <p>
          Something is wrong and no alert says so: declare it. Triage picks the team, the escalation policy
          and the runbooks for the service; the severity stays as you choose; the first level of the policy is
          paged; the timeline names you as the reporter.
        </p>
        ${data.refusal ? html`<p class="problem" role="alert">${data.refusal}</p>` : ''}
        <form method="post" action="/ui/declare" class="action">
          ${csrfField(ctx)}
          ${field(
            form,
            'service',
            'Service',
            (id, value, describedBy) =>
              html`<input
                type="text"
                id="${id}"
                name="service"
                value="${value}"
                maxlength="100"
                required
                aria-describedby="${describedBy}"
              />`,
          )}
          ${field(
            form,
            'title',
            'Title: what is wrong, in a few words',
            (id, value, describedBy) =>
              html`<input
                type="text"
                id="${id}"
                name="title"
                value="${value}"
                maxlength="${limitOf('title')}"
                required
                aria-describedby="${describedBy}"
              />`,
          )}
          ${field(
            form,
            'severity',
            'Severity',
            (id, _value, describedBy) =>
              html`<select id="${id}" name="severity" required aria-describedby="${describedBy}">
                <option value="" ${severity === '' ? html` selected` : ''}>Choose…</option>
                ${incidentSeverities.map(
                  (s) =>
                    html`<option value="${s}" ${severity === s ? html` selected` : ''}>
                      ${SEVERITY_CHOICES[s]}
                    </option>`,
                )}
              </select>`,
          )}
          ${field(
            form,
            'description',
            'What is happening (optional)',
            (id, value, describedBy) =>
              html`<textarea
                id="${id}"
                name="description"
                rows="4"
                maxlength="${limitOf('description')}"
                aria-describedby="${describedBy}"
              >
${value}</textarea>`,
          )}
          ${form?.problem ? html`<p class="problem" role="alert">${form.problem}</p>` : ''}
          <button type="submit" class="primary">Declare</button>
        </form>`,
    },
  );
}
