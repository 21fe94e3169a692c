import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDoc, repoDir, sectionOf } from '../helpers/readme-examples';

// The runbook example of docs/runbooks.md and its test, done as a reader would do them in
// a fresh clone: write runbooks/restart-cache.ts, add it to runbooks/index.ts,
// put the test under test/, and run it (type check, lint, Jest). It happens in
// a copy of the repository, because a runbook added here would not be in the
// workflow bundle this run's global setup already built, and would be seen
// by the other Jest worker.

const repo = repoDir;
const guide = 'docs/runbooks.md';

/** The ```ts blocks that start with a `// path` comment: where the reader puts them. */
function filesOf(markdown: string): { file: string; code: string }[] {
  return [...markdown.matchAll(/^```ts\n\/\/ ([\w./-]+\.ts)\n([\s\S]*?)^```/gm)].map((m) => ({
    file: m[1]!,
    code: `// ${m[1]}\n${m[2]}`,
  }));
}

function section(heading: string): string {
  return sectionOf(readDoc(guide), heading, guide);
}

function run(cwd: string, env: NodeJS.ProcessEnv, command: string, args: string[]) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `$ ${command} ${args.join(' ')}\n${stdout}${stderr}` });
    });
  });
}

/** Fails the test with the command's output unless it exited 0. */
function expectSuccess(result: { code: number; output: string }): void {
  if (result.code !== 0) throw new Error(`exit code ${result.code}:\n${result.output}`);
}

describe("docs/runbooks.md's runbook example", () => {
  let clone: string;

  beforeAll(() => {
    clone = mkdtempSync(path.join(os.tmpdir(), 'fireline-readme-'));
  });
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it('passes its own test when copied into a fresh clone', async () => {
    const runbook = filesOf(section('## Writing one')).find((f) => f.file.startsWith('runbooks/'));
    const test = filesOf(section('## Testing a runbook')).find((f) => f.file.startsWith('test/'));
    expect(runbook?.file).toBe('runbooks/restart-cache.ts');
    expect(test?.file).toMatch(/^test\/.+\.test\.ts$/);

    // The repository as a clone has it (tracked files, and new ones not yet committed).
    const files = execFileSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], { cwd: repo })
      .toString()
      .split('\0')
      // node_modules is linked below; a worktree whose node_modules is an untracked symlink lists it.
      .filter((file) => file !== '' && file !== 'node_modules');
    for (const file of files) {
      try {
        cpSync(path.join(repo, file), path.join(clone, file));
      } catch (err) {
        // Deleted in the working tree but not yet in the index: not in a clone either.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    symlinkSync(path.join(repo, 'node_modules'), path.join(clone, 'node_modules'), 'dir');

    writeFileSync(path.join(clone, runbook!.file), runbook!.code);
    writeFileSync(path.join(clone, test!.file), test!.code);
    // "Then add it to the list in runbooks/index.ts."
    const indexPath = path.join(clone, 'runbooks/index.ts');
    const index = readFileSync(indexPath, 'utf8');
    const registered = index
      .replace(
        /^(import type \{ Runbook \} from '\.\/sdk';)$/m,
        "import restartCache from './restart-cache';\n$1",
      )
      .replace(/(const all: Runbook<never>\[\] = \[[^\]]*)\]/, '$1, restartCache]');
    expect(registered).toContain("import restartCache from './restart-cache';");
    expect(registered).toContain(', restartCache];');
    writeFileSync(indexPath, registered);

    // Its own temporary files (the Jest setup's bundle) go inside the clone, removed with it.
    mkdirSync(path.join(clone, 'tmp'));
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: path.join(clone, 'tmp') };
    delete env.JEST_WORKER_ID;
    delete env.FIRELINE_TEST_WORKFLOW_BUNDLE;
    // A runbook's test runs no Fireline process: the clone's Jest setup need not compile them.
    env.FIRELINE_TEST_COMPILE = '0';
    const changed = [runbook!.file, 'runbooks/index.ts', test!.file];
    // The type check of what the reader changed and all it imports (the suite checks the rest).
    writeFileSync(
      path.join(clone, 'tsconfig.changed.json'),
      JSON.stringify({ extends: './tsconfig.json', include: [], files: changed }),
    );
    // What `npm test` runs, on what the reader changed: the servers are this run's
    // (TEMPORAL_ADDRESS and MONGODB_URI are set), the workflow bundle the clone's own.
    const checks = await Promise.all([
      run(clone, env, 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.changed.json']),
      // Typed lint rules need a program: the one of what changed, not the whole repository's.
      run(clone, env, 'npx', ['eslint', '--parser-options', 'project:./tsconfig.changed.json', ...changed]),
      run(clone, env, 'npx', ['prettier', '--check', ...changed]),
    ]);
    checks.forEach(expectSuccess);
    process.stderr.write(`${guide} example: type check, lint and format passed in a clone\n`);

    const report = path.join(clone, 'tmp/jest.json');
    const jest = await run(clone, env, 'npx', ['jest', test!.file, '--json', `--outputFile=${report}`]);
    expectSuccess(jest);
    const results = JSON.parse(readFileSync(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      testResults: { name: string }[];
    };
    expect(results.numFailedTests).toBe(0);
    expect(results.numPassedTests).toBeGreaterThan(0);
    expect(results.testResults.map((r) => path.relative(clone, r.name))).toEqual([test!.file]);
  }, 300_000);
});
