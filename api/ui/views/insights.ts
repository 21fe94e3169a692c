import type { IncidentSeverity } from '../../../domain/incident';
import {
  NIGHT_ENDS_AT_HOUR,
  NIGHT_STARTS_AT_HOUR,
  readableDuration,
  type ResponseFigures,
  type SeverityResponse,
} from '../../../domain/insights';
import { incidentSeverities } from '../../../domain/severity';
import { html, type SafeHtml } from '../../../infra/html';
import type { FieldError } from '../../errors';
import type { InsightsAnswer } from '../../insights/service';
import { barList, columnChart, legend } from './charts';
import type { PageContext } from './context';
import { layout } from './layout';
import { when } from './parts';
import { table, type Column } from './table';

/** Fills of the severities' stacks, darkest for the worst. */
const SEVERITY_FILLS: Record<IncidentSeverity, string> = {
  SEV1: '#a50e0e',
  SEV2: '#e8590c',
  SEV3: '#fab005',
  SEV4: '#adb5bd',
};
const ACK_FILL = '#0b57d0';
const RESOLVE_FILL = '#116329';
const NIGHT_FILL = '#3b2f80';
const DAY_FILL = '#9ec5fe';
const COUNT_FILL = '#0b57d0';

/** The form's fields as the viewer last sent them. */
export interface InsightsForm {
  weeks?: string;
  from?: string;
  to?: string;
  flapCount?: string;
  flapWindowHours?: string;
  severity: IncidentSeverity;
}

const num = <T>(header: string, cell: (row: T) => string | number): Column<T> => ({
  header,
  cell,
  className: 'num',
});
const mean = (f: ResponseFigures) => (f.meanSeconds === null ? '–' : readableDuration(f.meanSeconds));
/** Text whose `backquoted` parts are code, as the suggestions write settings. */
const withCode = (text: string) =>
  text.split('`').map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part));
const share = (n: number) => `${Math.round(n * 100)}%`;

/** Past this many weeks a chart takes the page's width, its table below it. */
const WIDE_WEEKS = 12;

/**
 * A chart and the table of its numbers, side by side (stacked on a narrow
 * screen, and for a wide chart, which scrolls sideways rather than shrink
 * its text on a phone).
 */
const chartWithTable = (
  heading: string,
  id: string,
  chart: SafeHtml,
  numbers: SafeHtml,
  note?: SafeHtml,
  wide = false,
) =>
  html`<section class="insight" aria-labelledby="${id}-heading">
    <h2 id="${id}-heading">${heading}</h2>
    ${note ?? ''}
    <div class="${wide ? 'insight-pair wide' : 'insight-pair'}">
      <figure class="chart">${chart}</figure>
      <div class="scroll">${numbers}</div>
    </div>
  </section>`;

function filterForm(form: InsightsForm): SafeHtml {
  const input = (name: keyof InsightsForm, label: string, type: string, extra: SafeHtml | string = '') =>
    html`<div class="field">
      <label for="insights-${name}">${label}</label>
      <input type="${type}" id="insights-${name}" name="${name}" value="${form[name] ?? ''}" ${extra} />
    </div>`;
  return html`<form method="get" action="/ui/insights" class="filters" aria-label="Period and settings">
    ${input('weeks', 'Last weeks', 'number', html`min="1" max="53" placeholder="8"`)}
    ${input('from', 'Or from (UTC)', 'date')} ${input('to', 'to (UTC, not included)', 'date')}
    <div class="field">
      <label for="insights-severity">MTTA/MTTR of</label>
      <select id="insights-severity" name="severity">
        ${incidentSeverities.map(
          (s) => html`<option value="${s}" ${s === form.severity ? html`selected` : ''}>${s}</option>`,
        )}
      </select>
    </div>
    ${input('flapCount', 'Flapping: incidents', 'number', html`min="2" max="1000" placeholder="3"`)}
    ${input('flapWindowHours', 'within hours', 'number', html`min="1" max="744" placeholder="24"`)}
    <button type="submit">Show</button>
  </form>`;
}

