import type { TimelineEntry } from '../../../domain/incident';
import { html, type SafeHtml } from '../../../infra/html';
import type { IncidentPageData } from './context';
import { when } from './parts';
import { table } from './table';

/**
 * The incident page's timeline: one page of it, oldest first, with links to
 * the earlier entries and back to the latest.
 */
export function timelineSection(incidentId: string, timeline: IncidentPageData['timeline']): SafeHtml {
  const { entries, nextBefore, before } = timeline;
  const page = (query: string) => `/ui/incidents/${encodeURIComponent(incidentId)}${query}#timeline-heading`;
  const first = entries[0];
  const last = entries[entries.length - 1];
  const paged = nextBefore !== null || before !== undefined;
  const caption = `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, oldest first${
    paged && first && last ? ` (#${first.seq} to #${last.seq})` : ''
  }`;
  const nav = paged
    ? html`<p class="pager">
        ${nextBefore !== null ? html`<a href="${page(`?before=${nextBefore}`)}">Earlier entries</a>` : ''}
        ${before !== undefined ? html`<a href="${page('')}">Latest entries</a>` : ''}
      </p>`
    : '';
  return html`<section aria-labelledby="timeline-heading">
    <h2 id="timeline-heading">Timeline</h2>
    ${
      timeline.unavailable
        ? html`<p class="muted">
            The timeline is kept in MongoDB, which is not answering: it shows here again once MongoDB is back.
            Nothing is lost meanwhile.
          </p>`
        : entries.length === 0 || !first || !last
          ? html`<p class="muted">
              ${before !== undefined ? 'No earlier entries.' : 'Nothing recorded yet.'}
            </p>`
          : table(
              caption,
              [
                { header: '#', className: 'num', cell: (e: TimelineEntry) => e.seq },
                { header: 'Time', cell: (e) => when(e.at) },
                { header: 'Event', cell: (e) => e.type },
                { header: 'Actor', cell: (e) => e.actor },
                { header: 'What happened', className: 'pre', cell: (e) => e.message },
              ],
              entries,
            )
    }
    ${nav}
  </section>`;
}
