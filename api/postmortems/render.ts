import type { Postmortem, PostmortemTimelineEntry } from '../../domain/postmortem';
import { html, type SafeHtml } from '../../infra/html';

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

/** A timeline line's type, with how many alerts (or entries) a folded line stands for. */
function typeCell(line: PostmortemTimelineEntry): string {
  const times = line.alerts ?? line.count;
  return times > 1 ? `${line.type} ×${times}` : line.type;
}

/**
 * Text from alerts and people as Markdown shows it, literally, on one line:
 * whatever Markdown (CommonMark, GFM) could read as syntax is backslash-escaped
 * — links and images (`[`), HTML and autolinks (`<`), bare-URL and e-mail
 * autolinks (`://`, `www.`, `@`), emphasis, code, tables, strikethrough, math,
 * entities, and the marks that start a block at the start of a line.
 */
function md(text: string): string {
  return text
    .replace(/\r\n?|\n/g, ' ')
    .replace(/[\\`*_[\]<>#|~@&$]/g, '\\$&')
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/^(\s*)([+\-=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** Text as its own paragraph: each line escaped like `md`, the line breaks kept. */
function mdParagraph(text: string): string {
  return text
    .split(/\r\n?|\n/)
    .map(md)
    .join('\n');
}

/** The alert's labels and annotations, each with its heading, left out when there are none. */
function alertDetails(pm: Postmortem): Array<[string, Array<[string, string]>]> {
  return (
    [
      ['Alert labels', Object.entries(pm.labels ?? {})],
      ['Alert annotations', Object.entries(pm.annotations ?? {})],
    ] as Array<[string, Array<[string, string]>]>
  ).filter(([, entries]) => entries.length > 0);
}

export function toMarkdown(pm: Postmortem): string {
  const lines = [
    `# Post-mortem: ${md(pm.title)}`,
    '',
    `**${pm.postmortemId}** · incident ${pm.incidentId} · ${md(pm.service)} · ${pm.severity} ${pm.priority}${pm.major ? ' · major incident' : ''} · status **${pm.status}** · owner ${md(pm.owner)}`,
    '',
    '## Summary',
    '',
    mdParagraph(pm.summary),
    '',
    ...(pm.alerts && pm.alerts.length > 1
      ? [
          '## Alerts',
          '',
          '| Dedup key | Summary | Fired | First seen | Last seen | State |',
          '| --- | --- | --- | --- | --- | --- |',
          ...pm.alerts.map(
            (a) =>
              `| ${md(a.dedupKey)} | ${md(a.summary)} | ${a.count} | ${a.firstSeenAt} | ${a.lastSeenAt} | ${a.state} |`,
          ),
          '',
        ]
      : []),
    ...(pm.response
      ? [
          '## Major incident response',
          '',
          `- Opened: ${pm.response.openedAt}`,
          `- Bridge: ${pm.response.bridgeUrl ? md(pm.response.bridgeUrl) : 'none'}`,
          `- Commander: ${pm.response.commander ? md(pm.response.commander) : 'unclaimed'}`,
          '',
        ]
      : []),
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
    ...alertDetails(pm).flatMap(([heading, entries]) => [
      `## ${heading}`,
      '',
      '| Name | Value |',
      '| --- | --- |',
      ...entries.map(([name, value]) => `| ${md(name)} | ${md(value)} |`),
      '',
    ]),
    '## Timeline',
    '',
    '| Time | Event | Actor | What happened |',
    '| --- | --- | --- | --- |',
    ...pm.timeline.map((e) => `| ${e.at} | ${typeCell(e)} | ${md(e.actor)} | ${md(e.message)} |`),
    '',
    '## Responders',
    '',
    ...(pm.responders.length
      ? pm.responders.map((r) => `- ${md(r.actor)}: ${md(r.roles.join(', '))}`)
      : ['- none recorded']),
    '',
    '## Runbooks',
    '',
    ...(pm.runbooks.length
      ? pm.runbooks.map(
          (r) => `- ${md(r.runbookId)} (${md(r.runId)}): ${r.status}${r.reason ? ` — ${md(r.reason)}` : ''}`,
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

function htmlList(items: string[], empty: string): SafeHtml {
  return items.length
    ? html`<ul>
        ${items.map((i) => html`<li>${i}</li>`)}
      </ul>`
    : html`<p class="muted">${empty}</p>`;
}

/** Written text with its line breaks, or the draft's prompt while there is none. */
function htmlParagraph(text: string, prompt: string | undefined): SafeHtml {
  return text ? html`<p class="pre">${text}</p>` : html`<p class="muted">${prompt ?? 'To be written.'}</p>`;
}

function htmlRow(k: string, v: string): SafeHtml {
  return html`<tr>
    <th>${k}</th>
    <td>${v}</td>
  </tr>`;
}

/** Every alert folded into the incident, shown when there was more than one. */
function alertsSection(alerts: NonNullable<Postmortem['alerts']>): SafeHtml {
  return html`<h2>Alerts</h2>
    <table>
      <tr>
        <th>Dedup key</th>
        <th>Summary</th>
        <th>Fired</th>
        <th>First seen</th>
        <th>Last seen</th>
        <th>State</th>
      </tr>
      ${alerts.map(
        (a) =>
          html`<tr>
            <td>${a.dedupKey}</td>
            <td>${a.summary}</td>
            <td>${a.count}</td>
            <td>${a.firstSeenAt}</td>
            <td>${a.lastSeenAt}</td>
            <td>${a.state}</td>
          </tr>`,
      )}
    </table>`;
}

function majorResponseSection(response: NonNullable<Postmortem['response']>): SafeHtml {
  return html`<h2>Major incident response</h2>
    <ul>
      <li>Opened: ${response.openedAt}</li>
      <li>Bridge: ${response.bridgeUrl ?? 'none'}</li>
      <li>Commander: ${response.commander ?? 'unclaimed'}</li>
    </ul>`;
}

function timesAndMetrics(pm: Postmortem): [string, string][] {
  return [
    ['Started', pm.times.startedAt],
    ['Detected', pm.times.detectedAt],
    ['Acknowledged', pm.times.acknowledgedAt ?? '—'],
    ['Mitigated', pm.times.mitigatedAt ?? '—'],
    ['Resolved', pm.times.resolvedAt],
    ['Duration', duration(pm.durationSeconds)],
    ['Time to detect', duration(pm.metrics.timeToDetectSeconds)],
    ['Time to acknowledge', duration(pm.metrics.timeToAcknowledgeSeconds)],
    ['Time to mitigate', duration(pm.metrics.timeToMitigateSeconds)],
    ['Time to resolve', duration(pm.metrics.timeToResolveSeconds)],
  ];
}

function timelineTable(timeline: Postmortem['timeline']): SafeHtml {
  return html`<table>
    <tr>
      <th>Time</th>
      <th>Event</th>
      <th>Actor</th>
      <th>What happened</th>
    </tr>
    ${timeline.map(
      (t) =>
        html`<tr>
          <td>${t.at}</td>
          <td>${typeCell(t)}</td>
          <td>${t.actor}</td>
          <td>${t.message}</td>
        </tr>`,
    )}
  </table>`;
}

function actionItemsTable(pm: Postmortem): SafeHtml {
  if (!pm.actionItems.length) return html`<p class="muted">${pm.prompts.actionItems ?? 'None yet.'}</p>`;
  return html`<table>
    <tr>
      <th>Title</th>
      <th>Owner</th>
      <th>Due</th>
      <th>Status</th>
      <th>Link</th>
    </tr>
    ${pm.actionItems.map(
      (a) =>
        html`<tr>
          <td>${a.title}</td>
          <td>${a.owner}</td>
          <td>${a.dueDate ?? '—'}</td>
          <td>${a.status}</td>
          <td>${a.link || '—'}</td>
        </tr>`,
    )}
  </table>`;
}

/** The post-mortem as an HTML fragment, shared by the standalone document and the web UI's page. */
export function postmortemHtml(pm: Postmortem): SafeHtml {
  return html`<h1>Post-mortem: ${pm.title}</h1>
    <p class="meta">
      ${pm.postmortemId} · incident ${pm.incidentId} · ${pm.service} · ${pm.severity}
      ${pm.priority}${pm.major ? ' · major incident' : ''} · status <strong>${pm.status}</strong> · owner
      ${pm.owner}
    </p>
    <h2>Summary</h2>
    <p class="pre">${pm.summary}</p>
    ${pm.alerts && pm.alerts.length > 1 ? alertsSection(pm.alerts) : ''}
    ${pm.response ? majorResponseSection(pm.response) : ''}
    <h2>Times and metrics</h2>
    <table>
      ${timesAndMetrics(pm).map(([k, v]) => htmlRow(k, v))}
    </table>
    ${alertDetails(pm).map(
      ([heading, entries]) =>
        html`<h2>${heading}</h2>
          <table>
            ${entries.map(([name, value]) => htmlRow(name, value))}
          </table>`,
    )}
    <h2>Timeline</h2>
    ${timelineTable(pm.timeline)}
    <h2>Responders</h2>
    ${htmlList(
      pm.responders.map((r) => `${r.actor}: ${r.roles.join(', ')}`),
      'None recorded.',
    )}
    <h2>Runbooks</h2>
    ${htmlList(
      pm.runbooks.map((r) => `${r.runbookId} (${r.runId}): ${r.status}${r.reason ? ` — ${r.reason}` : ''}`),
      'None ran.',
    )}
    <h2>SLA breaches</h2>
    ${htmlList(
      pm.slaBreaches.map((b) => `${b.kind} target of ${duration(b.targetSeconds)} missed at ${b.at}`),
      'None.',
    )}
    <h2>Root cause</h2>
    ${htmlParagraph(pm.rootCause, pm.prompts.rootCause)}
    <h2>Contributing factors</h2>
    ${htmlList(pm.contributingFactors, pm.prompts.contributingFactors ?? 'To be written.')}
    <h2>Mitigators</h2>
    ${htmlList(pm.mitigators, 'None recorded.')}
    <h2>Lessons learned</h2>
    ${htmlParagraph(pm.lessonsLearned, pm.prompts.lessonsLearned)}
    <h2>Action items</h2>
    ${actionItemsTable(pm)}`;
}

/** The post-mortem as a printable HTML document of its own (GET /v1/postmortems/:id as text/html). */
export function toHtml(pm: Postmortem): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Post-mortem: ${pm.title}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <style>
          body {
            font:
              15px/1.5 system-ui,
              sans-serif;
            max-width: 60rem;
            margin: 2rem auto;
            padding: 0 1rem;
            color: #111;
          }
          h1 {
            font-size: 1.6rem;
          }
          h2 {
            font-size: 1.2rem;
            border-bottom: 1px solid #ddd;
            margin-top: 2rem;
          }
          table {
            border-collapse: collapse;
            width: 100%;
          }
          th,
          td {
            border: 1px solid #ddd;
            padding: 0.3rem 0.5rem;
            text-align: left;
            vertical-align: top;
          }
          th {
            background: #f6f6f6;
          }
          .muted {
            color: #777;
            font-style: italic;
          }
          .pre {
            white-space: pre-wrap;
          }
          .meta {
            color: #444;
          }
          @media print {
            body {
              margin: 0;
              max-width: none;
            }
            a {
              color: inherit;
            }
          }
        </style>
      </head>
      <body>
        ${postmortemHtml(pm)}
      </body>
    </html> `.value;
}