function responseSection(kind: 'acknowledged' | 'resolved', response: SeverityResponse): SafeHtml {
  const ack = kind === 'acknowledged';
  const name = ack ? 'MTTA' : 'MTTR';
  const targetSeconds = ack ? response.target.acknowledgeWithinSeconds : response.target.resolveWithinSeconds;
  const target = readableDuration(targetSeconds);
  const id = ack ? 'mtta' : 'mttr';
  const weeks = response.weeks;
  type Week = (typeof weeks)[number];
  return chartWithTable(
    `${name} per week, ${response.severity} (target ${target})`,
    id,
    columnChart(
      {
        id,
        title: `${ack ? 'Mean time to acknowledge' : 'Mean time to resolve'} ${response.severity} incidents, per ISO week`,
        desc: `One bar per week, the mean from opening to ${ack ? 'acknowledgement' : 'resolution'}; the dashed line is the SLA target of ${target}.`,
      },
      weeks.map((w) => ({
        category: w.week,
        parts: [{ series: name, value: w[kind].meanSeconds ?? 0, fill: ack ? ACK_FILL : RESOLVE_FILL }],
      })),
      {
        label: readableDuration,
        durations: true,
        target: { value: targetSeconds, label: `SLA target: ${target}` },
      },
    ),
    table(
      `${name} per week, ${response.severity}`,
      [
        { header: 'Week', rowHeader: true, cell: (w: Week) => w.week },
        num<Week>('Incidents', (w) => w.incidents),
        num<Week>(ack ? 'Acknowledged' : 'Resolved', (w) => w[kind].count),
        num<Week>(name, (w) => mean(w[kind])),
        num<Week>('Within target', (w) => w[kind].withinTarget),
      ],
      weeks,
    ),
    html`${legend(
      [{ name: `${name} (mean)`, fill: ack ? ACK_FILL : RESOLVE_FILL }],
      html`<span class="swatch"
        ><svg width="22" height="14" aria-hidden="true">
          <line x1="0" x2="22" y1="7" y2="7" stroke="#a50e0e" stroke-width="2" stroke-dasharray="6 4" /></svg
        >SLA target</span
      >`,
    )}`,
    weeks.length > WIDE_WEEKS,
  );
}

/**
 * Insights of a period as charts, each with its numbers in a table beside
 * it: incidents per week by severity, MTTA and MTTR of one severity against
 * its SLA target, pages per person (at night in their zone), the noisiest
 * services and alerts, and the flapping alerts with what could stop them.
 */
export function insightsPage(
  ctx: PageContext,
  insights: InsightsAnswer | undefined,
  form: InsightsForm,
  problems: FieldError[] = [],
): string {
  const chosen = insights?.responseTimes.find((r) => r.severity === form.severity);
  const main =
    insights && chosen
      ? html`${summary(insights)} ${weeklySection(insights)} ${responseSection('acknowledged', chosen)}
        ${responseSection('resolved', chosen)} ${peopleSection(insights)} ${noisySections(insights)}
        ${flappingSection(insights)}`
      : '';
  return layout(
    { ...ctx, section: 'insights' },
    {
      title: 'Insights',
      notice:
        problems.length > 0
          ? html`<div class="problem" role="alert">
              <p>These settings cannot be shown:</p>
              <ul>
                ${problems.map((p) => html`<li>${p.field.replace(/^query\./, '')}: ${p.message}</li>`)}
              </ul>
            </div>`
          : undefined,
      main: html`<h1>Insights</h1>
        <p class="lead">
          Trends of the incidents opened in a period, to see load, night pages, response times and the alerts
          worth fixing. Weeks are ISO weeks in UTC.
        </p>
        ${filterForm(form)} ${main}`,
    },
  );
}

function summary(i: InsightsAnswer): SafeHtml {
  const total = i.incidentsPerWeek.reduce((n, w) => n + w.total, 0);
  return html`<p>
    ${total} incident${total === 1 ? '' : 's'} opened from ${when(i.from)} to ${when(i.to)}.
  </p>`;
}

function weeklySection(i: InsightsAnswer): SafeHtml {
  type Row = InsightsAnswer['incidentsPerWeek'][number];
  return chartWithTable(
    'Incidents per week by severity',
    'weekly',
    columnChart(
      {
        id: 'weekly',
        title: 'Incidents opened per ISO week, stacked by severity',
        desc: 'One bar per week; each severity is a part of the bar, SEV1 at the bottom.',
      },
      i.incidentsPerWeek.map((w) => ({
        category: w.week,
        parts: incidentSeverities.map((s) => ({ series: s, value: w[s], fill: SEVERITY_FILLS[s] })),
      })),
    ),
    table(
      'Incidents per week by severity',
      [
        {
          header: 'Week',
          rowHeader: true,
          cell: (w: Row) => html`${w.week}<br /><span class="muted">${w.start}</span>`,
        },
        ...incidentSeverities.map((s) => num<Row>(s, (w) => w[s])),
        num<Row>('Total', (w) => w.total),
      ],
      i.incidentsPerWeek,
    ),
    legend(incidentSeverities.map((s) => ({ name: s, fill: SEVERITY_FILLS[s] }))),
    i.incidentsPerWeek.length > WIDE_WEEKS,
  );
}

