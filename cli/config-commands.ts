import { readFileSync, writeFileSync } from 'node:fs';
import type { PolicyView } from '../api/oncall/policies';
import type { ScheduleView } from '../api/oncall/schedules';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';
import { canonical } from './model-commands';

/** What a model file holds of each kind: its route, and the fields that define an object of it. */
const KINDS = {
  schedule: { list: 'schedules', route: '/v1/schedules', fields: ['name', 'timeZone', 'layers'] },
  policy: {
    list: 'policies',
    route: '/v1/escalation-policies',
    fields: ['name', 'levels', 'repeat', 'fallback'],
  },
} as const;
type Kind = keyof typeof KINDS;
type Stored = (ScheduleView | PolicyView) & Record<string, unknown>;
type Wanted = { id: string } & Record<string, unknown>;

/** The on-call model as a file: the schedules and escalation policies made at run time, for review in git. */
type ModelFile = Record<(typeof KINDS)[Kind]['list'], Wanted[]>;

interface Change {
  kind: Kind;
  action: 'create' | 'update' | 'adopt' | 'delete' | 'unchanged';
  id: string;
  why?: string;
}

const definitionOf = (kind: Kind, object: Record<string, unknown>) =>
  canonical(
    Object.fromEntries(
      KINDS[kind].fields.map((f) => [
        f,
        object[f] ?? (f === 'repeat' ? 0 : f === 'fallback' ? [] : undefined),
      ]),
    ),
  );

function readModel(ctx: CommandContext): ModelFile {
  const file = str(ctx, 'file') ?? ctx.args[0];
  if (!file) throw new CliError('say which file: --file oncall.json', ExitCode.usage);
  let parsed: Partial<ModelFile>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ModelFile>;
  } catch (err) {
    throw new CliError(
      `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`,
      ExitCode.usage,
    );
  }
  const model = { schedules: parsed.schedules ?? [], policies: parsed.policies ?? [] };
  for (const [list, objects] of Object.entries(model)) {
    if (!Array.isArray(objects)) throw new CliError(`${file}: "${list}" is not a list`, ExitCode.usage);
    const ids = objects.map((o) => o.id);
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice) throw new CliError(`${file} has ${list} ${twice} twice`, ExitCode.usage);
  }
  return model;
}

async function storedModel(ctx: CommandContext): Promise<Record<Kind, Stored[]>> {
  const [schedules, policies] = await Promise.all([
    ctx.api.request<{ schedules: Stored[] }>('GET', KINDS.schedule.route),
    ctx.api.request<{ policies: Stored[] }>('GET', KINDS.policy.route),
  ]);
  return { schedule: schedules.schedules, policy: policies.policies };
}

/** What applying the file would change: made, changed, taken over from the API, deleted (those it no longer has). */
function changesFor(file: ModelFile, stored: Record<Kind, Stored[]>): Change[] {
  const changes: Change[] = [];
  for (const kind of Object.keys(KINDS) as Kind[]) {
    const wantedList = file[KINDS[kind].list];
    for (const wanted of wantedList) {
      const now = stored[kind].find((s) => s.id === wanted.id);
      if (!now) changes.push({ kind, action: 'create', id: wanted.id });
      else if (now.managedBy === 'file')
        throw new CliError(
          `${kind} ${wanted.id} is in the catalog file (config/oncall-catalog.ts): leave it out`,
          ExitCode.conflict,
        );
      else if (now.managedBy === 'api')
        changes.push({
          kind,
          action: 'adopt',
          id: wanted.id,
          why: 'made through the API; the file manages it from now on',
        });
      else if (definitionOf(kind, now) !== definitionOf(kind, wanted))
        changes.push({ kind, action: 'update', id: wanted.id });
      else changes.push({ kind, action: 'unchanged', id: wanted.id });
    }
    for (const s of stored[kind])
      if (s.managedBy === 'config' && !wantedList.some((w) => w.id === s.id))
        changes.push({ kind, action: 'delete', id: s.id, why: 'no longer in the file' });
  }
  return changes;
}

