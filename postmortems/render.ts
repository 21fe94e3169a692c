import type { Postmortem } from '../domain/postmortem';

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

/** Markdown text needs its table pipes and line breaks tamed; nothing else is interpreted. */
function md(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function toMarkdown(pm: Postmortem): string {
  const lines = [
    `# Post-mortem: ${pm.title}`,
    '',
    `**${pm.postmortemId}** · incident ${pm.incidentId} · ${pm.service} · ${pm.severity} ${pm.priority}${pm.major ? ' · major incident' : ''} · status **${pm.status}** · owner ${pm.owner}`,
    '',
    '## Summary',
    '',
    pm.summary,
    '',
    '## Times and metrics',
    '',
    '| | |',
    '| --- | --- |',
    `| Started | ${pm.times.startedAt} |`,
    `| Detected | ${pm.times.detectedAt} |`,
    `| Acknowledged | ${pm.times.acknowledgedAt ?? '—'} |`,
    `| Mitigated | ${pm.times.mitigatedAt ?? '—'} |`,
    `| Resolved | ${pm.times.resolvedAt} |`,
    `| Duration | ${duration(pm.durationSeconds)} |`,
    `| Time to detect | ${duration(pm.metrics.timeToDetectSeconds)} |`,
    `| Time to acknowledge | ${duration(pm.metrics.timeToAcknowledgeSeconds)} |`,
    `| Time to mitigate | ${duration(pm.metrics.timeToMitigateSeconds)} |`,
    `| Time to resolve | ${duration(pm.metrics.timeToResolveSeconds)} |`,
    '',
    '## Timeline',
    '',
    '| Time | Event | Actor | What happened |',
    '| --- | --- | --- | --- |',
    ...pm.timeline.map(
      (e) =>
        `| ${e.at} | ${e.type}${e.count > 1 ? ` ×${e.count}` : ''} | ${md(e.actor)} | ${md(e.message)} |`,
    ),
    '',
    '## Responders',
    '',
    ...(pm.responders.length
      ? pm.responders.map((r) => `- ${r.actor}: ${r.roles.join(', ')}`)
      : ['- none recorded']),
    '',
    '## Runbooks',
    '',
    ...(pm.runbooks.length
      ? pm.runbooks.map(
          (r) => `- ${r.runbookId} (${r.runId}): ${r.status}${r.reason ? ` — ${r.reason}` : ''}`,
        )
      : ['- none ran']),
    '',
    '## SLA breaches',
    '',
    ...(pm.slaBreaches.length
      ? pm.slaBreaches.map((b) => `- ${b.kind} target of ${duration(b.targetSeconds)} missed at ${b.at}`)
      : ['- none']),
    '',
    '## Root cause',
    '',
    pm.rootCause || `_${pm.prompts.rootCause ?? 'To be written.'}_`,
    '',
    '## Contributing factors',
    '',
    ...(pm.contributingFactors.length
      ? pm.contributingFactors.map((f) => `- ${f}`)
      : [`_${pm.prompts.contributingFactors ?? 'To be written.'}_`]),
    '',
    '## Mitigators',
    '',
    ...(pm.mitigators.length ? pm.mitigators.map((m) => `- ${m}`) : ['- none recorded']),
    '',
    '## Lessons learned',
    '',
    pm.lessonsLearned || `_${pm.prompts.lessonsLearned ?? 'To be written.'}_`,
    '',
    '## Action items',
    '',
    ...(pm.actionItems.length
      ? [
          '| Title | Owner | Due | Status | Link |',
          '| --- | --- | --- | --- | --- |',
          ...pm.actionItems.map(
            (a) =>
              `| ${md(a.title)} | ${md(a.owner)} | ${a.dueDate ?? '—'} | ${a.status} | ${a.link ? md(a.link) : '—'} |`,
          ),
        ]
      : [`_${pm.prompts.actionItems ?? 'None yet.'}_`]),
    '',
  ];
  return lines.join('\n');
}

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes every user-supplied string that goes into the HTML page. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c]!);
}

