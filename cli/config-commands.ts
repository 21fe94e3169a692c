import { readFileSync, writeFileSync } from 'node:fs';
import type { PolicyView } from '../api/oncall/policies';
import type { ScheduleView } from '../api/oncall/schedules';
import type { PersonView, TeamView } from '../api/oncall/people';
import type { ServiceView } from '../api/oncall/services';
import { personKind, policyKind, scheduleKind, serviceKind, teamKind } from './schedule-commands';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';
import { canonical } from './model-commands';

/**
 * What a model file holds of each kind (its route, and the fields that define
 * one, as `fireline <kind>` knows them), in the order they are made: what an
 * object names is made before it, and deleted after it.
 */
const KINDS = {
  person: personKind,
  team: teamKind,
  schedule: scheduleKind,
  policy: policyKind,
  service: serviceKind,
} as const;
type Kind = keyof typeof KINDS;
const kinds = Object.keys(KINDS) as Kind[];
type Stored = (ScheduleView | PolicyView | PersonView | TeamView | ServiceView) & Record<string, unknown>;
type Wanted = { id: string } & Record<string, unknown>;

/** The on-call model as a file: the people, teams, schedules and escalation policies made at run time, for review in git. */
type ModelFile = Record<string, Wanted[]>;

interface Change {
  kind: Kind;
  action: 'create' | 'update' | 'adopt' | 'delete' | 'unchanged';
  id: string;
  why?: string;
}

const definitionOf = (kind: Kind, object: Record<string, unknown>) =>
  canonical(Object.fromEntries(KINDS[kind].fields.map((f) => [f, object[f] ?? KINDS[kind].defaults?.[f]])));

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
  const model: ModelFile = Object.fromEntries(kinds.map((k) => [KINDS[k].list, parsed[KINDS[k].list] ?? []]));
  for (const [list, objects] of Object.entries(model)) {
    if (!Array.isArray(objects)) throw new CliError(`${file}: "${list}" is not a list`, ExitCode.usage);
    const ids = objects.map((o) => o.id);
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice) throw new CliError(`${file} has ${list} ${twice} twice`, ExitCode.usage);
  }
  return model;
}

async function storedModel(ctx: CommandContext): Promise<Record<Kind, Stored[]>> {
  const lists = await Promise.all(
    kinds.map(async (k) => {
      const answer = await ctx.api.request<Record<string, Stored[]>>('GET', KINDS[k].route);
      return [k, answer[KINDS[k].list] ?? []] as const;
    }),
  );
  return Object.fromEntries(lists) as Record<Kind, Stored[]>;
}

/** What applying the file would change: made, changed, taken over from the API, deleted (those it no longer has). */
function changesFor(file: ModelFile, stored: Record<Kind, Stored[]>): Change[] {
  const changes: Change[] = [];
  for (const kind of kinds) {
    const wantedList = file[KINDS[kind].list] ?? [];
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
  return (
    todo
      .map(
        (c) =>
          `${verbs[c.action as keyof typeof verbs].padEnd(13)} ${KINDS[c.kind].title ?? KINDS[c.kind].noun} ${c.id}${c.why ? ` (${c.why})` : ''}`,
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
 * `fireline config apply FILE`: makes the people, teams, schedules and
 * policies made at run time what the file says; they are then read-only
 * elsewhere. Each kind is made before the kinds that name it (a policy pages
 * schedules and teams) and deleted after them.
 */
async function apply(ctx: CommandContext): Promise<void> {
  const file = readModel(ctx);
  const stored = await storedModel(ctx);
  const changes = changesFor(file, stored);
  const order = [
    ...kinds.flatMap((k) => changes.filter((c) => c.kind === k && c.action !== 'delete')),
    ...[...kinds].reverse().flatMap((k) => changes.filter((c) => c.kind === k && c.action === 'delete')),
  ];
  for (const change of order) {
    const { route, list, fields } = KINDS[change.kind];
    const wanted = file[list]?.find((s) => s.id === change.id);
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
  print(ctx, { changes: order }, () => describe(order, false));
}

/** `fireline config export [--file F]`: the on-call model made at run time as a file `apply` takes back. */
async function exportModel(ctx: CommandContext): Promise<void> {
  const stored = await storedModel(ctx);
  const exported = (kind: Kind) =>
    stored[kind]
      .filter((s) => s.managedBy !== 'file')
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((s) => ({
        id: s.id,
        ...Object.fromEntries(KINDS[kind].fields.flatMap((f) => (s[f] === undefined ? [] : [[f, s[f]]]))),
        ...(s.source ? { source: s.source } : {}),
      }));
  const model: ModelFile = Object.fromEntries(kinds.map((k) => [KINDS[k].list, exported(k)]));
  const text = `${JSON.stringify(model, null, 2)}\n`;
  const file = str(ctx, 'file');
  if (file) {
    writeFileSync(file, text);
    ctx.info(
      `wrote ${kinds.map((k) => `${model[KINDS[k].list]!.length} ${KINDS[k].list}`).join(', ')} to ${file}`,
    );
  } else ctx.out(text);
}

/** `fireline config …`: the on-call model made at run time as a file, planned and applied like code. */
export const configCommands: Record<string, (ctx: CommandContext) => Promise<void>> = {
  plan,
  apply,
  export: exportModel,
};
