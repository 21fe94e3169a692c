import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { documentFiles, readDoc, repoDir } from '../helpers/readme-examples';

// Every relative link of the README and the guides in docs/ points to a file of the
// repository, and every #anchor to a heading of its Markdown file, so moving a
// section or a file cannot leave a reader at a dead link.

const documents = documentFiles();

/** The text a reader sees as prose: fenced code blocks and inline code spans removed. */
function prose(markdown: string): string {
  return markdown.replace(/^\s*```[\s\S]*?^\s*```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The targets of the Markdown links `[text](target)` of a document, in order. */
function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings, repeated ones numbered as GitHub does. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of markdown.replace(/^\s*```[\s\S]*?^\s*```/gm, '').matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(m[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** What is wrong with one link of `document`, or undefined when it leads somewhere. */
function problemOf(document: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:: not ours to check
  const [file = '', anchor] = target.split('#', 2) as [string, string | undefined];
  const resolved = file ? path.join(path.dirname(document), decodeURIComponent(file)) : document;
  const absolute = path.join(repoDir, resolved);
  if (!existsSync(absolute)) return `${target}: no file ${resolved}`;
  if (anchor === undefined) return undefined;
  if (!resolved.endsWith('.md') || statSync(absolute).isDirectory())
    return `${target}: an anchor into a non-Markdown file`;
  return anchorsOf(readDoc(resolved)).has(anchor)
    ? undefined
    : `${target}: ${resolved} has no heading #${anchor}`;
}

describe('links of the README and docs/', () => {
  it('finds the guides and their links', () => {
    expect(documents).toEqual(
      expect.arrayContaining(['README.md', 'docs/development.md', 'docs/deployment.md']),
    );
    expect(linkTargets(readDoc('README.md'))).toEqual(expect.arrayContaining(['docs/development.md#tests']));
  });

  it.each(documents)('%s links only to files and headings that exist', (document) => {
    const problems = linkTargets(readDoc(document)).flatMap((target) => problemOf(document, target) ?? []);
    expect(problems).toEqual([]);
  });

  it('every guide in docs/ is linked from the README', () => {
    const linked = new Set(linkTargets(readDoc('README.md')).map((t) => t.split('#')[0]));
    expect(documents.filter((d) => d.startsWith('docs/') && !linked.has(d))).toEqual([]);
  });

  it('reads anchors as GitHub makes them', () => {
    expect(slug('Steps (`rb.…`)')).toBe('steps-rb');
    expect(slug('Triage rules, escalation policies and on-call schedules (as code)')).toBe(
      'triage-rules-escalation-policies-and-on-call-schedules-as-code',
    );
    expect([...anchorsOf('# A\n\n## B\n\n```sh\n# not a heading\n```\n\n## B\n')]).toEqual(['a', 'b', 'b-1']);
  });
});
