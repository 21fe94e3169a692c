import { type ComponentState, type StatusSnapshot, uptimePercent } from '../../../domain/status-page';
import { html, type SafeHtml } from '../../../infra/html';

/** Where the page's feeds are, and what it is called. */
export const STATUS_PAGE_TITLE = 'Service status';
export const statusPaths = {
  page: '/status',
  json: '/status.json',
  feed: '/status/feed.atom',
  subscriptions: '/status/subscriptions',
} as const;

/** Reloads itself this often without JavaScript, for readers who keep it open during an outage. */
const RELOAD_SECONDS = 60;

const stateColor: Record<ComponentState, string> = {
  operational: '#2f9e44',
  degraded: '#e0a800',
  partial_outage: '#e8590c',
  major_outage: '#c92a2a',
};

const when = (iso: string) => html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;

function downText(seconds: number): string {
  if (seconds === 0) return 'no downtime';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `down ${[h && `${h} h`, m && `${m} min`, !h && s && `${s} s`].filter(Boolean).join(' ')}`;
}

function dayTitle(day: StatusSnapshot['components'][number]['days'][number]): string {
  return `${day.date}: ${uptimePercent(day.uptime)} uptime, ${downText(day.downSeconds)}`;
}

const BAR_WIDTH = 8;
const BAR_GAP = 2;
const BAR_HEIGHT = 32;

/** One rect per day, oldest on the left, coloured by the day's worst state, its figures in its title. */
export function uptimeBars(component: StatusSnapshot['components'][number]): SafeHtml {
  const width = component.days.length * (BAR_WIDTH + BAR_GAP) - BAR_GAP;
  return html`<svg
    class="bars"
    viewBox="0 0 ${width} ${BAR_HEIGHT}"
    preserveAspectRatio="none"
    role="img"
    aria-label="${component.name}: ${component.uptime} uptime over ${component.days.length} days"
  >
    ${component.days.map(
      (day, i) =>
        html`<rect
          x="${i * (BAR_WIDTH + BAR_GAP)}"
          y="0"
          width="${BAR_WIDTH}"
          height="${BAR_HEIGHT}"
          rx="1.5"
          fill="${stateColor[day.worst]}"
          data-date="${day.date}"
          ><title>${dayTitle(day)}</title></rect
        >`,
    )}
  </svg>`;
}

function stateBadge(state: ComponentState, text: string): SafeHtml {
  return html`<span class="state" style="--state: ${stateColor[state]}">${text}</span>`;
}

function incidentArticle(incident: StatusSnapshot['incidents'][number]): SafeHtml {
  return html`<article class="incident" id="${incident.id}">
    <h3>${incident.title}</h3>
    <p class="muted">
      ${incident.statusText}${
        incident.components.length > 0
          ? html` · affects ${incident.components.map((c) => c.name).join(', ')}`
          : ''
      }
    </p>
    <ol class="updates">
      ${incident.updates.map(
        (u) =>
          html`<li>
            <p><strong>${u.statusText}</strong> · ${when(u.at)}</p>
            <p class="body">${u.body}</p>
          </li>`,
      )}
    </ol>
  </article>`;
}

const style = html`<style>
  :root {
    color-scheme: light dark;
    font-family: system-ui, sans-serif;
    line-height: 1.45;
  }
  body {
    margin: 0;
    padding: 1rem;
  }
  main {
    max-width: 48rem;
    margin: 0 auto;
  }
  h1 {
    font-size: 1.5rem;
    margin: 0 0 1rem;
  }
  h2 {
    font-size: 1.15rem;
    margin: 2rem 0 0.75rem;
  }
  h3 {
    font-size: 1rem;
    margin: 0;
  }
  .muted {
    opacity: 0.75;
    margin: 0.25rem 0;
    font-size: 0.9rem;
  }
  .banner {
    border-radius: 0.5rem;
    padding: 1rem;
    color: #fff;
    background: var(--state);
  }
  .banner p {
    margin: 0;
    font-size: 1.2rem;
    font-weight: 600;
  }
  .state {
    color: var(--state);
    font-weight: 600;
    font-size: 0.9rem;
    white-space: nowrap;
  }
  .components {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .component {
    padding: 0.75rem 0;
    border-bottom: 1px solid color-mix(in srgb, currentColor 20%, transparent);
  }
  .row {
    display: flex;
    justify-content: space-between;
    gap: 1rem;
    align-items: baseline;
    flex-wrap: wrap;
  }
  .bars {
    display: block;
    width: 100%;
    height: 2rem;
    margin: 0.5rem 0 0.25rem;
  }
  .legend {
    display: flex;
    justify-content: space-between;
    font-size: 0.8rem;
    opacity: 0.75;
  }
  .incident {
    padding: 0.75rem 0;
    border-bottom: 1px solid color-mix(in srgb, currentColor 20%, transparent);
  }
  .updates {
    list-style: none;
    padding: 0;
    margin: 0.5rem 0 0;
  }
  .updates li {
    margin: 0 0 0.75rem;
  }
  .updates p {
    margin: 0;
  }
  .body {
    white-space: pre-line;
    overflow-wrap: anywhere;
  }
  footer {
    margin: 2rem 0 1rem;
    font-size: 0.9rem;
  }
</style>`;

