import { postmortemPage } from '../../api/ui/views';
import type { Postmortem } from '../../domain/postmortem';
import { SafeHtml } from '../../infra/html';
import { postmortemHtml, toHtml, toMarkdown } from '../../api/postmortems/render';

const title = '<script>alert(1)</script>';
const message = 'Said "roll back" & <img src=x onerror=alert(2)>';

function hostilePostmortem(): Postmortem {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    postmortemId: 'PM-0123456789AB',
    incidentId: 'INC-0123456789AB',
    title,
    summary: 'Summary with <b>markup</b>',
    service: 'checkout',
    severity: 'SEV1',
    priority: 'P1',
    team: 'payments',
    major: true,
    labels: { 'k8s.pod.name': 'web-1', $env: '<b>prod</b>' },
    annotations: { summary: 'a | b' },
    status: 'draft',
    owner: 'user:"mallory"',
    times: { startedAt: at, detectedAt: at, acknowledgedAt: null, mitigatedAt: null, resolvedAt: at },
    durationSeconds: 90,
    metrics: {
      timeToDetectSeconds: 0,
      timeToAcknowledgeSeconds: null,
      timeToMitigateSeconds: null,
      timeToResolveSeconds: 90,
    },
    timeline: [{ at, type: 'note', actor: "user:o'brien", message, count: 1, seqFrom: 1, seqTo: 1 }],
    responders: [{ actor: 'user:<i>eve</i>', roles: ['notes'] }],
    runbooks: [],
    slaBreaches: [],
    rootCause: '',
    contributingFactors: ['<svg onload=alert(3)>'],
    mitigators: [],
    lessonsLearned: '',
    actionItems: [
      { title: 'Fix </td></tr></table>', owner: 'bob', status: 'open', link: 'javascript:alert(4)' },
    ],
    prompts: { rootCause: 'What failed & why?' },
    reminders: [],
    generatedAt: at,
    updatedAt: at,
  };
}

describe('post-mortem HTML', () => {
  const pm = hostilePostmortem();
  const page = toHtml(pm);

  it('renders hostile fields as text, escaped exactly once', () => {
    expect(page).toContain('<title>Post-mortem: &lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(page).toContain('<h1>Post-mortem: &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(page).toContain('Said &quot;roll back&quot; &amp; &lt;img src=x onerror=alert(2)&gt;');
    expect(page).toContain('user:o&#39;brien');
    expect(page).toContain('user:&lt;i&gt;eve&lt;/i&gt;: notes');
    expect(page).toContain('&lt;svg onload=alert(3)&gt;');
    expect(page).toContain('Fix &lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;');
    expect(page).toContain('What failed &amp; why?');
    // No markup from the data, and no second escaping (a hand-escaped value inside the template).
    for (const raw of ['<script', '<img', '<svg', '<b>', '<i>', '"roll back"'])
      expect(page).not.toContain(raw);
    expect(page).not.toMatch(/&amp;(lt|gt|quot|amp|#39);/);
    // A link that is not http(s) stays text: the page has no anchor at all.
    expect(page).not.toContain('<a ');
  });

  it('shows the alert labels and annotations with their names exactly as sent', () => {
    expect(page).toContain('<th>k8s.pod.name</th>');
    expect(page).toContain('<th>$env</th>');
    expect(page).toContain('&lt;b&gt;prod&lt;/b&gt;');
    const markdown = toMarkdown(pm);
    expect(markdown).toContain('| k8s.pod.name | web-1 |');
    expect(markdown).toContain('| summary | a \\| b |');
  });

  it('is one fragment, built by the template, in the document and in the web UI page', () => {
    const fragment = postmortemHtml(pm);
    expect(SafeHtml.is(fragment)).toBe(true);
    expect(page).toContain(fragment.value);
    const ui = postmortemPage(
      { csrfToken: 'token', viewer: { name: 'reader', scopes: ['incidents:read'] } },
      pm,
    );
    expect(ui).toContain(`<article class="postmortem">${fragment.value}</article>`);
    expect(ui).not.toContain('<script>alert(1)');
  });
});

describe('post-mortem Markdown', () => {
  const hostile =
    '[click](https://evil.example) ![x](https://evil.example/x.png) <img src=x onerror=alert(1)>';
  const at = '2026-01-01T00:00:00.000Z';
  const pm: Postmortem = {
    ...hostilePostmortem(),
    title: hostile,
    summary: `SEV1 P1 on checkout: ${hostile}.\n- see www.evil.example or ops@evil.example`,
    service: 'checkout_*api*',
    alerts: [
      { dedupKey: 'a', summary: hostile, count: 1, firstSeenAt: at, lastSeenAt: at, state: 'firing' },
      {
        dedupKey: 'b',
        summary: '<b>bold</b> `code` ~~gone~~ $x$',
        count: 1,
        firstSeenAt: at,
        lastSeenAt: at,
        state: 'resolved',
      },
    ] as Postmortem['alerts'],
    timeline: [
      { at, type: 'alert', actor: 'integration:x', message: hostile, count: 1, seqFrom: 1, seqTo: 1 },
    ],
  };
  const markdown = toMarkdown(pm);
  const escaped =
    '\\[click\\](https\\://evil.example) !\\[x\\](https\\://evil.example/x.png) \\<img src=x onerror=alert(1)\\>';

  it('shows links, images and HTML from an alert as text, never as markup', () => {
    expect(markdown.split('\n')[0]).toBe(`# Post-mortem: ${escaped}`);
    expect(markdown).toContain(`| ${at} | alert | integration:x | ${escaped} |`);
    expect(markdown).toContain(`| a | ${escaped} | 1 |`);
    expect(markdown).toContain('| b | \\<b\\>bold\\</b\\> \\`code\\` \\~\\~gone\\~\\~ \\$x\\$ | 1 |');
    expect(markdown).toContain(
      `SEV1 P1 on checkout: ${escaped}.\n\\- see www\\.evil.example or ops\\@evil.example`,
    );
    expect(markdown).toContain('· checkout\\_\\*api\\* ·');
    // Up to the reviewers' own sections (Markdown they write), nothing that starts a link, an
    // image, an autolink or a tag is left unescaped.
    const generated = markdown.slice(0, markdown.indexOf('## Root cause'));
    for (const syntax of [/(^|[^\\])\[/m, /(^|[^\\])</m, /https:\/\//, /(^|[^\\])www\./m])
      expect(generated).not.toMatch(syntax);
  });
});
