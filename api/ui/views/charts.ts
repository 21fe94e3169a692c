import { html, type SafeHtml } from '../../../infra/html';

// Small server-drawn SVG charts: bars only, so a hand-written function stays short and the page
// needs no script. Each chart is an image with a title and a description; its numbers are in
// the table the page puts beside it.

/** One part of a bar: a series' value, its colour and its name (the legend's and the tooltip's). */
export interface BarPart {
  series: string;
  value: number;
  fill: string;
}

export interface ChartText {
  /** Unique on the page: the ids of the SVG's title and description derive from it. */
  id: string;
  title: string;
  desc: string;
}

const FONT = 14;
const AXIS_LEFT = 60;
const AXIS_BOTTOM = 34;
const TOP = 12;

/** The smallest "round" step (1, 2, 5 × 10ⁿ, or a round duration) that reaches `max` in at most 4 steps. */
export function tickStep(max: number, durations = false): number {
  if (max <= 0) return 1;
  const wanted = max / 4;
  if (durations) {
    const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200];
    const step = steps.find((s) => s >= wanted);
    if (step) return step;
    return Math.ceil(wanted / 86_400) * 86_400;
  }
  const magnitude = 10 ** Math.floor(Math.log10(wanted));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= wanted)!;
}

const fixed = (n: number) => n.toFixed(1);

function frame(text: ChartText, width: number, height: number, body: SafeHtml): SafeHtml {
  return html`<svg
    viewBox="0 0 ${width} ${height}"
    role="img"
    aria-labelledby="${text.id}-title ${text.id}-desc"
    xmlns="http://www.w3.org/2000/svg"
    font-size="${FONT}"
  >
    <title id="${text.id}-title">${text.title}</title>
    <desc id="${text.id}-desc">${text.desc}</desc>
    ${body}
  </svg>`;
}

/** A legend's colour sample (an SVG: the page's policy allows no inline styles). */
export const swatch = (fill: string) =>
  html`<svg width="14" height="14" aria-hidden="true">
    <rect x="0.5" y="0.5" width="13" height="13" fill="${fill}" stroke="#6b7280" />
  </svg>`;

export function legend(items: Array<{ name: string; fill: string }>, extra?: SafeHtml): SafeHtml {
  return html`<p class="legend">
    ${items.map((i) => html`<span class="swatch">${swatch(i.fill)}${i.name}</span>`)} ${extra ?? ''}
  </p>`;
}

/**
 * Columns, one per category (a week), each a stack of its parts, over a
 * y axis from zero; with `target`, a dashed line at that value (an SLA
 * target). `label` writes a value as the axis and tooltips show it.
 */