const subscribeForm = html`<form method="post" action="${statusPaths.subscriptions}" class="subscribe">
  <label for="subscribe-email">Get updates by email</label>
  <div class="row">
    <input id="subscribe-email" name="email" type="email" autocomplete="email" required maxlength="254" />
    <button type="submit">Subscribe</button>
  </div>
</form>`;

/**
 * A page of its own for the subscription steps: what happened, and the
 * button a link's GET leads to (a GET never acts: mail scanners follow links).
 */
export function statusMessagePage(
  title: string,
  message: string,
  action?: { path: string; token: string; button: string },
): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${STATUS_PAGE_TITLE}</title>
        <link rel="icon" href="data:," />
        ${style}
      </head>
      <body>
        <main>
          <h1>${title}</h1>
          <p>${message}</p>
          ${
            action
              ? html`<form method="post" action="${action.path}">
                  <input type="hidden" name="token" value="${action.token}" />
                  <button type="submit">${action.button}</button>
                </form>`
              : ''
          }
          <p><a href="${statusPaths.page}">Back to ${STATUS_PAGE_TITLE}</a></p>
        </main>
      </body>
    </html>`.value;
}

/** Maintenance under way or planned: when, and on which components. */
function maintenanceSection(maintenance: StatusSnapshot['maintenance']): SafeHtml {
  if (maintenance.length === 0) return html``;
  return html`<section aria-labelledby="maintenance">
    <h2 id="maintenance">Scheduled maintenance</h2>
    ${maintenance.map(
      (m) =>
        html`<article class="incident">
          <h3>${m.title}</h3>
          <p>
            ${m.active ? html`<strong>In progress</strong>, until` : html`From ${when(m.startsAt)} to`}
            ${when(m.endsAt)}
          </p>
        </article>`,
    )}
  </section>`;
}

/**
 * The public status page: the banner, active incidents, scheduled
 * maintenance, the components with 90 days of uptime bars, then recently
 * resolved incidents. Each section is its own fragment.
 */
export function statusPage(
  snapshot: StatusSnapshot,
  options: { subscribe: boolean } = { subscribe: false },
): string {
  const active = snapshot.incidents.filter((i) => i.status !== 'resolved');
  const resolved = snapshot.incidents.filter((i) => i.status === 'resolved');
  const sections: SafeHtml[] = [
    html`<section class="banner" style="--state: ${stateColor[snapshot.status.state]}" aria-live="polite">
        <p>${snapshot.status.text}</p>
      </section>
      <p class="muted">As of ${when(snapshot.generatedAt)}</p>`,
    active.length > 0
      ? html`<section aria-labelledby="active">
          <h2 id="active">Active incidents</h2>
          ${active.map(incidentArticle)}
        </section>`
      : html``,
    maintenanceSection(snapshot.maintenance),
    html`<section aria-labelledby="components">
      <h2 id="components">Components</h2>
      ${
        snapshot.components.length === 0
          ? html`<p class="muted">No components are listed yet.</p>`
          : html`<ul class="components">
              ${snapshot.components.map(
                (c) =>
                  html`<li class="component" id="component-${c.id}">
                    <div class="row">
                      <h3>${c.name}</h3>
                      ${stateBadge(c.state, c.stateText)}
                    </div>
                    ${c.description ? html`<p class="muted">${c.description}</p>` : ''} ${uptimeBars(c)}
                    <div class="legend">
                      <span>${c.days.length} days ago</span><span>${c.uptime} uptime</span><span>Today</span>
                    </div>
                  </li>`,
              )}
            </ul>`
      }
    </section>`,
    resolved.length > 0
      ? html`<section aria-labelledby="resolved">
          <h2 id="resolved">Recently resolved</h2>
          ${resolved.map(incidentArticle)}
        </section>`
      : html``,
  ];
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="refresh" content="${RELOAD_SECONDS}" />
        <title>${snapshot.status.text} · ${STATUS_PAGE_TITLE}</title>
        <link rel="icon" href="data:," />
        <link
          rel="alternate"
          type="application/atom+xml"
          title="${STATUS_PAGE_TITLE}"
          href="${statusPaths.feed}"
        />
        ${style}
      </head>
      <body>
        <main>
          <h1>${STATUS_PAGE_TITLE}</h1>
          ${sections}
          <footer>
            ${options.subscribe ? subscribeForm : ''}
            <p>
              Follow updates: <a href="${statusPaths.feed}">Atom feed</a> ·
              <a href="${statusPaths.json}">JSON</a>
            </p>
          </footer>
        </main>
      </body>
    </html>`.value;
}
