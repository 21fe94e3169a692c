import type { Incident, TargetRef, TimelineEntry } from '../../domain/incident';
import type { Postmortem } from '../../domain/postmortem';
import type { ApprovalRequest, StepRecord } from '../../domain/runbook';
import { externalHref, html, type SafeHtml } from '../../infra/html';
import type { ApiScope } from '../../models';
import { postmortemHtml } from '../../postmortems/render';
import { liveScriptSrc, styleHref } from './assets';
import { CSRF_FIELD } from './session';

/** How often an open incident's page refreshes itself. */
export const LIVE_REFRESH_SECONDS = 5;

export interface Viewer {
  name: string;
  scopes: ApiScope[];
}

/** What every page needs: who is signed in (absent on the sign-in page) and the CSRF token of its forms. */
export interface PageContext {
  viewer?: Viewer;
  csrfToken: string;
  /** Marks the current item of the navigation. */
  section?: 'open' | 'resolved' | 'postmortems';
}

export function mayDo(viewer: Viewer | undefined, scope: ApiScope): boolean {
  return !!viewer && (viewer.scopes.includes(scope) || viewer.scopes.includes('admin'));
}

// ---------------------------------------------------------------- pieces

function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${ctx.csrfToken}" />`;
}

/** `2026-11-26 10:00:05 UTC` in a <time> element. */
function when(iso: string | null | undefined): SafeHtml {
  if (!iso) return html`<span class="muted">—</span>`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return html`${iso}`;
  const exact = date.toISOString();
  return html`<time datetime="${exact}">${exact.replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC')}</time>`;
}

function age(iso: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 90) return `${seconds}s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

function severityBadge(i: Pick<Incident, 'severity' | 'priority' | 'major'>): SafeHtml {
  return html`<span class="badge sev-${i.severity}">${i.severity}</span>
    ${i.priority}${i.major ? html` <strong>major</strong>` : ''}`;
}

function statusBadge(status: string): SafeHtml {
  return html`<span class="badge status-${status}">${status}</span>`;
}

function outcome(text: string): SafeHtml {
  return html`<span class="outcome-${text}">${text}</span>`;
}

function target(t: TargetRef): string {
  return `${t.type} ${t.id}`;
}

/** Who the incident is with right now, from its escalation state. */
export function escalationSummary(i: Incident): string {
  if (i.status === 'resolved') return i.resolvedBy ? `Resolved by ${i.resolvedBy}` : 'Resolved';
  if (i.status === 'acknowledged') return `Acknowledged by ${i.acknowledgedBy ?? 'someone'}`;
  const esc = i.escalation;
  if (!esc?.policy) return 'Not triaged yet';
  const snoozed = i.status === 'snoozed' ? 'Snoozed; escalation restarts at level 1 afterwards. ' : '';
  if (esc.exhausted) {
    return `${snoozed}Escalation exhausted (${esc.policy.name})${esc.fallbackNotified ? `; fallback notified: ${esc.policy.fallback.map(target).join(', ') || 'none'}` : ''}`;
  }
  const levels = esc.policy.levels;
  const pass = esc.policy.repeat > 0 ? `, pass ${esc.round + 1} of ${esc.policy.repeat + 1}` : '';
  const targets = levels[esc.level]?.targets.map(target).join(', ') || 'no targets';
  return `${snoozed}Level ${esc.level + 1} of ${levels.length}${pass}: ${targets}${esc.levelNotified ? '' : ' (being notified)'}`;
}

function incidentPath(id: string): string {
  return `/ui/incidents/${encodeURIComponent(id)}`;
}

function postmortemPath(id: string): string {
  return `/ui/postmortems/${encodeURIComponent(id)}`;
}

// ---------------------------------------------------------------- layout

function layout(
  ctx: PageContext,
  page: { title: string; main: SafeHtml; live?: boolean; notice?: SafeHtml },
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
        <link rel="stylesheet" href="${styleHref}" />
        ${
          page.live
            ? html`<noscript><meta http-equiv="refresh" content="${LIVE_REFRESH_SECONDS}" /></noscript>
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
                    </ul>
                  </nav>
                  <div class="session">
                    <span>Signed in as <strong>${ctx.viewer.name}</strong></span>
                    <form method="post" action="/ui/logout">
                      ${csrfField(ctx)}<button type="submit">Sign out</button>
                    </form>
                  </div>`
              : ''
          }
        </header>
        <main id="main" tabindex="-1">${page.notice ?? ''} ${page.main}</main>
        <footer>Fireline incident management</footer>
      </body>
    </html> `.value;
}