function peopleSection(i: InsightsAnswer): SafeHtml {
  type Row = InsightsAnswer['pagesPerPerson'][number];
  const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;
  const night = `${hour(NIGHT_STARTS_AT_HOUR)}–${hour(NIGHT_ENDS_AT_HOUR)}`;
  if (i.pagesPerPerson.length === 0)
    return html`<section class="insight">
      <h2>Pages per person</h2>
      <p>Nobody was paged.</p>
    </section>`;
  return chartWithTable(
    'Pages per person, and at night',
    'people',
    barList(
      {
        id: 'people',
        title: 'Pages per person, split into night and day',
        desc: `One bar per person; the dark part is the pages that came between ${night} in their own time zone.`,
      },
      i.pagesPerPerson.map((p) => ({
        label: p.name,
        parts: [
          { series: 'at night', value: p.nightPages, fill: NIGHT_FILL },
          { series: 'by day', value: p.pages - p.nightPages, fill: DAY_FILL },
        ],
      })),
    ),
    table(
      'Pages per person',
      [
        {
          header: 'Person',
          rowHeader: true,
          cell: (p: Row) => html`${p.name}<br /><span class="muted">${p.timeZone}</span>`,
        },
        num<Row>('Pages', (p) => p.pages),
        num<Row>('At night', (p) => p.nightPages),
        num<Row>('Night share', (p) => share(p.nightShare)),
        num<Row>('Incidents', (p) => p.incidents),
      ],
      i.pagesPerPerson,
    ),
    html`<p class="muted">
        Each escalation step that paged a person counts once; night is ${night} in the person's time zone (UTC
        when they have none).
      </p>
      ${legend([
        { name: 'At night', fill: NIGHT_FILL },
        { name: 'By day', fill: DAY_FILL },
      ])}`,
  );
}

function noisySections(i: InsightsAnswer): SafeHtml {
  type Service = InsightsAnswer['noisiestServices'][number];
  type Alert = InsightsAnswer['noisiestAlerts'][number];
  if (i.noisiestServices.length === 0) return html``;
  return html`${chartWithTable(
    'Noisiest services',
    'services',
    barList(
      {
        id: 'services',
        title: 'Services by incidents opened',
        desc: 'One bar per service, the most incidents first; the table also counts their alerts.',
      },
      i.noisiestServices.map((s) => ({
        label: s.service,
        parts: [{ series: 'incidents', value: s.incidents, fill: COUNT_FILL }],
      })),
    ),
    table(
      'Noisiest services',
      [
        { header: 'Service', rowHeader: true, cell: (s: Service) => s.service },
        num<Service>('Incidents', (s) => s.incidents),
        num<Service>('Alerts', (s) => s.alerts),
      ],
      i.noisiestServices,
    ),
  )}
  ${chartWithTable(
    'Noisiest alerts',
    'alerts',
    barList(
      {
        id: 'alerts',
        title: 'Alerts (service and dedup key) by incidents opened',
        desc: 'One bar per alert, the most incidents first; the table also counts their alerts.',
      },
      i.noisiestAlerts.map((a) => ({
        label: a.dedupKey,
        parts: [{ series: 'incidents', value: a.incidents, fill: COUNT_FILL }],
      })),
    ),
    table(
      'Noisiest alerts',
      [
        {
          header: 'Alert',
          rowHeader: true,
          cell: (a: Alert) => html`${a.dedupKey}<br /><span class="muted">${a.service}: ${a.title}</span>`,
        },
        num<Alert>('Incidents', (a) => a.incidents),
        num<Alert>('Alerts', (a) => a.alerts),
      ],
      i.noisiestAlerts,
    ),
  )}`;
}

function flappingSection(i: InsightsAnswer): SafeHtml {
  type Row = InsightsAnswer['flapping']['alerts'][number];
  const rule = `${i.flapping.minIncidents} or more incidents of one alert within ${readableDuration(i.flapping.windowSeconds)}`;
  return html`<section class="insight" aria-labelledby="flapping-heading">
    <h2 id="flapping-heading">Flapping alerts</h2>
    <p class="muted">
      An alert flaps when it resolves and fires again, opening a new incident each time: here, ${rule}.
    </p>
    ${
      i.flapping.alerts.length === 0
        ? html`<p>No alert flapped.</p>`
        : html`<div class="scroll">
            ${table(
              'Flapping alerts, with what could stop them',
              [
                {
                  header: 'Alert',
                  rowHeader: true,
                  cell: (a: Row) =>
                    html`${a.dedupKey}<br /><span class="muted">${a.service}: ${a.title}</span>`,
                },
                num<Row>('Incidents', (a) => a.incidents),
                num<Row>('Most in window', (a) => a.mostInWindow),
                { header: 'Busiest window', cell: (a) => html`${when(a.windowFrom)} – ${when(a.windowTo)}` },
                num<Row>('Typically open', (a) =>
                  a.medianOpenSeconds === null ? '–' : readableDuration(a.medianOpenSeconds),
                ),
                num<Row>('Back after', (a) =>
                  a.medianReturnSeconds === null ? '–' : readableDuration(a.medianReturnSeconds),
                ),
                {
                  header: 'Suggestions',
                  cell: (a) =>
                    html`<ul class="suggestions">
                      ${a.suggestions.map((s) => html`<li><strong>${s.kind}</strong>: ${withCode(s.text)}</li>`)}
                    </ul>`,
                },
              ],
              i.flapping.alerts,
            )}
          </div>`
    }
  </section>`;
}
