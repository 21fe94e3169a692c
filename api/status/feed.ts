import { type StatusSnapshot } from '../../domain/status-page';
import { html } from '../../infra/html';
import { STATUS_PAGE_TITLE, statusPaths } from '../ui/views/status-page';

/**
 * The Atom feed (RFC 4287) of the public incidents: one entry per public
 * update, newest first, so a feed reader shows each one as news. Written with
 * the `html` template: XML escapes text and attribute values as HTML does.
 * Ids are URNs, the same whatever address the feed is read at; links are
 * absolute when PUBLIC_URL is set.
 */
export function statusFeed(snapshot: StatusSnapshot, publicUrl: string | undefined): string {
  const base = publicUrl?.replace(/\/+$/, '') ?? '';
  const entries = snapshot.incidents
    .flatMap((incident) =>
      incident.updates.map((update, i) => ({
        incident,
        update,
        // Updates are listed newest first: number them from the oldest, so an entry's id never changes.
        number: incident.updates.length - i,
      })),
    )
    .sort((a, b) => b.update.at.localeCompare(a.update.at));
  const updated = entries[0]?.update.at ?? snapshot.generatedAt;
  return `<?xml version="1.0" encoding="utf-8"?>\n${
    html`<feed xmlns="http://www.w3.org/2005/Atom">
      <id>urn:fireline:status</id>
      <title>${STATUS_PAGE_TITLE}</title>
      <updated>${updated}</updated>
      <author><name>${STATUS_PAGE_TITLE}</name></author>
      <link rel="self" type="application/atom+xml" href="${base}${statusPaths.feed}" />
      <link rel="alternate" type="text/html" href="${base}${statusPaths.page}" />
      ${entries.map(
        ({ incident, update, number }) => html`
          <entry>
            <id>urn:fireline:status:${incident.id}:${number}</id>
            <title>${update.statusText}: ${incident.title}</title>
            <updated>${update.at}</updated>
            <link rel="alternate" type="text/html" href="${base}${statusPaths.page}#${incident.id}" />
            ${incident.components.map((c) => html`<category term="${c.id}" label="${c.name}" />`)}
            <content type="text">${update.body}</content>
          </entry>
        `,
      )}</feed
    > `.value
  }`;
}
