import { zonedTimeToInstant } from '../../../domain/oncall-schedule';
import { html, type SafeHtml } from '../../../infra/html';
import type { ScheduleTimeline, ShiftView } from '../../oncall/service';

// Drawn on a 1000-wide canvas that scales with the page; the first column holds the row labels.
const WIDTH = 1000;
const LABEL = 120;
const ROW = 30;
const AXIS = 22;
/** Fills dark text reads on, one per person in order of appearance. */
const FILLS = ['#cfe2ff', '#d3f0d8', '#ffe3b3', '#e6d6f5', '#cdeff0', '#f9d5e5', '#e8e3c9', '#dcdcdc'];

const dayLabel = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric' }).format(at);
const localDate = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    at,
  );
const stretch = (start: string, end: string, timeZone: string) => {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  return `${format.format(new Date(start))} – ${format.format(new Date(end))}`;
};

/** A legend's colour sample (an SVG: the page's policy allows no inline styles). */
const swatch = (fill: string | undefined, stroke = '#8c959f') =>
  html`<svg width="14" height="14" aria-hidden="true">
    <rect x="0.5" y="0.5" width="13" height="13" fill="${fill}" stroke="${stroke}" />
  </svg>`;

/** The local midnights (the schedule's time zone) in [from, to]. */
function midnights(from: Date, to: Date, timeZone: string): Date[] {
  const out: Date[] = [];
  let day = Date.parse(`${localDate(from, timeZone)}T00:00:00Z`);
  for (;;) {
    const at = zonedTimeToInstant(new Date(day).toISOString().slice(0, 10), '00:00', timeZone);
    if (at > to) return out;
    if (at >= from) out.push(at);
    day += 86_400_000;
  }
}

/**
 * A schedule's next days as a server-drawn SVG: one row per layer, then who
 * is on call (overrides outlined) with the stretches nobody covers hatched in
 * red. Each bar's title says who and when; the legend names each colour.
 */
export function scheduleTimelineSvg(timeline: ScheduleTimeline): SafeHtml {
  const { timeZone } = timeline;
  const from = Date.parse(timeline.from);
  const span = Date.parse(timeline.to) - from;
  const x = (iso: string) => LABEL + ((Date.parse(iso) - from) / span) * (WIDTH - LABEL);
  const people = [
    ...new Map(
      [...timeline.layers.flatMap((l) => l.shifts), ...timeline.onCall].map((s) => [s.person.id, s.person]),
    ).values(),
  ];
  const fill = (id: string) => FILLS[people.findIndex((p) => p.id === id) % FILLS.length];
  const rows = [
    ...timeline.layers.map((l) => ({ ...l, final: false })),
    { label: 'On call', shifts: timeline.onCall, final: true },
  ];
  const height = AXIS + rows.length * ROW + 4;
  const titleId = `timeline-${timeline.scheduleId}`;

  const bar = (shift: ShiftView, y: number, final: boolean) => {
    const left = x(shift.start);
    const width = Math.max(1, x(shift.end) - left);
    const override = final && shift.overrideId !== undefined;
    return html`<g class="shift" data-person="${shift.person.id}">
      <title>
        ${shift.person.name}:
        ${stretch(shift.start, shift.end, timeZone)}${override ? ` (override ${shift.overrideId})` : ''}
      </title>
      <rect
        x="${left.toFixed(1)}"
        y="${y + 3}"
        width="${width.toFixed(1)}"
        height="${ROW - 6}"
        fill="${fill(shift.person.id)}"
        stroke="${override ? '#1a1a1a' : '#ffffff'}"
        stroke-width="${override ? 2 : 1}"
        ${override ? html` stroke-dasharray="5 3"` : ''}
      />
      ${width > 60 ? html`<text x="${(left + 4).toFixed(1)}" y="${y + ROW / 2 + 4}">${shift.person.name.split(' ')[0]}</text>` : ''}
    </g>`;
  };
  const gap = (g: { start: string; end: string }, y: number) => {
    const left = x(g.start);
    return html`<g class="gap">
      <title>Nobody on call: ${stretch(g.start, g.end, timeZone)}</title>
      <rect
        x="${left.toFixed(1)}"
        y="${y + 3}"
        width="${Math.max(1, x(g.end) - left).toFixed(1)}"
        height="${ROW - 6}"
        fill="url(#gap-${timeline.scheduleId})"
        stroke="#b00020"
      />
    </g>`;
  };

  return html`<figure class="timeline">
    <svg
      viewBox="0 0 ${WIDTH} ${height}"
      role="img"
      aria-labelledby="${titleId}"
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id="${titleId}">
        Who is on call from ${stretch(timeline.from, timeline.to, timeZone)} (${timeZone})
      </title>
      <defs>
        <pattern
          id="gap-${timeline.scheduleId}"
          width="8"
          height="8"
          patternUnits="userSpaceOnUse"
          patternTransform="rotate(45)"
        >
          <rect width="8" height="8" fill="#fde8ea" />
          <line x1="0" y1="0" x2="0" y2="8" stroke="#b00020" stroke-width="3" />
        </pattern>
      </defs>
      ${midnights(new Date(from), new Date(from + span), timeZone).map((at) => {
        const left = x(at.toISOString());
        return html`<line
            x1="${left.toFixed(1)}"
            y1="${AXIS - 4}"
            x2="${left.toFixed(1)}"
            y2="${height}"
            stroke="#d0d0d0"
          />
          <text x="${(left + 3).toFixed(1)}" y="${AXIS - 8}" class="day">${dayLabel(at, timeZone)}</text>`;
      })}
      ${rows.map((row, i) => {
        const y = AXIS + i * ROW;
        return html`<g class="${row.final ? 'row final' : 'row'}">
          <text x="4" y="${y + ROW / 2 + 4}" class="${row.final ? 'label final' : 'label'}"
            >${row.label}</text
          >
          ${row.shifts.map((s) => bar(s, y, row.final))}
          ${row.final ? timeline.gaps.map((g) => gap(g, y)) : ''}
        </g>`;
      })}
    </svg>
    <figcaption>
      ${people.map((p) => html`<span class="swatch">${swatch(fill(p.id))}${p.name}</span>`)}
      ${timeline.gaps.length > 0 ? html`<span class="swatch">${swatch(`url(#gap-${timeline.scheduleId})`, '#b00020')}Nobody on call</span>` : ''}
      <span class="muted">Times in ${timeZone}; dashed: an override.</span>
    </figcaption>
  </figure>`;
}
