import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';

/** The repository's root, where README.md and docs/ are. */
export const repoDir = path.join(__dirname, '../..');

/** The README and every guide in docs/, as paths from the repository's root. */
export function documentFiles(): string[] {
  return [
    'README.md',
    ...readdirSync(path.join(repoDir, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f}`),
  ];
}

/** A Markdown file of the repository (`README.md`, `docs/oncall.md`), as a reader sees it. */
export function readDoc(file: string): string {
  return readFileSync(path.join(repoDir, file), 'utf8');
}

/** Each line of a Markdown text, with whether it is inside a fenced code block (where `#` is no heading). */
function linesOutsideCode(markdown: string): { line: string; inCode: boolean }[] {
  let inCode = false;
  return markdown.split('\n').map((line) => {
    const fence = /^\s*```/.test(line);
    const entry = { line, inCode: inCode || fence };
    if (fence) inCode = !inCode;
    return entry;
  });
}

/**
 * One section of a Markdown file: from the line that is exactly `heading` (e.g. `## On-call changes`)
 * to the next heading of the same or a higher level, subsections included.
 */
export function sectionOf(markdown: string, heading: string, file = 'the document'): string {
  const level = /^#+/.exec(heading)?.[0].length;
  if (!level) throw new Error(`"${heading}" is not a Markdown heading`);
  const lines = linesOutsideCode(markdown);
  const start = lines.findIndex((l) => !l.inCode && l.line === heading);
  if (start < 0) throw new Error(`${file} has no section "${heading}"`);
  const next = lines.findIndex(
    (l, i) => i > start && !l.inCode && (/^#+(?= )/.exec(l.line)?.[0].length ?? Infinity) <= level,
  );
  return lines
    .slice(start, next < 0 ? undefined : next)
    .map((l) => l.line)
    .join('\n');
}

/** The bodies of the fenced code blocks of one language (`bash`, `sh`, `ts`) in a Markdown text. */
export function codeBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\``, 'gm'))].map(
    (m) => m[1]!,
  );
}

/** The bash blocks of one section of a Markdown file of the repository. */
export function bashBlocks(file: string, heading: string): string[] {
  return codeBlocks(sectionOf(readDoc(file), heading, file), 'bash');
}

/** Runs a script as the documentation's reader would, with `bash -euo pipefail`; throws with its output if it fails. */
export async function runBash(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve) =>
      execFile(
        'bash',
        ['-euo', 'pipefail', '-c', script],
        { env: { ...process.env, ...env } },
        (err, out, errOut) =>
          resolve({
            code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
            stdout: out,
            stderr: errOut,
          }),
      ),
  );
  if (code !== 0) throw new Error(`exit ${code}\n${stdout}\n${stderr}`);
  return stdout;
}

/** The API listening on a free loopback port, as curl in the documentation's examples reaches it. */
export async function listenLocally(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