export function toHtml(pm: Postmortem): string {
  const e = escapeHtml;
  const list = (items: string[], empty: string) =>
    items.length
      ? `<ul>${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`
      : `<p class="muted">${e(empty)}</p>`;
  const para = (text: string, prompt: string | undefined) =>
    text ? `<p class="pre">${e(text)}</p>` : `<p class="muted">${e(prompt ?? 'To be written.')}</p>`;
  const row = (k: string, v: string) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Post-mortem: ${e(pm.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}
h1{font-size:1.6rem}h2{font-size:1.2rem;border-bottom:1px solid #ddd;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f6f6}.muted{color:#777;font-style:italic}.pre{white-space:pre-wrap}.meta{color:#444}
@media print{body{margin:0;max-width:none}a{color:inherit}}
</style></head><body>
<h1>Post-mortem: ${e(pm.title)}</h1>
<p class="meta">${e(pm.postmortemId)} · incident ${e(pm.incidentId)} · ${e(pm.service)} · ${e(pm.severity)} ${e(pm.priority)}${pm.major ? ' · major incident' : ''} · status <strong>${e(pm.status)}</strong> · owner ${e(pm.owner)}</p>
<h2>Summary</h2><p class="pre">${e(pm.summary)}</p>
<h2>Times and metrics</h2><table>
${row('Started', pm.times.startedAt)}${row('Detected', pm.times.detectedAt)}${row('Acknowledged', pm.times.acknowledgedAt ?? '—')}${row('Mitigated', pm.times.mitigatedAt ?? '—')}${row('Resolved', pm.times.resolvedAt)}
${row('Duration', duration(pm.durationSeconds))}${row('Time to detect', duration(pm.metrics.timeToDetectSeconds))}${row('Time to acknowledge', duration(pm.metrics.timeToAcknowledgeSeconds))}${row('Time to mitigate', duration(pm.metrics.timeToMitigateSeconds))}${row('Time to resolve', duration(pm.metrics.timeToResolveSeconds))}
</table>
<h2>Timeline</h2><table><tr><th>Time</th><th>Event</th><th>Actor</th><th>What happened</th></tr>
${pm.timeline.map((t) => `<tr><td>${e(t.at)}</td><td>${e(t.type)}${t.count > 1 ? ` ×${t.count}` : ''}</td><td>${e(t.actor)}</td><td>${e(t.message)}</td></tr>`).join('\n')}
</table>
<h2>Responders</h2>${list(
    pm.responders.map((r) => `${r.actor}: ${r.roles.join(', ')}`),
    'None recorded.',
  )}
<h2>Runbooks</h2>${list(
    pm.runbooks.map((r) => `${r.runbookId} (${r.runId}): ${r.status}${r.reason ? ` — ${r.reason}` : ''}`),
    'None ran.',
  )}
<h2>SLA breaches</h2>${list(
    pm.slaBreaches.map((b) => `${b.kind} target of ${duration(b.targetSeconds)} missed at ${b.at}`),
    'None.',
  )}
<h2>Root cause</h2>${para(pm.rootCause, pm.prompts.rootCause)}
<h2>Contributing factors</h2>${list(pm.contributingFactors, pm.prompts.contributingFactors ?? 'To be written.')}
<h2>Mitigators</h2>${list(pm.mitigators, 'None recorded.')}
<h2>Lessons learned</h2>${para(pm.lessonsLearned, pm.prompts.lessonsLearned)}
<h2>Action items</h2>${
    pm.actionItems.length
      ? `<table><tr><th>Title</th><th>Owner</th><th>Due</th><th>Status</th><th>Link</th></tr>${pm.actionItems
          .map(
            (a) =>
              `<tr><td>${e(a.title)}</td><td>${e(a.owner)}</td><td>${e(a.dueDate ?? '—')}</td><td>${e(a.status)}</td><td>${a.link ? e(a.link) : '—'}</td></tr>`,
          )
          .join('')}</table>`
      : `<p class="muted">${e(pm.prompts.actionItems ?? 'None yet.')}</p>`
  }
</body></html>
`;
}
