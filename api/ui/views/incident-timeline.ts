import type { TimelineEntry } from '../../../domain/incident';
import { html, type SafeHtml } from '../../../infra/html';
import { when } from './parts';
import { table } from './table';

/** The incident page's timeline, oldest first. */
export function timelineSection(timeline: TimelineEntry[]): SafeHtml {
  return html`<section aria-labelledby="timeline-heading">
    <h2 id="timeline-heading">Timeline</h2>
    ${
      timeline.length === 0
        ? html`<p class="muted">Nothing recorded yet.</p>`
        : table(
            html`${timeline.length} entr${timeline.length === 1 ? 'y' : 'ies'}, oldest first`,
            [
              { header: '#', className: 'num', cell: (e: TimelineEntry) => e.seq },
              { header: 'Time', cell: (e) => when(e.at) },
              { header: 'Event', cell: (e) => e.type },
              { header: 'Actor', cell: (e) => e.actor },
              { header: 'What happened', className: 'pre', cell: (e) => e.message },
            ],
            timeline,
          )
    }
  </section>`;
}