export function columnChart(
  text: ChartText,
  columns: Array<{ category: string; parts: BarPart[] }>,
  options: {
    label?: (value: number) => string;
    durations?: boolean;
    target?: { value: number; label: string };
  } = {},
): SafeHtml {
  const label = options.label ?? ((v: number) => String(v));
  // Narrow enough that its text stays readable on a phone; many weeks get narrower columns.
  const width = Math.max(440, AXIS_LEFT + columns.length * (columns.length > 12 ? 16 : 44) + 12);
  const height = 260;
  const plotHeight = height - TOP - AXIS_BOTTOM;
  const highest = Math.max(
    options.target?.value ?? 0,
    ...columns.map((c) => c.parts.reduce((sum, p) => sum + p.value, 0)),
  );
  const step = tickStep(highest, options.durations);
  const top = Math.max(step, Math.ceil(highest / step) * step);
  const y = (value: number) => TOP + plotHeight - (value / top) * plotHeight;
  const slot = (width - AXIS_LEFT - 8) / Math.max(1, columns.length);
  const barWidth = Math.min(36, slot * 0.7);
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  // A week's label is about 64 units wide: on narrow columns, only every few weeks have one.
  const every = Math.max(1, Math.ceil(80 / slot));
  const body = html`${ticks.map(
      (t) =>
        html`<line
            x1="${AXIS_LEFT}"
            x2="${width - 4}"
            y1="${fixed(y(t))}"
            y2="${fixed(y(t))}"
            stroke="#d0d7de"
          />
          <text x="${AXIS_LEFT - 6}" y="${fixed(y(t) + 4)}" text-anchor="end" fill="#4a5360"
            >${label(t)}</text
          >`,
    )}
    ${columns.map((column, i) => {
      const x = AXIS_LEFT + i * slot + (slot - barWidth) / 2;
      let base = 0;
      return html`<g>
        ${column.parts
          .filter((p) => p.value > 0)
          .map((p) => {
            const from = y(base);
            base += p.value;
            return html`<rect
              x="${fixed(x)}"
              y="${fixed(y(base))}"
              width="${fixed(barWidth)}"
              height="${fixed(from - y(base))}"
              fill="${p.fill}"
              stroke="#ffffff"
              ><title>${column.category} ${p.series}: ${label(p.value)}</title></rect
            >`;
          })}
        ${
          i % every === 0
            ? html`<text
                x="${fixed(x + barWidth / 2)}"
                y="${height - AXIS_BOTTOM + 16}"
                text-anchor="middle"
                fill="#1b1f24"
                >${column.category}</text
              >`
            : ''
        }
      </g>`;
    })}
    ${
      options.target
        ? html`<line
            x1="${AXIS_LEFT}"
            x2="${width - 4}"
            y1="${fixed(y(options.target.value))}"
            y2="${fixed(y(options.target.value))}"
            stroke="#a50e0e"
            stroke-width="2"
            stroke-dasharray="6 4"
            ><title>${options.target.label}</title></line
          >`
        : ''
    } <line x1="${AXIS_LEFT}" x2="${width - 4}" y1="${fixed(y(0))}" y2="${fixed(y(0))}" stroke="#1b1f24" />`;
  return frame(text, width, height, body);
}

/** Horizontal bars, one per row (a person, a service), each a stack of its parts, longest scale first. */
export function barList(text: ChartText, rows: Array<{ label: string; parts: BarPart[] }>): SafeHtml {
  const labelWidth = 120;
  const width = 440;
  const rowHeight = 26;
  const height = TOP + Math.max(1, rows.length) * rowHeight + 24;
  const highest = Math.max(0, ...rows.map((r) => r.parts.reduce((sum, p) => sum + p.value, 0)));
  const step = tickStep(highest);
  const top = Math.max(step, Math.ceil(highest / step) * step);
  const plot = width - labelWidth - 16;
  const x = (value: number) => labelWidth + (value / top) * plot;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const short = (s: string) => (s.length > 16 ? `${s.slice(0, 15)}…` : s);
  const body = html`${ticks.map(
    (t) =>
      html`<line
          x1="${fixed(x(t))}"
          x2="${fixed(x(t))}"
          y1="${TOP - 4}"
          y2="${height - 20}"
          stroke="#d0d7de"
        />
        <text x="${fixed(x(t))}" y="${height - 6}" text-anchor="middle" fill="#4a5360">${t}</text>`,
  )}
  ${rows.map((row, i) => {
    const y = TOP + i * rowHeight;
    let base = 0;
    return html`<g>
      <text x="${labelWidth - 8}" y="${y + rowHeight / 2 + 4}" text-anchor="end" fill="#1b1f24"
        >${short(row.label)}</text
      >
      ${row.parts
        .filter((p) => p.value > 0)
        .map((p) => {
          const from = x(base);
          base += p.value;
          return html`<rect
            x="${fixed(from)}"
            y="${y + 4}"
            width="${fixed(x(base) - from)}"
            height="${rowHeight - 8}"
            fill="${p.fill}"
            stroke="#ffffff"
            ><title>${row.label} ${p.series}: ${p.value}</title></rect
          >`;
        })}
    </g>`;
  })}`;
  return frame(text, width, height, body);
}
