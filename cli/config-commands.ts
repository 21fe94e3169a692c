import { readFileSync, writeFileSync } from 'node:fs';
import type { ScheduleView } from '../api/oncall/schedules';
import type { RotationLayer } from '../domain/oncall';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';
import { canonical } from './schedule-commands';

/** The on-call model as a file: the schedules made at run time, for review in git. */
interface ModelFile {
  schedules: Array<{ id: string; name: string; timeZone: string; layers: RotationLayer[]; source?: unknown }>;
}

interface Change {
  action: 'create' | 'update' | 'adopt' | 'delete' | 'unchanged';
  id: string;
  why?: string;
}

const definitionOf = (s: { name: string; timeZone: string; layers: RotationLayer[] }) =>
  canonical({ name: s.name, timeZone: s.timeZone, layers: s.layers });

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
  if (!Array.isArray(parsed.schedules)) throw new CliError(`${file} has no "schedules" list`, ExitCode.usage);
  const ids = parsed.schedules.map((s) => s.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new CliError(`${file} has schedule ${twice} twice`, ExitCode.usage);
  return { schedules: parsed.schedules };
}

/** What applying the file would change: made, changed, taken over from the API, deleted (those it no longer has). */
function changesFor(file: ModelFile, stored: ScheduleView[]): Change[] {
  const changes: Change[] = [];
  for (const wanted of file.schedules) {
    const now = stored.find((s) => s.id === wanted.id);
    if (!now) changes.push({ action: 'create', id: wanted.id });
    else if (now.managedBy === 'file')
      throw new CliError(
        `${wanted.id} is a schedule of the catalog file (config/oncall-catalog.ts): leave it out`,
        ExitCode.conflict,
      );
    else if (now.managedBy === 'api')
      changes.push({
        action: 'adopt',
        id: wanted.id,
        why: 'made through the API; the file manages it from now on',
      });
    else if (definitionOf(now) !== definitionOf(wanted)) changes.push({ action: 'update', id: wanted.id });
    else changes.push({ action: 'unchanged', id: wanted.id });
  }
  for (const s of stored)
    if (s.managedBy === 'config' && !file.schedules.some((w) => w.id === s.id))
      changes.push({ action: 'delete', id: s.id, why: 'no longer in the file' });
  return changes;
}

async function storedSchedules(ctx: CommandContext): Promise<ScheduleView[]> {
  return (await ctx.api.request<{ schedules: ScheduleView[] }>('GET', '/v1/schedules')).schedules;
}

function describe(changes: Change[], plan: boolean): string {
  const todo = changes.filter((c) => c.action !== 'unchanged');
  if (todo.length === 0) return `Nothing to do: ${changes.length} schedules as the file says.\n`;
  const verbs = plan
    ? { create: 'would create', update: 'would update', adopt: 'would adopt', delete: 'would delete' }
    : { create: 'created', update: 'updated', adopt: 'adopted', delete: 'deleted' };
  return (
    todo
      .map(
        (c) =>
          `${verbs[c.action as keyof typeof verbs].padEnd(13)} schedule ${c.id}${c.why ? ` (${c.why})` : ''}`,
      )
      .join('\n') + `\n${plan ? 'plan only: nothing changed' : `${todo.length} changes applied`}\n`
  );
}

/** `fireline config plan FILE`: what `apply` would change. */
async function plan(ctx: CommandContext): Promise<void> {
  const changes = changesFor(readModel(ctx), await storedSchedules(ctx));
  print(ctx, { changes }, () => describe(changes, true));
}

/** `fireline config apply FILE`: makes the schedules made at run time what the file says; they are then read-only elsewhere. */
async function apply(ctx: CommandContext): Promise<void> {
  const file = readModel(ctx);
  const stored = await storedSchedules(ctx);
  const changes = changesFor(file, stored);
  for (const change of changes) {
    const wanted = file.schedules.find((s) => s.id === change.id);
    const now = stored.find((s) => s.id === change.id);
    const path = `/v1/schedules/${encodeURIComponent(change.id)}`;
    const body = wanted && {
      name: wanted.name,
      timeZone: wanted.timeZone,
      layers: wanted.layers,
      managedBy: 'config',
    };
    if (change.action === 'create')
      await ctx.api.request('POST', '/v1/schedules', { body: { id: change.id, ...body } });
    if ((change.action === 'update' || change.action === 'adopt') && now && now.managedBy !== 'file')
      await ctx.api.request('PUT', path, { body: { revision: now.revision, ...body } });
    if (change.action === 'delete' && now && now.managedBy !== 'file')
      await ctx.api.request('DELETE', path, {
        query: { revision: String(now.revision), managedBy: 'config' },
      });
  }
  print(ctx, { changes }, () => describe(changes, false));
}

/** `fireline config export [--file F]`: the schedules made at run time as a file `apply` takes back. */
async function exportModel(ctx: CommandContext): Promise<void> {
  const schedules = (await storedSchedules(ctx))
    .filter((s) => s.managedBy !== 'file')
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((s) => ({
      id: s.id,
      name: s.name,
      timeZone: s.timeZone,
      layers: s.layers,
      ...('source' in s && s.source ? { source: s.source } : {}),
    }));
  const text = `${JSON.stringify({ schedules }, null, 2)}\n`;
  const file = str(ctx, 'file');
  if (file) {
    writeFileSync(file, text);
    ctx.info(`wrote ${schedules.length} schedules to ${file}`);
  } else ctx.out(text);
}

/** `fireline config …`: the schedules made at run time as a file, planned and applied like code. */
export const configCommands: Record<string, (ctx: CommandContext) => Promise<void>> = {
  plan,
  apply,
  export: exportModel,
};
