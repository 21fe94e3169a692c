import type { Incident } from '../../../domain/incident';
import type { ApprovalRequest } from '../../../domain/runbook';
import { html, type SafeHtml } from '../../../infra/html';
import { type PageContext, refusalOn } from './context';
import { csrfField, incidentPath, outcome, when } from './parts';
import { table } from './table';

/** What the approver approves: each parameter and its value as JSON, escaped like all text. */
function paramsList(params: Record<string, unknown> | undefined): SafeHtml {
  const entries = Object.entries(params ?? {});
  if (entries.length === 0) return html`<span class="muted">none</span>`;
  return html`<ul class="params">
    ${entries.map(([name, value]) => html`<li><code>${name}</code> = <code>${JSON.stringify(value)}</code></li>`)}
  </ul>`;
}

/** The incident page's approvals: a decision form per pending one, a table of those decided. */
export function approvalsSection(ctx: PageContext, incident: Incident): SafeHtml {
  const approvals = incident.approvals ?? [];
  const pending = approvals.filter((a) => a.status === 'pending');
  const decided = approvals.filter((a) => a.status !== 'pending');
  const decideRefusal = refusalOn(ctx.viewer, 'approvals:decide', incident);
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
      pending.length > 0 && decideRefusal
        ? html`<p class="muted">Fireline will refuse a decision from you: ${decideRefusal}.</p>`
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
            <dd>${when(a.requestedAt)} by ${a.requestedBy}</dd>
            <dt>Parameters</dt>
            <dd>${paramsList(a.params)}</dd>
            <dt>Expires</dt>
            <dd>
              ${when(a.expiresAt)} (then
              ${a.onTimeout === 'escalate' ? 'the incident escalates' : 'it counts as rejected'})
            </dd>
            <dt>Who may decide</dt>
            <dd>
              ${a.approvers.length ? a.approvers.join(', ') : 'nobody'}
              ${a.allowSelfApproval ? '' : html`(not ${a.requestedBy}, who started the run)`}
            </dd>
          </dl>
          ${decideRefusal ? '' : form(a)}
        </div>`,
    )}
    ${
      decided.length > 0
        ? table(
            'Decided approvals',
            [
              { header: 'Approval', rowHeader: true, cell: (a: ApprovalRequest) => a.approvalId },
              { header: 'Prompt', cell: (a) => a.prompt },
              { header: 'Outcome', cell: (a) => outcome(a.status) },
              { header: 'By', cell: (a) => a.decidedBy ?? '—' },
              { header: 'When', cell: (a) => when(a.decidedAt) },
              { header: 'Comment', cell: (a) => a.comment ?? '' },
            ],
            decided,
          )
        : ''
    }
  </section>`;
}
