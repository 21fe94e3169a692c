import { parseArgs } from 'node:util';
import type { ApiClient } from '../../cli/api-client';
import { commands, type CommandContext } from '../../cli/commands';
import { options } from '../../cli/main';
import { checkRunbookParams } from '../../infra/runbook-params';
import { runbookMetas } from '../../runbooks';
import { codeBlocks, documentFiles, readDoc } from '../helpers/readme-examples';

// Every runbook example in the README and the guides in docs/ must be accepted as
// written: the parameters each one sends are checked against the runbook's real
// schema with the API's own check (Ajv, as POST …/runbooks and …/dry-run do).

const documents = documentFiles();
const shellBlocks = documents.flatMap((file) => codeBlocks(readDoc(file), 'sh'));

/** The shell words of one command line: quotes removed, an unquoted # ends it. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unbalanced ${c} in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) {
      break;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Command lines of the documents' shell examples, continuation lines joined. */
const commandLines = shellBlocks.flatMap((block) => block.replace(/\\\n/g, ' ').split('\n'));

interface Example {
  source: string;
  runbookId: string;
  params: Record<string, unknown>;
  /** The CLI refused the command line before sending anything. */
  refused?: string;
}

/** What `fireline runbooks run|dry-run …` sends, as the CLI itself parses and builds it. */
async function cliExample(line: string): Promise<Example> {
  const words = shellWords(line);
  const { values, positionals } = parseArgs({
    args: words.slice(words.indexOf('fireline') + 1),
    options,
    allowPositionals: true,
    strict: true,
  });
  const [, command, ...args] = positionals;
  let sent: { path: string; body: { params: Record<string, unknown> } } | undefined;
  const stop = new Error('request captured');
  const api = {
    request: async (_method: string, requestPath: string, opts: { body: never }) => {
      sent = { path: requestPath, body: opts.body };
      throw stop;
    },
  } as unknown as ApiClient;
  const ctx: CommandContext = { api, args, flags: values, json: true, out: () => {}, info: () => {} };
  const failure = await commands.runbooks![command!]!(ctx).then(
    () => new Error('the command sent nothing'),
    (err: Error) => err,
  );
  const runbookId = command === 'run' ? args[1]! : args[0]!;
  if (failure !== stop || !sent)
    return { source: line.trim(), runbookId, params: {}, refused: failure.message };
  return { source: line.trim(), runbookId, params: sent.body.params };
}

/** What the curl examples post to start a run or a drill (a body may span lines). */
function curlExamples(): Example[] {
  const commands = shellBlocks.flatMap((block) => block.split(/^(?=curl )/m));
  return commands.flatMap((command) => {
    const m = /\/v1\/(?:incidents\/\$ID\/runbooks|runbooks\/([a-z0-9-]+)\/dry-run) .*?-d '([^']*)'/s.exec(
      command,
    );
    if (!m) return [];
    const body = JSON.parse(m[2]!) as { runbookId?: string; params: Record<string, unknown> };
    return [{ source: command.split('\n')[0]!, runbookId: m[1] ?? body.runbookId!, params: body.params }];
  });
}

describe('the runbook examples of the README and docs/', () => {
  const cliLines = commandLines.filter((l) => /\bfireline runbooks (run|dry-run)\b/.test(l));

  it('finds the CLI and curl examples', () => {
    expect(cliLines.map((l) => shellWords(l)[3])).toEqual(['run', 'dry-run']);
    expect(curlExamples().map((e) => e.runbookId)).toEqual(['rollback-deploy', 'scale-out-queue']);
  });

  it('sends parameters each runbook accepts', async () => {
    const examples = [...(await Promise.all(cliLines.map(cliExample))), ...curlExamples()];
    const problems = examples.map((example) => {
      const meta = runbookMetas().find((m) => m.id === example.runbookId);
      return {
        source: example.source,
        problems: example.refused
          ? [`refused by the CLI: ${example.refused}`]
          : meta
            ? checkRunbookParams(meta, example.params)
            : [`no runbook ${example.runbookId}`],
      };
    });
    expect(problems).toEqual(examples.map((e) => ({ source: e.source, problems: [] })));
  });
});
