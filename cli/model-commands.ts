import { readFileSync } from 'node:fs';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';
import { table } from './format';

/** JSON with object keys sorted, so two definitions compare whatever order their fields were written in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** An on-call object as the API shows it: the catalog file's, or one stored with its revision. */
type ModelView = {
  id: string;
  managedBy: string;
  revision?: number;
  updatedBy?: string;
  updatedAt?: string;
} & Record<string, unknown>;

/** One kind of on-call object the CLI lists, shows and changes from JSON files. */
export interface ModelKind {
  /** `schedules`, `policies`: the command, and the list in the API's answer. */
  command: string;
  noun: string;
  /** How a plan names one, when not its noun: `escalation policy`. */
  title?: string;
  route: string;
  list: string;
  /** The fields that define one (what `apply` sends and compares), and their values when left out. */
  fields: readonly string[];
  defaults?: Record<string, unknown>;
  /** The listing's own columns, between the id and who manages it. */
  columns: readonly string[];
  row: (view: ModelView) => Array<string | number | undefined>;
}

/** `fireline <kind> ls|show|history|apply|delete`, for one kind of on-call object. */
export function modelCommands(kind: ModelKind): Record<string, (ctx: CommandContext) => Promise<void>> {
  const path = (id: string) => `${kind.route}/${encodeURIComponent(id)}`;
  const idArg = (ctx: CommandContext, usage: string) => {
    const id = ctx.args[0];
    if (!id) throw new CliError(`say which ${kind.noun}: fireline ${kind.command} ${usage}`, ExitCode.usage);
    return id;
  };
  const definition = (object: Record<string, unknown>) =>
    Object.fromEntries(kind.fields.map((f) => [f, object[f] ?? kind.defaults?.[f]]));
  const current = async (ctx: CommandContext, id: string) => {
    try {
      return await ctx.api.request<ModelView>('GET', path(id));
    } catch (err) {
      if (err instanceof CliError && err.exitCode === ExitCode.notFound) return undefined;
      throw err;
    }
  };

  const ls = async (ctx: CommandContext) => {
    const answer = await ctx.api.request<Record<string, ModelView[]>>('GET', kind.route);
    const objects = answer[kind.list] ?? [];
    print(ctx, objects, () =>
      table(
        [kind.noun.toUpperCase(), ...kind.columns, 'MANAGED BY', 'REVISION', 'CHANGED BY'],
        objects.map((o) => [
          o.id,
          ...kind.row(o),
          o.managedBy,
          o.revision,
          o.updatedBy ? `${o.updatedBy} ${o.updatedAt}` : undefined,
        ]),
      ),
    );
  };

  const show = async (ctx: CommandContext) => {
    const object = await ctx.api.request<ModelView>('GET', path(idArg(ctx, 'show ID')));
    // The JSON is the readable form, and what `apply` takes back.
    print(ctx, object, () => `${JSON.stringify(object, null, 2)}\n`);
  };

  const history = async (ctx: CommandContext) => {
    const { changes } = await ctx.api.request<{
      changes: Array<{ revision: number; action: string; actor: string; at: string }>;
    }>('GET', `${path(idArg(ctx, 'history ID'))}/history`);
    print(ctx, changes, () =>
      table(
        ['REVISION', 'CHANGE', 'BY', 'AT'],
        changes.map((c) => [c.revision, c.action, c.actor, c.at]),
      ),
    );
  };

  /**
   * Makes the object a JSON file describes, or changes it to match: with a
   * `revision` in the file, only if it is still at it; one that already
   * matches is left alone.
   */
  const apply = async (ctx: CommandContext) => {
    const file = idArg(ctx, 'apply FILE.json');
    let wanted: Record<string, unknown>;
    try {
      wanted = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new CliError(
        `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`,
        ExitCode.usage,
      );
    }
    const { id, revision } = wanted;
    if (typeof id !== 'string') throw new CliError(`${file} has no "id"`, ExitCode.usage);
    // What `show --json` adds (managedBy, who changed it) is not part of the definition.
    const body = Object.fromEntries(
      kind.fields.flatMap((f) => (wanted[f] === undefined ? [] : [[f, wanted[f]]])),
    );
    const now = await current(ctx, id);
    if (!now) {
      const made = await ctx.api.request<ModelView>('POST', kind.route, { body: { id, ...body } });
      print(ctx, made, () => `created ${id} (revision 1)\n`);
      return;
    }
    if (now.managedBy !== 'api')
      throw new CliError(
        `${id} is managed by ${now.managedBy === 'file' ? 'the catalog file' : 'a configuration file'}: change it there`,
        ExitCode.conflict,
      );
    if (canonical(definition(now)) === canonical(definition(wanted))) {
      print(ctx, now, () => `${id} is unchanged (revision ${now.revision})\n`);
      return;
    }
    const changed = await ctx.api.request<ModelView>('PUT', path(id), {
      body: { revision: revision ?? now.revision, ...body },
    });
    print(ctx, changed, () => `changed ${id} to revision ${changed.revision}\n`);
  };

  const remove = async (ctx: CommandContext) => {
    const id = idArg(ctx, 'delete ID [--revision N]');
    const given = str(ctx, 'revision');
    let revision = given === undefined ? undefined : Number(given);
    if (revision !== undefined && !(Number.isInteger(revision) && revision > 0))
      throw new CliError(`--revision must be a revision number, not ${given}`, ExitCode.usage);
    if (revision === undefined) {
      const now = await current(ctx, id);
      if (!now) throw new CliError(`no ${kind.noun} ${id}`, ExitCode.notFound);
      revision = now.revision ?? 1;
    }
    await ctx.api.request('DELETE', path(id), { query: { revision: String(revision) } });
    print(ctx, { deleted: id, revision }, () => `deleted ${id}\n`);
  };

  return { '': ls, ls, list: ls, show, history, apply, delete: remove, rm: remove };
}
