import { html, type SafeHtml } from '../../../infra/html';
import { liveScriptSrc, styleHref } from '../assets';
import { LIVE_REFRESH_SECONDS, type PageContext } from './context';
import { csrfField } from './parts';

/** The frame of every page: head, navigation, session, and the page's own main content. */
export function layout(
  ctx: PageContext,
  page: {
    title: string;
    main: SafeHtml;
    live?: boolean;
    /** Without JavaScript, a live page reloads itself, unless it has forms a reload would clear. */
    reloadWithoutScript?: boolean;
    notice?: SafeHtml;
    /** A script of the page's own (a same-site URL: the CSP allows no inline script). */
    script?: string;
  },
): string {
  const nav = (section: PageContext['section'], href: string, label: string) =>
    html`<li>
      <a href="${href}" ${ctx.section === section ? html` aria-current="page"` : ''}>${label}</a>
    </li>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · Fireline</title>
        <link rel="icon" href="data:," />
        <link rel="manifest" href="/manifest.webmanifest" />
        <link rel="apple-touch-icon" href="/ui/static/icon-192.png" />
        <meta name="theme-color" content="#1b1f24" />
        <link rel="stylesheet" href="${styleHref}" />
        ${
          page.live
            ? html`${
                  page.reloadWithoutScript === false
                    ? ''
                    : html`<noscript
                        ><meta http-equiv="refresh" content="${LIVE_REFRESH_SECONDS}"
                      /></noscript>`
                }
                <script src="${liveScriptSrc}" defer></script>`
            : ''
        }
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site">
          <p class="brand"><a href="/ui/incidents">Fireline</a></p>
          ${
            ctx.viewer
              ? html`<nav aria-label="Main">
                    <ul>
                      ${nav('open', '/ui/incidents', 'Open incidents')}
                      ${nav('resolved', '/ui/incidents?status=resolved', 'Recently resolved')}
                      ${nav('postmortems', '/ui/postmortems', 'Post-mortems')}
                      ${nav('oncall', '/ui/oncall', 'On call')} ${nav('services', '/ui/services', 'Services')}
                      ${nav('heartbeats', '/ui/heartbeats', 'Heartbeats')}
                      ${nav('maintenance', '/ui/maintenance', 'Maintenance')}
                      ${nav('insights', '/ui/insights', 'Insights')}
                      ${nav('status', '/ui/status', 'Status page')}
                      ${nav('declare', '/ui/declare', 'Declare')}
                      ${ctx.viewer.person ? nav('profile', '/ui/profile', 'My profile') : ''}
                      ${ctx.devInbox ? nav('inbox', '/ui/inbox', 'Dev inbox') : ''}
                    </ul>
                  </nav>
                  <div class="session">
                    <span
                      >Signed in as <strong>${ctx.viewer.person?.name ?? ctx.viewer.name}</strong>${
                        ctx.viewer.person
                          ? html` (key ${ctx.viewer.name})`
                          : html` (key linked to no person: reads only)`
                      }</span
                    >
                    <form method="post" action="/ui/logout">
                      ${csrfField(ctx)}<button type="submit">Sign out</button>
                    </form>
                  </div>`
              : ''
          }
        </header>
        <main id="main" tabindex="-1">${page.notice ?? ''} ${page.main}</main>
        ${page.script ? html`<script src="${page.script}" defer></script>` : ''}
        <footer>Fireline incident management</footer>
      </body>
    </html> `.value;
}
