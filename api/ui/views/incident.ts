import type { Incident } from '../../../domain/incident';
import { externalHref, html, type SafeHtml } from '../../../infra/html';
import { type IncidentPageData, LIVE_REFRESH_SECONDS, mayDoOn, type PageContext } from './context';
import { actionsSection } from './incident-actions';
import { alertsSection } from './incident-alerts';
import { approvalsSection } from './incident-approvals';
import { runbooksSection } from './incident-runbooks';
import { timelineSection } from './incident-timeline';
import { layout } from './layout';
import { escalationSummary, incidentPath, postmortemPath, severityBadge, statusBadge, when } from './parts';

/** The major-incident response: commander, bridge, responders. */
function responseFacts(i: Incident): SafeHtml {
  return html`${
    i.commander || i.response
      ? html`<dt>Commander</dt>
          <dd>${i.commander ?? 'unclaimed'}</dd>`
      : ''
  }
  ${
    i.response
      ? html`<dt>Bridge</dt>
          <dd>
            ${
              i.response.bridgeUrl && externalHref(i.response.bridgeUrl)
                ? html`<a href="${externalHref(i.response.bridgeUrl)}" rel="noopener noreferrer"
                    >Join the bridge</a
                  >`
                : (i.response.bridgeProblem ?? 'being created')
            }
          </dd>
          <dt>Responders</dt>
          <dd>
            ${
              i.response.responders.length
                ? i.response.responders.map((r) => html`${r.actor}${r.how === 'paged' ? ' (paged)' : ''}. `)
                : 'none yet'
            }
          </dd>`
      : ''
  }`;
}

/** When it opened, was acknowledged, snoozed, mitigated and resolved. */
function timeFacts(i: Incident): SafeHtml {
  return html`<dt>Opened</dt>
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
    }`;
}

/** Alert counts and SLA breaches. */
function alertFacts(i: Incident): SafeHtml {
  return html`<dt>Alerts</dt>
    <dd>${i.alertCount} (first ${when(i.firstAlertAt)}, last ${when(i.lastAlertAt)})</dd>
    ${
      (i.slaBreaches ?? []).length
        ? html`<dt>SLA breaches</dt>
            <dd>${(i.slaBreaches ?? []).map((b) => html`${b.kind} target missed at ${when(b.at)}. `)}</dd>`
        : ''
    }`;
}

/** Labels, annotations, links, the workflow and the post-mortem. */
function detailFacts(data: IncidentPageData): SafeHtml {
  const i = data.incident;
  const workflowLink = data.workflowUrl(i.workflowId);
  const links = (i.links ?? []).flatMap((l) => {
    const href = externalHref(l.href);
    return href ? [html`<li><a href="${href}" rel="noopener noreferrer">${l.text || l.href}</a></li>`] : [];
  });
  const labels = Object.entries(i.labels ?? {});
  const annotations = Object.entries(i.annotations ?? {});
  return html`${
    labels.length
      ? html`<dt>Labels</dt>
          <dd>${labels.map(([k, v]) => html`<code>${k}=${v}</code> `)}</dd>`
      : ''
  }
  ${
    annotations.length
      ? html`<dt>Annotations</dt>
          <dd>
            ${annotations.map(([k, v]) => html`<div><code>${k}</code>: <span class="pre">${v}</span></div>`)}
          </dd>`
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
  }`;
}

/** What a refused form says at the top of the page: the refusal, or each field's problem. */
function formProblem(data: IncidentPageData): string | undefined {
  const errors = Object.entries(data.form?.errors ?? {});
  if (data.form?.problem) return data.form.problem;
  if (errors.length === 0) return undefined;
  return `Some fields need fixing: ${errors.map(([field, message]) => `${field}: ${message}`).join('; ')}.`;
}

/** The incident page: its facts, alerts, actions, approvals, runbooks and timeline. */
export function incidentPage(ctx: PageContext, data: IncidentPageData): string {
  const i = data.incident;
  const open = i.status !== 'resolved';
  const esc = i.escalation;
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
    ${responseFacts(i)} ${timeFacts(i)} ${alertFacts(i)} ${detailFacts(data)}
  </dl>`;

  // Forms a reload would clear: without JavaScript the page offers a link instead of reloading itself.
  const hasForms = mayDoOn(ctx.viewer, 'incidents:write', i) || mayDoOn(ctx.viewer, 'runbooks:run', i);
  const problem = formProblem(data);
  return layout(
    { ...ctx, section: open ? 'open' : 'resolved' },
    {
      title: `${i.incidentId}: ${i.title}`,
      live: open,
      reloadWithoutScript: !hasForms,
      notice: problem
        ? html`<p class="problem" role="alert">${problem}</p>`
        : data.notice
          ? html`<p class="notice" role="status">${data.notice}</p>`
          : undefined,
      main: html`${data.degraded ? html`<p class="problem" role="status">${data.degraded}</p>` : ''}
        <h1>${i.title}</h1>
        <p class="lead">${i.incidentId} · ${i.service} · opened ${when(i.openedAt)}</p>
        <div
          id="live"
          data-refresh-url="${incidentPath(i.incidentId)}"
          ${open ? html` data-refresh-seconds="${LIVE_REFRESH_SECONDS}"` : ''}
        >
          <p class="muted">
            ${open ? `This page updates every ${LIVE_REFRESH_SECONDS} seconds while the incident is open, unless you are typing in it.` : 'This incident is resolved.'}
            ${open && hasForms ? html`<noscript><a href="${incidentPath(i.incidentId)}">Reload</a></noscript>` : ''}
          </p>
          <section aria-labelledby="facts-heading">
            <h2 id="facts-heading">Facts</h2>
            ${facts}
          </section>
          ${alertsSection(i)} ${actionsSection(ctx, data)} ${approvalsSection(ctx, i)}
          ${runbooksSection(data)} ${timelineSection(i.incidentId, data.timeline)}
        </div>`,
    },
  );
}