function describe(changes: Change[], plan: boolean): string {
  const todo = changes.filter((c) => c.action !== 'unchanged');
  if (todo.length === 0) return `Nothing to do: ${changes.length} objects as the file says.\n`;
  const verbs = plan
    ? { create: 'would create', update: 'would update', adopt: 'would adopt', delete: 'would delete' }
    : { create: 'created', update: 'updated', adopt: 'adopted', delete: 'deleted' };
  const noun = { schedule: 'schedule', policy: 'escalation policy' };
  return (
    todo
      .map(
        (c) =>
          `${verbs[c.action as keyof typeof verbs].padEnd(13)} ${noun[c.kind]} ${c.id}${c.why ? ` (${c.why})` : ''}`,
      )
      .join('\n') + `\n${plan ? 'plan only: nothing changed' : `${todo.length} changes applied`}\n`
  );
}

/** `fireline config plan FILE`: what `apply` would change. */
async function plan(ctx: CommandContext): Promise<void> {
  const changes = changesFor(readModel(ctx), await storedModel(ctx));
  print(ctx, { changes }, () => describe(changes, true));
}

/**
 * `fireline config apply FILE`: makes the schedules and policies made at run
 * time what the file says; they are then read-only elsewhere. Schedules are
 * made before policies (which may page them) and deleted after them.
 */
async function apply(ctx: CommandContext): Promise<void> {
  const file = readModel(ctx);
  const stored = await storedModel(ctx);
  const changes = changesFor(file, stored);
  const order = [
    ...changes.filter((c) => c.kind === 'schedule' && c.action !== 'delete'),
    ...changes.filter((c) => c.kind === 'policy'),
    ...changes.filter((c) => c.kind === 'schedule' && c.action === 'delete'),
  ];
  for (const change of order) {
    const { route, list, fields } = KINDS[change.kind];
    const wanted = file[list].find((s) => s.id === change.id);
    const now = stored[change.kind].find((s) => s.id === change.id);
    const path = `${route}/${encodeURIComponent(change.id)}`;
    const body = wanted && {
      ...Object.fromEntries(fields.flatMap((f) => (wanted[f] === undefined ? [] : [[f, wanted[f]]]))),
      managedBy: 'config',
    };
    const revision = now && now.managedBy !== 'file' ? String(now.revision) : undefined;
    if (change.action === 'create')
      await ctx.api.request('POST', route, { body: { id: change.id, ...body } });
    if ((change.action === 'update' || change.action === 'adopt') && revision)
      await ctx.api.request('PUT', path, { body: { revision: Number(revision), ...body } });
    if (change.action === 'delete' && revision)
      await ctx.api.request('DELETE', path, { query: { revision, managedBy: 'config' } });
  }
  print(ctx, { changes }, () => describe(changes, false));
}

/** `fireline config export [--file F]`: the schedules and policies made at run time as a file `apply` takes back. */
async function exportModel(ctx: CommandContext): Promise<void> {
  const stored = await storedModel(ctx);
  const exported = (kind: Kind) =>
    stored[kind]
      .filter((s) => s.managedBy !== 'file')
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((s) => ({
        id: s.id,
        ...Object.fromEntries(KINDS[kind].fields.map((f) => [f, s[f]])),
        ...(s.source ? { source: s.source } : {}),
      }));
  const model = { schedules: exported('schedule'), policies: exported('policy') };
  const text = `${JSON.stringify(model, null, 2)}\n`;
  const file = str(ctx, 'file');
  if (file) {
    writeFileSync(file, text);
    ctx.info(
      `wrote ${model.schedules.length} schedules and ${model.policies.length} escalation policies to ${file}`,
    );
  } else ctx.out(text);
}

/** `fireline config …`: the schedules and policies made at run time as a file, planned and applied like code. */
export const configCommands: Record<string, (ctx: CommandContext) => Promise<void>> = {
  plan,
  apply,
  export: exportModel,
};
