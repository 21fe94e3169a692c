import type { Person } from '../../../domain/oncall';
import { html, type SafeHtml } from '../../../infra/html';
import type { ScheduleTimeline } from '../../oncall/service';
import type { ScheduleView } from '../../oncall/schedules';
import { type FormState, mayDo, type PageContext } from './context';
import { layout } from './layout';
import {
  csrfField,
  editorSections,
  type FieldInput,
  fieldsOf,
  inputOf,
  managedNote,
  formPageNotice,
} from './parts';
import { scheduleTimelineSvg } from './schedule-timeline';

export interface ScheduleEditorData {
  /** Absent while making a new schedule. */
  schedule?: ScheduleView;
  timeline?: ScheduleTimeline;
  /** What the form shows: the schedule's fields, or what was typed before a refusal. */
  values: Record<string, string>;
  /** How many layer rows the form has (the layers, and room for more). */
  rows: number;
  people: Person[];
  timeZones: string[];
  form?: FormState;
  notice?: string;
}

const text = (name: string, extra?: SafeHtml) => inputOf('text', name, extra);
/** An input whose empty value shows `fallback` (a new layer's defaults). */
const withFallback =
  (input: FieldInput, fallback: string): FieldInput =>
  (id, value, describedBy) =>
    input(id, value || fallback, describedBy);

function layerFields(data: ScheduleEditorData, row: number): SafeHtml {
  const field = fieldsOf(data.values, data.form);
  const name = (f: string) => `layers.${row}.${f}`;
  return html`<fieldset class="layer">
    <legend>Layer ${row + 1}</legend>
    ${field(name('name'), 'Name (optional)', text(name('name')))}
    ${field(
      name('participants'),
      'Who, in rotation order',
      text(name('participants')),
      'Person ids separated by commas; leave empty to remove the layer.',
    )}
    ${field(name('every'), 'Hand over every', withFallback(inputOf('number', name('every'), html`min="1" max="1000"`), '1'))}
    ${field(
      name('unit'),
      'Unit',
      (id, value, describedBy) =>
        html`<select id="${id}" name="${name('unit')}" aria-describedby="${describedBy}">
          ${['hour', 'day', 'week'].map(
            (unit) =>
              html`<option value="${unit}" ${(value || 'week') === unit ? 'selected' : ''}>${unit}s</option>`,
          )}
        </select>`,
    )}
    ${field(name('start'), 'First shift (date)', inputOf('date', name('start')))}
    ${field(name('handoffTime'), 'Hand-off time', withFallback(inputOf('time', name('handoffTime')), '09:00'))}
    ${field(
      name('restrictions'),
      'On call only in (optional)',
      (id, value, describedBy) =>
        html`<textarea id="${id}" name="${name('restrictions')}" rows="3" aria-describedby="${describedBy}">
${value}</textarea>`,
      'One window per line, local time: 22:00-06:00, weekdays 09:00-17:00, monday 09:00-17:00, friday 18:00 - monday 09:00. Empty: always.',
    )}
  </fieldset>`;
}

/**
 * A schedule's page: the next two weeks drawn as a timeline, and for one made
 * at run time (and a viewer with `oncall:write`) the form that changes it,
 * checked by the API's schemas; the catalog file's schedules are read-only here.
 */
export function scheduleEditorPage(ctx: PageContext, data: ScheduleEditorData): string {
  const { schedule } = data;
  const canWrite = mayDo(ctx.viewer, 'oncall:write');
  const editable = canWrite && (schedule === undefined || schedule.managedBy === 'api');
  const title = schedule ? schedule.name : 'New schedule';
  const field = fieldsOf(data.values, data.form);
  const action = schedule ? `/ui/schedules/${encodeURIComponent(schedule.id)}` : '/ui/schedules';
  const form = html`<form method="post" action="${action}" class="schedule-form">
    ${csrfField(ctx)}
    ${schedule?.managedBy === 'api' ? html`<input type="hidden" name="revision" value="${schedule.revision}" />` : ''}
    ${
      schedule
        ? ''
        : field('id', 'Id', text('id', html`required`), 'Letters, digits, . _ -; how policies name it.')
    }
    ${field('name', 'Name', text('name', html`required`))}
    ${field('timeZone', 'Time zone', text('timeZone', html`required list="time-zones"`), 'Layers’ dates, hand-offs and windows are in it.')}
    <datalist id="time-zones">${data.timeZones.map((tz) => html`<option value="${tz}"></option>`)}</datalist>
    <p class="muted">
      Later layers win where they have someone on call. People:
      ${data.people.map((p) => `${p.id} (${p.name})`).join(', ')}.
    </p>
    ${Array.from({ length: data.rows }, (_, row) => layerFields(data, row))}
    <button type="submit">${schedule ? 'Save' : 'Make the schedule'}</button>
  </form>`;
  return layout(
    { ...ctx, section: 'oncall' },
    {
      title,
      notice: formPageNotice(data.form, data.notice),
      main: html`<p><a href="/ui/oncall">On call</a></p>
        <h1>${title}</h1>
        ${
          schedule
            ? html`<p class="lead">${schedule.id}, ${schedule.timeZone}. ${managedNote(schedule)}</p>`
            : html`<p class="lead">
                A schedule made here is stored by Fireline and can be changed at any time.
              </p>`
        }
        ${
          data.timeline
            ? html`<section aria-labelledby="timeline-heading">
                <h2 id="timeline-heading">The next two weeks</h2>
                ${scheduleTimelineSvg(data.timeline)}
              </section>`
            : ''
        }
        ${editorSections(ctx, { kinds: 'schedules', object: schedule, canWrite, editable, action, form })}`,
    },
  );
}