// ---------------------------------------------------------------- sign-in

export function loginPage(
  ctx: PageContext,
  options: { next?: string; problem?: string; notice?: string },
): string {
  return layout(ctx, {
    title: 'Sign in',
    main: html`<h1>Sign in</h1>
      <p class="lead">
        Paste a Fireline API key with the <code>incidents:read</code> scope. <code>npm start</code> prints a
        development key.
      </p>
      ${options.problem ? html`<p class="problem" role="alert">${options.problem}</p>` : ''}
      ${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
      <form method="post" action="/ui/login" class="login">
        ${csrfField(ctx)}
        ${options.next ? html`<input type="hidden" name="next" value="${options.next}" />` : ''}
        <label for="key">API key</label>
        <input
          type="password"
          id="key"
          name="key"
          required
          autocomplete="off"
          spellcheck="false"
          aria-describedby="key-help"
        />
        <p id="key-help" class="muted">
          It looks like <code>fl_…</code>. This browser keeps it in an HttpOnly cookie for this site for 12
          hours, or until you sign out.
        </p>
        <p><button type="submit">Sign in</button></p>
      </form>
      ${
        options.next
          ? html`<p class="muted">
              Followed a link from another site and already signed in?
              <a href="${options.next}">Continue to the page</a>.
            </p>`
          : ''
      }`,
  });
}

// ---------------------------------------------------------------- incidents list

export function incidentsPage(
  ctx: PageContext,
  incidents: Incident[],
  options: { resolved: boolean; now: Date },
): string {
  const title = options.resolved ? 'Recently resolved incidents' : 'Open incidents';
  const rows = incidents.map(
    (i) =>
      html`<tr>
        <td>${severityBadge(i)}</td>
        <td>${statusBadge(i.status)}</td>
        <td>${i.service}</td>
        <th scope="row">
          <a href="${incidentPath(i.incidentId)}">${i.title}</a><br /><span class="muted"
            >${i.incidentId}</span
          >
        </th>
        <td>
          ${when(options.resolved ? i.resolvedAt : i.openedAt)}<br /><span class="muted"
            >${age((options.resolved ? i.resolvedAt : undefined) ?? i.openedAt, options.now)}</span
          >
        </td>
        <td>${i.team}</td>
        <td>${escalationSummary(i)}</td>
      </tr>`,
  );
  return layout(
    { ...ctx, section: options.resolved ? 'resolved' : 'open' },
    {
      title,
      live: !options.resolved,
      main: html`<h1>${title}</h1>
        <p class="lead">
          ${
            options.resolved
              ? html`The 50 most recently resolved incidents. <a href="/ui/incidents">Open incidents</a>`
              : html`Every incident that is not resolved, newest first.
                  <a href="/ui/incidents?status=resolved">Recently resolved incidents</a>`
          }
        </p>
        <div id="live" ${options.resolved ? '' : html` data-refresh-seconds="${LIVE_REFRESH_SECONDS}"`}>
          ${
            incidents.length === 0
              ? html`<p>${options.resolved ? 'No resolved incidents yet.' : 'No open incidents.'}</p>`
              : html`<table>
                  <caption>
                    ${incidents.length} ${options.resolved ? 'resolved' : 'open'}
                    incident${incidents.length === 1 ? '' : 's'}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Severity</th>
                      <th scope="col">Status</th>
                      <th scope="col">Service</th>
                      <th scope="col">Incident</th>
                      <th scope="col">${options.resolved ? 'Resolved' : 'Opened'}</th>
                      <th scope="col">Team</th>
                      <th scope="col">On call / escalation</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${rows}
                  </tbody>
                </table>`
          }
        </div>`,
    },
  );
}

// ---------------------------------------------------------------- one incident

export interface IncidentPageData {
  incident: Incident;
  timeline: TimelineEntry[];
  /** Temporal Web UI link of a workflow, when a UI URL is known. */
  workflowUrl: (workflowId: string) => string | undefined;
  postmortemId?: string;
  /** A message after an action (approved, rejected). */
  notice?: string;
}

function stepsOf(runId: string, timeline: TimelineEntry[]): StepRecord[] {
  // Each step is recorded when it starts and when it ends; keep its latest record.
  const steps = new Map<string, StepRecord>();
  for (const entry of timeline) {
    if (entry.type !== 'runbook.step' || entry.data?.runId !== runId) continue;
    const step = entry.data as unknown as StepRecord;
    steps.set(`${step.name}\u0000${step.startedAt}`, step);
  }
  return [...steps.values()];
}

