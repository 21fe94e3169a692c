import { html, type SafeHtml } from '../../../infra/html';
import type { PolicyView } from '../../oncall/policies';
import { targetsToText, waitToText } from '../policy-form';
import { type FormState, mayDo, type PageContext } from './context';
import { layout } from './layout';
import { csrfField, editorSections, fieldsOf, inputOf, managedNote, formPageNotice } from './parts';
import { table } from './table';

export interface PolicyEditorData {
  /** Absent while making a new policy. */
  policy?: PolicyView;
  /** What the form shows: the policy's fields, or what was typed before a refusal. */
  values: Record<string, string>;
  /** How many level rows the form has (the levels, and room for more). */
  rows: number;
  /** The ids a target may name, by type, as the form's hint lists them. */
  targets: Record<'person' | 'schedule' | 'team' | 'channel', string[]>;
  form?: FormState;
  notice?: string;
}

const text = (name: string, extra?: SafeHtml) => inputOf('text', name, extra);

function levelFields(data: PolicyEditorData, row: number): SafeHtml {
  const field = fieldsOf(data.values, data.form);
  const name = (f: string) => `levels.${row}.${f}`;
  const checked = data.values[name('roundRobin')] ? html`checked` : html``;
  return html`<fieldset class="layer">
    <legend>Level ${row + 1}</legend>
    <div class="wide">
      ${field(
        name('targets'),
        'Page',
        text(name('targets')),
        'type:id, separated by commas (person:carol, schedule:sre-primary); empty removes the level.',
      )}
    </div>
    ${field(
      name('wait'),
      'Then wait for an acknowledgement',
      (id, value, describedBy) =>
        html`<input
          type="text"
          id="${id}"
          name="${name('wait')}"
          value="${value || '5m'}"
          aria-describedby="${describedBy}"
        />`,
      '90s, 5m, 1h or 1h30m; a bare number is minutes.',
    )}
    ${field(
      name('roundRobin'),
      'One person at a time, the next for each incident (round robin)',
      (id, _value, describedBy) =>
        html`<input
          type="checkbox"
          id="${id}"
          name="${name('roundRobin')}"
          value="on"
          ${checked}
          aria-describedby="${describedBy}"
        />`,
    )}
  </fieldset>`;
}

/** The levels as they are defined (what each reaches now is on the On call page). */
function levelsTable(policy: PolicyView): SafeHtml {
  type Row = { level: string; targets: string; wait: string };
  const rows: Row[] = [
    ...policy.levels.map((l, i) => ({
      level: `${i + 1}${l.roundRobin ? ' (round robin)' : ''}`,
      targets: targetsToText(l.targets),
      wait: waitToText(l.delaySeconds),
    })),
    { level: 'Fallback', targets: targetsToText(policy.fallback) || 'nobody', wait: '—' },
  ];
  return table(
    html`Levels, run ${(policy.repeat ?? 0) + 1} time${policy.repeat ? 's' : ''}, then the fallback`,
    [
      { header: 'Level', rowHeader: true, cell: (r: Row) => r.level },
      { header: 'Pages', cell: (r) => r.targets },
      { header: 'Waits', cell: (r) => r.wait },
    ],
    rows,
  );
}

/**
 * An escalation policy's page: its levels, and for one made at run time (and a
 * viewer with `oncall:write`) the form that changes it, checked by the API's
 * schema and service; the catalog file's policies are read-only here.
 */
export function policyEditorPage(ctx: PageContext, data: PolicyEditorData): string {
  const { policy } = data;
  const canWrite = mayDo(ctx.viewer, 'oncall:write');
  const editable = canWrite && (policy === undefined || policy.managedBy === 'api');
  const field = fieldsOf(data.values, data.form);
  const title = policy ? policy.name : 'New escalation policy';
  const action = policy ? `/ui/policies/${encodeURIComponent(policy.id)}` : '/ui/policies';
  const known = (type: keyof PolicyEditorData['targets']) =>
    html`<li>${type}: ${data.targets[type].join(', ') || 'none'}</li>`;
  const form = html`<form method="post" action="${action}" class="schedule-form">
    ${csrfField(ctx)}
    ${policy?.managedBy === 'api' ? html`<input type="hidden" name="revision" value="${policy.revision}" />` : ''}
    ${policy ? '' : field('id', 'Id', text('id', html`required`), 'Letters, digits, . _ -; how rules and services name it.')}
    ${field('name', 'Name', text('name', html`required`))}
    <details>
      <summary>What a level may page</summary>
      <ul>
        ${known('person')} ${known('schedule')} ${known('team')} ${known('channel')}
      </ul>
    </details>
    ${Array.from({ length: data.rows }, (_, row) => levelFields(data, row))}
    ${field(
      'repeat',
      'Run the levels again',
      inputOf('number', 'repeat', html`min="0" max="10"`),
      'How many more times, while nobody acknowledges.',
    )}
    ${field('fallback', 'Then tell (optional)', text('fallback'), 'Targets as in a level: who hears that nobody answered.')}
    <button type="submit">${policy ? 'Save' : 'Make the policy'}</button>
  </form>`;
  return layout(
    { ...ctx, section: 'oncall' },
    {
      title,
      notice: formPageNotice(data.form, data.notice),
      main: html`<p><a href="/ui/oncall">On call</a></p>
        <h1>${title}</h1>
        ${
          policy
            ? html`<p class="lead">${policy.id}. ${managedNote(policy)}</p>
                ${levelsTable(policy)}`
            : html`<p class="lead">
                A policy made here is stored by Fireline; triage rules and services name it by its id.
              </p>`
        }
        ${editorSections(ctx, { kinds: 'policies', object: policy, canWrite, editable, action, form })}`,
    },
  );
}
