import type { Person } from '../../../domain/oncall';
import type { OnCallNow, RuntimeOverride } from '../../../domain/oncall-overrides';
import { html, type SafeHtml } from '../../../infra/html';
import type { ShiftView } from '../../oncall/service';
import { type FormState, mayDo, type PageContext } from './context';
import { layout } from './layout';
import { csrfField, fieldError, when, formPageNotice } from './parts';
import { table } from './table';

export interface OnCallPageData {
  now: OnCallNow;
  /** Per schedule: the next week's shifts and its runtime overrides. */
  schedules: Array<{
    id: string;
    timeZone: string;
    /** Set for a schedule made at run time (API, CLI); absent for one of the catalog file. */
    revision?: number;
    shifts: ShiftView[];
    overrides: RuntimeOverride[];
  }>;
  people: Person[];
  notice?: string;
  /** A refused form: `override:<scheduleId>`, `delete:<overrideId>` or `feed`. */
  form?: FormState;
  /** A feed just made: its URL, shown once. */
  feedUrl?: string;
}

function overrideForm(
  ctx: PageContext,
  scheduleId: string,
  timeZone: string,
  people: Person[],
  state: FormState | undefined,
): SafeHtml {
  const mine = state?.form === `override:${scheduleId}` ? state : undefined;
  const value = (name: string) => mine?.values?.[name] ?? '';
  const id = (name: string) => `ovr-${scheduleId}-${name}`;
  const field = (name: 'start' | 'end', label: string) =>
    html`<div class="field${mine?.errors?.[`body.${name}`] ? ' invalid' : ''}">
      <label for="${id(name)}">${label} (${timeZone})</label>
      <input
        type="datetime-local"
        id="${id(name)}"
        name="${name}"
        value="${value(name)}"
        required
        aria-describedby="${id(name)}-error"
      />
      ${fieldError(`${id(name)}-error`, mine?.errors?.[`body.${name}`])}
    </div>`;
  return html`<form
    method="post"
    action="/ui/oncall/${encodeURIComponent(scheduleId)}/overrides"
    class="action"
  >
    ${csrfField(ctx)}
    <div class="field${mine?.errors?.['body.personId'] ? ' invalid' : ''}">
      <label for="${id('person')}">Who covers</label>
      <select id="${id('person')}" name="personId" aria-describedby="${id('person')}-error">
        ${people.map(
          (p) =>
            html`<option value="${p.id}" ${value('personId') === p.id ? html` selected` : ''}>
              ${p.name}
            </option>`,
        )}
      </select>
      ${fieldError(`${id('person')}-error`, mine?.errors?.['body.personId'])}
    </div>
    ${field('start', 'From')} ${field('end', 'Until')}
    <div class="field">
      <label for="${id('note')}">Note (optional)</label>
      <input type="text" id="${id('note')}" name="note" maxlength="500" value="${value('note')}" />
    </div>
    ${mine?.problem ? html`<p class="problem" role="alert">${mine.problem}</p>` : ''}
    <button type="submit">Add override</button>
  </form>`;
}