function approvalsSection(ctx: PageContext, incident: Incident): SafeHtml {
  const approvals = incident.approvals ?? [];
  const pending = approvals.filter((a) => a.status === 'pending');
  const decided = approvals.filter((a) => a.status !== 'pending');
  const canDecide = mayDo(ctx.viewer, 'approvals:decide');
  const form = (a: ApprovalRequest) => {
    const base = `${incidentPath(incident.incidentId)}/approvals/${encodeURIComponent(a.approvalId)}`;
    const field = `comment-${a.approvalId}`;
    return html`<form method="post" action="${base}/approve" class="decide">
      ${csrfField(ctx)}
      <div class="field">
        <label for="${field}">Comment (optional)</label>
        <input type="text" id="${field}" name="comment" maxlength="2000" />
      </div>
      <button type="submit" class="approve" formaction="${base}/approve">
        Approve<span class="vh"> ${a.approvalId}</span>
      </button>
      <button type="submit" class="reject" formaction="${base}/reject">
        Reject<span class="vh"> ${a.approvalId}</span>
      </button>
    </form>`;
  };
  return html`<section aria-labelledby="approvals-heading">
    <h2 id="approvals-heading">Approvals</h2>
    ${approvals.length === 0 ? html`<p class="muted">No runbook has asked for an approval.</p>` : ''}
    ${
      pending.length > 0 && !canDecide
        ? html`<p class="muted">
            Your key (${ctx.viewer?.name}) lacks the <code>approvals:decide</code> scope: Fireline will refuse
            a decision from it.
          </p>`
        : ''
    }
    ${pending.map(
      (a) =>
        html`<div class="card">
          <h3>Pending: ${a.prompt}</h3>
          <dl class="facts">
            <dt>Approval</dt>
            <dd>${a.approvalId} (${a.runbookId}, step “${a.step}”)</dd>
            <dt>Requested</dt>
            <dd>${when(a.requestedAt)}</dd>
            <dt>Expires</dt>
            <dd>
              ${when(a.expiresAt)} (then
              ${a.onTimeout === 'escalate' ? 'the incident escalates' : 'it counts as rejected'})
            </dd>
            <dt>Who may decide</dt>
            <dd>${a.approvers.length ? a.approvers.join(', ') : 'anyone with approvals:decide'}</dd>
          </dl>
          ${form(a)}
        </div>`,
    )}
    ${
      decided.length > 0
        ? html`<table>
            <caption>
              Decided approvals
            </caption>
            <thead>
              <tr>
                <th scope="col">Approval</th>
                <th scope="col">Prompt</th>
                <th scope="col">Outcome</th>
                <th scope="col">By</th>
                <th scope="col">When</th>
                <th scope="col">Comment</th>
              </tr>
            </thead>
            <tbody>
              ${decided.map(
                (a) =>
                  html`<tr>
                    <th scope="row">${a.approvalId}</th>
                    <td>${a.prompt}</td>
                    <td>${outcome(a.status)}</td>
                    <td>${a.decidedBy ?? '—'}</td>
                    <td>${when(a.decidedAt)}</td>
                    <td>${a.comment ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : ''
    }
  </section>`;
}

function runbooksSection(data: IncidentPageData): SafeHtml {
  const runs = data.incident.runbookRuns ?? [];
  return html`<section aria-labelledby="runbooks-heading">
    <h2 id="runbooks-heading">Runbook runs</h2>
    ${runs.length === 0 ? html`<p class="muted">No runbook has run on this incident.</p>` : ''}
    ${runs.map((run) => {
      const steps = stepsOf(run.runId, data.timeline);
      const link = data.workflowUrl(`runbook:${run.runId}`);
      return html`<div class="card">
        <h3>${run.runbookId} <span class="muted">${run.runId}</span> — ${outcome(run.status)}</h3>
        <dl class="facts">
          <dt>Requested by</dt>
          <dd>${run.requestedBy}</dd>
          <dt>Started</dt>
          <dd>${when(run.startedAt)}</dd>
          <dt>Ended</dt>
          <dd>${when(run.endedAt)}</dd>
          ${
            run.reason
              ? html`<dt>Reason</dt>
                  <dd>${run.reason}</dd>`
              : ''
          }
          ${
            link
              ? html`<dt>Workflow</dt>
                  <dd><a href="${link}">runbook:${run.runId} in the Temporal Web UI</a></dd>`
              : ''
          }
        </dl>
        ${
          steps.length === 0
            ? html`<p class="muted">No steps yet.</p>`
            : html`<table>
                <caption>
                  Steps of ${run.runId}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Step</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Started</th>
                    <th scope="col">Ended</th>
                    <th scope="col">Summary</th>
                  </tr>
                </thead>
                <tbody>
                  ${steps.map(
                    (s) =>
                      html`<tr>
                        <th scope="row">${s.name}</th>
                        <td>${s.kind}</td>
                        <td>${outcome(s.outcome)}</td>
                        <td class="num">${s.attempts ?? ''}</td>
                        <td>${when(s.startedAt)}</td>
                        <td>${when(s.endedAt)}</td>
                        <td>${s.summary}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </div>`;
    })}
  </section>`;
}

function timelineSection(timeline: TimelineEntry[]): SafeHtml {
  return html`<section aria-labelledby="timeline-heading">
    <h2 id="timeline-heading">Timeline</h2>
    ${
      timeline.length === 0
        ? html`<p class="muted">Nothing recorded yet.</p>`
        : html`<table>
            <caption>
              ${timeline.length} entr${timeline.length === 1 ? 'y' : 'ies'}, oldest first
            </caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Actor</th>
                <th scope="col">What happened</th>
              </tr>
            </thead>
            <tbody>
              ${timeline.map(
                (e) =>
                  html`<tr>
                    <td class="num">${e.seq}</td>
                    <td>${when(e.at)}</td>
                    <td>${e.type}</td>
                    <td>${e.actor}</td>
                    <td class="pre">${e.message}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`;
}

export function incidentPage(ctx: PageContext, data: IncidentPageData): string {
  const i = data.incident;
  const open = i.status !== 'resolved';
  const esc = i.escalation;
  const workflowLink = data.workflowUrl(i.workflowId);
  const links = (i.links ?? []).flatMap((l) => {
    const href = externalHref(l.href);
    return href ? [html`<li><a href="${href}" rel="noopener noreferrer">${l.text || l.href}</a></li>`] : [];
  });
  const labels = Object.entries(i.labels ?? {});
  const facts = html`<dl class="facts">
    <dt>Severity</dt>
    <dd>${severityBadge(i)}</dd>
    <dt>Status</dt>
    <dd>${statusBadge(i.status)}</dd>
    <dt>Service</dt>
    <dd>${i.service}</dd>
    <dt>Team</dt>
    <dd>${i.team}</dd>
    <dt>On call / escalation</dt>
    <dd>${escalationSummary(i)}</dd>
    ${
      esc?.policy
        ? html`<dt>Escalation policy</dt>
            <dd>${esc.policy.name} (${esc.policy.id})</dd>`
        : ''
    }
    ${
      open && esc?.nextEscalationAt && !esc.exhausted && i.status === 'triggered'
        ? html`<dt>Next level at</dt>
            <dd>${when(esc.nextEscalationAt)}</dd>`
        : ''
    }
    ${
      i.commander
        ? html`<dt>Commander</dt>
            <dd>${i.commander}</dd>`
        : ''
    }
    <dt>Opened</dt>
    <dd>${when(i.openedAt)}</dd>
    ${
      i.acknowledgedAt
        ? html`<dt>Acknowledged</dt>
            <dd>${when(i.acknowledgedAt)} by ${i.acknowledgedBy ?? '—'}</dd>`
        : ''
    }
    ${
      i.snoozedUntil && i.status === 'snoozed'
        ? html`<dt>Snoozed until</dt>
            <dd>${when(i.snoozedUntil)}</dd>`
        : ''
    }
    ${
      i.mitigatedAt
        ? html`<dt>Mitigated</dt>
            <dd>${when(i.mitigatedAt)}</dd>`
        : ''
    }
    ${
      i.resolvedAt
        ? html`<dt>Resolved</dt>
            <dd>
              ${when(i.resolvedAt)} by
              ${i.resolvedBy ?? '—'}${i.resolutionNote ? html`: ${i.resolutionNote}` : ''}
            </dd>`
        : ''
    }
    <dt>Alerts</dt>
    <dd>${i.alertCount} (first ${when(i.firstAlertAt)}, last ${when(i.lastAlertAt)})</dd>
    ${
      (i.slaBreaches ?? []).length
        ? html`<dt>SLA breaches</dt>
            <dd>${(i.slaBreaches ?? []).map((b) => html`${b.kind} target missed at ${when(b.at)}. `)}</dd>`
        : ''
    }
    ${
      labels.length
        ? html`<dt>Labels</dt>
            <dd>${labels.map(([k, v]) => html`<code>${k}=${v}</code> `)}</dd>`
        : ''
    }
    ${
      links.length
        ? html`<dt>Links</dt>
            <dd>
              <ul>
                ${links}
              </ul>
            </dd>`
        : ''
    }
    ${
      workflowLink
        ? html`<dt>Workflow</dt>
            <dd><a href="${workflowLink}">${i.workflowId} in the Temporal Web UI</a></dd>`
        : ''
    }
    ${
      data.postmortemId
        ? html`<dt>Post-mortem</dt>
            <dd><a href="${postmortemPath(data.postmortemId)}">${data.postmortemId}</a></dd>`
        : ''
    }
  </dl>`;

  return layout(
    { ...ctx, section: open ? 'open' : 'resolved' },
    {
      title: `${i.incidentId}: ${i.title}`,
      live: open,
      notice: data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : undefined,
      main: html`<h1>${i.title}</h1>
        <p class="lead">${i.incidentId} · ${i.service} · opened ${when(i.openedAt)}</p>
        <div id="live" ${open ? html` data-refresh-seconds="${LIVE_REFRESH_SECONDS}"` : ''}>
          <p class="muted">
            ${open ? `This page updates every ${LIVE_REFRESH_SECONDS} seconds while the incident is open.` : 'This incident is resolved.'}
          </p>
          <section aria-labelledby="facts-heading">
            <h2 id="facts-heading">Facts</h2>
            ${facts}
          </section>
          ${approvalsSection(ctx, i)} ${runbooksSection(data)} ${timelineSection(data.timeline)}
        </div>`,
    },
  );
}

// ---------------------------------------------------------------- post-mortems

export function postmortemsPage(ctx: PageContext, postmortems: Postmortem[]): string {
  return layout(
    { ...ctx, section: 'postmortems' },
    {
      title: 'Post-mortems',
      main: html`<h1>Post-mortems</h1>
        <p class="lead">Drafted when an incident resolves; the 100 most recent, by detection time.</p>
        ${
          postmortems.length === 0
            ? html`<p>No post-mortems yet.</p>`
            : html`<table>
                <caption>
                  ${postmortems.length} post-mortem${postmortems.length === 1 ? '' : 's'}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Post-mortem</th>
                    <th scope="col">Severity</th>
                    <th scope="col">Service</th>
                    <th scope="col">Status</th>
                    <th scope="col">Owner</th>
                    <th scope="col">Detected</th>
                    <th scope="col">Resolved</th>
                  </tr>
                </thead>
                <tbody>
                  ${postmortems.map(
                    (pm) =>
                      html`<tr>
                        <th scope="row">
                          <a href="${postmortemPath(pm.postmortemId)}">${pm.title}</a><br /><span
                            class="muted"
                            >${pm.postmortemId}</span
                          >
                        </th>
                        <td>${severityBadge(pm)}</td>
                        <td>${pm.service}</td>
                        <td>${pm.status}</td>
                        <td>${pm.owner}</td>
                        <td>${when(pm.times.detectedAt)}</td>
                        <td>${when(pm.times.resolvedAt)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }`,
    },
  );
}

export function postmortemPage(ctx: PageContext, pm: Postmortem): string {
  return layout(
    { ...ctx, section: 'postmortems' },
    {
      title: `Post-mortem: ${pm.title}`,
      main: html`<p>
          <a href="${incidentPath(pm.incidentId)}">Incident ${pm.incidentId}</a> ·
          <a href="/ui/postmortems">All post-mortems</a>
        </p>
        <article class="postmortem">${postmortemHtml(pm)}</article>`,
    },
  );
}

// ---------------------------------------------------------------- errors

const statusTitles: Record<number, string> = {
  400: 'That request was not valid',
  403: 'Not allowed',
  404: 'Not found',
  409: 'That could not be done',
  413: 'Too large',
  429: 'Too many requests',
  500: 'Something went wrong',
};

export function errorPage(
  ctx: PageContext,
  status: number,
  message: string,
  back?: { href: string; label: string },
): string {
  const title = statusTitles[status] ?? 'Something went wrong';
  return layout(ctx, {
    title,
    main: html`<h1>${title}</h1>
      <p class="problem" role="alert">${message}</p>
      ${
        status === 403
          ? html`<p>
              Fireline checks the scopes of the API key you signed in
              with${ctx.viewer ? html` (<strong>${ctx.viewer.name}</strong>: ${ctx.viewer.scopes.join(', ')})` : ''}.
              Ask an administrator for a key with the scope, or sign in with another key.
            </p>`
          : ''
      }
      <p>
        ${back ? html`<a href="${back.href}">${back.label}</a> · ` : ''}<a href="/ui/incidents"
          >Open incidents</a
        >
      </p>`,
  });
}
