import { readFileSync } from 'node:fs';
import type { ScheduleView } from '../api/oncall/schedules';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';
import { table } from './format';

const path = (id: string) => `/v1/schedules/${encodeURIComponent(id)}`;

function scheduleId(ctx: CommandContext, usage: string): string {
  const id = ctx.args[0];
  if (!id) throw new CliError(`say which schedule: fireline schedules ${usage}`, ExitCode.usage);
  return id;
}

/** JSON with object keys sorted, so two definitions compare whatever order their fields were written in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

async function current(ctx: CommandContext, id: string): Promise<ScheduleView | undefined> {
  try {
    return await ctx.api.request<ScheduleView>('GET', path(id));
  } catch (err) {
    if (err instanceof CliError && err.exitCode === ExitCode.notFound) return undefined;
    throw err;
  }
}

async function ls(ctx: CommandContext): Promise<void> {
  const { schedules } = await ctx.api.request<{ schedules: ScheduleView[] }>('GET', '/v1/schedules');
  print(ctx, schedules, () =>
    table(
      ['SCHEDULE', 'NAME', 'TIME ZONE', 'LAYERS', 'MANAGED BY', 'REVISION', 'CHANGED BY'],
      schedules.map((s) => [
        s.id,
        s.name,
        s.timeZone,
        s.layers.length,
        s.managedBy,
        s.managedBy !== 'file' ? s.revision : undefined,
        s.managedBy !== 'file' ? `${s.updatedBy} ${s.updatedAt}` : undefined,
      ]),
    ),
  );
}

async function show(ctx: CommandContext): Promise<void> {
  const schedule = await ctx.api.request<ScheduleView>('GET', path(scheduleId(ctx, 'show ID')));
  // A schedule is its layers: the JSON is the readable form, and what `apply` takes back.
  print(ctx, schedule, () => `${JSON.stringify(schedule, null, 2)}\n`);
}

async function history(ctx: CommandContext): Promise<void> {
  const { changes } = await ctx.api.request<{
    changes: Array<{ revision: number; action: string; actor: string; at: string }>;
  }>('GET', `${path(scheduleId(ctx, 'history ID'))}/history`);
  print(ctx, changes, () =>
    table(
      ['REVISION', 'CHANGE', 'BY', 'AT'],
      changes.map((c) => [c.revision, c.action, c.actor, c.at]),
    ),
  );
}

/**
 * Makes the schedule a JSON file describes, or changes it to match: with a
 * `revision` in the file, only if the schedule is still at it; a schedule
 * that already matches is left alone.
 */
async function apply(ctx: CommandContext): Promise<void> {
  const file = scheduleId(ctx, 'apply FILE.json');
  let wanted: { id?: unknown; revision?: unknown; name?: unknown; timeZone?: unknown; layers?: unknown };
  try {
    wanted = JSON.parse(readFileSync(file, 'utf8')) as typeof wanted;
  } catch (err) {
    throw new CliError(
      `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`,
      ExitCode.usage,
    );
  }
  if (typeof wanted.id !== 'string') throw new CliError(`${file} has no "id"`, ExitCode.usage);
  // What `show --json` adds (managedBy, who changed it) is not part of the definition.
  const { id, revision, name, timeZone, layers } = wanted as typeof wanted & { id: string };
  const definition = { name, timeZone, layers };
  const now = await current(ctx, id);
  if (!now) {
    const made = await ctx.api.request<ScheduleView>('POST', '/v1/schedules', {
      body: { id, ...definition },
    });
    print(ctx, made, () => `created ${id} (revision 1)\n`);
    return;
  }
  if (now.managedBy === 'file')
    throw new CliError(`${id} is managed by the catalog file: change it there`, ExitCode.conflict);
  if (canonical({ name: now.name, timeZone: now.timeZone, layers: now.layers }) === canonical(definition)) {
    print(ctx, now, () => `${id} is unchanged (revision ${now.revision})\n`);
    return;
  }
  const changed = await ctx.api.request<ScheduleView & { revision: number }>('PUT', path(id), {
    body: { revision: revision ?? now.revision, ...definition },
  });
  print(ctx, changed, () => `changed ${id} to revision ${changed.revision}\n`);
}

async function remove(ctx: CommandContext): Promise<void> {
  const id = scheduleId(ctx, 'delete ID [--revision N]');
  const given = str(ctx, 'revision');
  let revision = given === undefined ? undefined : Number(given);
  if (revision !== undefined && !(Number.isInteger(revision) && revision > 0))
    throw new CliError(`--revision must be a revision number, not ${given}`, ExitCode.usage);
  if (revision === undefined) {
    const now = await current(ctx, id);
    if (!now) throw new CliError(`no schedule ${id}`, ExitCode.notFound);
    revision = now.managedBy !== 'file' ? now.revision : 1;
  }
  await ctx.api.request('DELETE', path(id), { query: { revision: String(revision) } });
  print(ctx, { deleted: id, revision }, () => `deleted ${id}\n`);
}

/** `fireline schedules …`: the schedules, and those made at run time changed from JSON files. */
export const scheduleCommands: Record<string, (ctx: CommandContext) => Promise<void>> = {
  '': ls,
  ls,
  list: ls,
  show,
  history,
  apply,
  delete: remove,
  rm: remove,
};