/** A stretch of local time as a schedule's people read it: "Fri 4 Dec, 02:00 – 06:00", in the schedule's time zone. */
function localStretch(start: string, end: string, timeZone: string): SafeHtml {
  const format = (iso: string, parts: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-GB', { timeZone, ...parts }).format(new Date(iso));
  const dayOf = (iso: string) => format(iso, { weekday: 'short', day: 'numeric', month: 'short' });
  const timeOf = (iso: string) => format(iso, { hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });
  const endsSameDay = dayOf(start) === dayOf(end);
  return html`<time datetime="${start}">${dayOf(start)}, ${timeOf(start)}</time> –
    <time datetime="${end}">${endsSameDay ? '' : `${dayOf(end)}, `}${timeOf(end)}</time>`;
}

/** One schedule: who is on call now, its next week, its overrides and their forms, its feed. */
function scheduleSection(
  ctx: PageContext,
  data: OnCallPageData,
  s: OnCallPageData['now']['schedules'][number],
  canWrite: boolean,
): SafeHtml {
  const extra = data.schedules.find((x) => x.id === s.id);
  return html`<section aria-labelledby="schedule-${s.id}">
    <h2 id="schedule-${s.id}">
      ${s.name}
      <span class="muted"
        >(${s.id},
        ${s.timeZone}${extra?.revision === undefined ? '' : `, made at run time, revision ${extra.revision}`})</span
      >
    </h2>
    <p>
      <a href="/ui/schedules/${encodeURIComponent(s.id)}"
        >${canWrite && extra?.revision !== undefined ? 'Change' : 'The next two weeks of'} ${s.name}</a
      >
    </p>
    <p>
      On call now: <strong>${s.onCall ? s.onCall.name : 'nobody'}</strong>
      ${s.until ? html` until ${when(s.until)}` : ''} ${s.overrideId ? html` (override ${s.overrideId})` : ''}
    </p>
    ${
      s.gaps.length > 0
        ? html`<div class="problem" role="status">
            <p>Nobody is on call in the next 14 days (${s.timeZone}):</p>
            <ul>
              ${s.gaps.map((g) => html`<li>${localStretch(g.start, g.end, s.timeZone)}</li>`)}
            </ul>
          </div>`
        : ''
    }
    ${table(
      `Shifts of ${s.name}, next 7 days`,
      [
        { header: 'From', cell: (x: ShiftView) => when(x.start) },
        { header: 'Until', cell: (x) => when(x.end) },
        { header: 'Who', rowHeader: true, cell: (x) => x.person.name },
        { header: 'Override', cell: (x) => x.overrideId ?? '' },
      ],
      extra?.shifts ?? [],
    )}
    ${
      extra && extra.overrides.length > 0
        ? table(
            `Overrides of ${s.name}`,
            [
              { header: 'Override', rowHeader: true, cell: (o: RuntimeOverride) => o.id },
              { header: 'Who', cell: (o) => o.personId },
              { header: 'From', cell: (o) => when(o.start) },
              { header: 'Until', cell: (o) => when(o.end) },
              { header: 'By', cell: (o) => o.createdBy },
              { header: 'Note', cell: (o) => o.note ?? '' },
              ...(canWrite
                ? [
                    {
                      header: 'Act',
                      cell: (o: RuntimeOverride) =>
                        html`<form
                          method="post"
                          class="inline"
                          action="/ui/oncall/${encodeURIComponent(s.id)}/overrides/${o.id}/delete"
                        >
                          ${csrfField(ctx)}<button type="submit" class="reject">
                            Delete<span class="vh"> ${o.id}</span>
                          </button>
                        </form>`,
                    },
                  ]
                : []),
            ],
            extra.overrides,
          )
        : html`<p class="muted">No overrides.</p>`
    }
    ${
      canWrite
        ? html`<h3>Cover this schedule</h3>
            ${overrideForm(ctx, s.id, s.timeZone, data.people, data.form)}`
        : ''
    }
    <form method="post" action="/ui/oncall/feeds" class="inline">
      ${csrfField(ctx)}<input type="hidden" name="scheduleId" value="${s.id}" />
      <button type="submit">Calendar feed of ${s.name}</button>
    </form>
  </section>`;
}

/** What each escalation level reaches now. */
function escalationLevels(data: OnCallPageData): SafeHtml {
  return table(
    'Escalation policies: whom each level reaches now',
    [
      {
        header: 'Policy',
        rowHeader: true,
        cell: (row: { policy: SafeHtml; level: string; reaches: string }) => row.policy,
      },
      { header: 'Level', cell: (row) => row.level },
      { header: 'Reaches', cell: (row) => row.reaches },
    ],
    data.now.policies.flatMap((p) =>
      p.levels.map((l, i) => ({
        // The first level's row links the policy's page; the others name it only.
        policy:
          i === 0 ? html`<a href="/ui/policies/${encodeURIComponent(p.id)}">${p.name}</a>` : html`${p.name}`,
        level: `${l.level} (after ${Math.round(l.delaySeconds / 60)} min)`,
        reaches: l.targets
          .map((t) =>
            t.type === 'channel'
              ? `channel ${t.id}`
              : `${t.people.map((x) => x.name).join(', ') || 'nobody'} (${t.type} ${t.id})`,
          )
          .join('; '),
      })),
    ),
  );
}

/**
 * Who is on call: each schedule's person now and its next week, its runtime
 * overrides (added and deleted here with `oncall:write`), what each escalation
 * level reaches, and calendar feeds to subscribe to.
 */
export function onCallPage(ctx: PageContext, data: OnCallPageData): string {
  const canWrite = mayDo(ctx.viewer, 'oncall:write');
  const schedules = data.now.schedules.map((s) => scheduleSection(ctx, data, s, canWrite));
  const levels = escalationLevels(data);
  return layout(
    { ...ctx, section: 'oncall' },
    {
      title: 'On call',
      notice: formPageNotice(data.form, data.notice),
      main: html`<h1>On call</h1>
        <p class="lead">
          As of ${when(data.now.at)}. Schedules come from the catalog file (config/oncall-catalog.ts) or are
          made here; changes to them and overrides made here apply to the next page Fireline sends, open
          incidents included.
          ${canWrite ? html`<a href="/ui/schedules/new">New schedule</a>. <a href="/ui/policies/new">New escalation policy</a>.` : ''}
          ${canWrite ? '' : html`Your key lacks <code>oncall:write</code>: you cannot add or delete overrides.`}
        </p>
        ${
          data.feedUrl
            ? html`<div class="notice" role="status">
                <p>Subscribe to this URL in your calendar app. It is shown only now; keep it private.</p>
                <p><code>${data.feedUrl}</code></p>
              </div>`
            : ''
        }
        ${schedules}
        <section aria-labelledby="policies-heading">
          <h2 id="policies-heading">Escalation</h2>
          ${levels}
        </section>`,
    },
  );
}
