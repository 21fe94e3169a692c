import type { OnCallNow, PersonRef, RuntimeOverride } from '../domain/oncall-overrides';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';
import { table } from './format';

function required(ctx: CommandContext, name: string, hint: string): string {
  const v = str(ctx, name);
  if (!v) throw new CliError(`--${name} is required: ${hint}`, ExitCode.usage);
  return v;
}
/** `--start 2026-12-24T18:00` as the API wants it: an ISO instant (a time without a zone is local to this machine). */
function instant(ctx: CommandContext, name: string): string {
  const raw = required(ctx, name, 'an ISO date-time, e.g. 2026-12-24T18:00:00Z');
  const date = new Date(raw);
  if (Number.isNaN(date.getTime()))
    throw new CliError(`--${name} is not a date-time: ${raw}`, ExitCode.usage);
  return date.toISOString();
}

async function whoIsOnCall(ctx: CommandContext): Promise<void> {
  const at = str(ctx, 'at');
  const now = await ctx.api.request<OnCallNow>('GET', '/v1/oncall', {
    query: { at: at ? new Date(at).toISOString() : undefined },
  });
  print(ctx, now, () => {
    const schedules = table(
      ['SCHEDULE', 'ON CALL', 'UNTIL', 'OVERRIDE'],
      now.schedules.map((s) => [
        s.id,
        s.onCall ? `${s.onCall.name} (${s.onCall.id})` : 'nobody',
        s.until,
        s.overrideId,
      ]),
    );
    const levels = table(
      ['POLICY', 'LEVEL', 'AFTER', 'REACHES'],
      now.policies.flatMap((p) =>
        p.levels.map((l) => [
          p.id,
          l.level,
          `${Math.round(l.delaySeconds / 60)} min`,
          l.targets
            .map((t) =>
              t.type === 'channel'
                ? `#${t.id}`
                : `${t.people.map((x) => x.id).join(', ') || 'nobody'} (${t.type} ${t.id})`,
            )
            .join('; '),
        ]),
      ),
    );
    return `On call at ${now.at}\n\n${schedules}\n${levels}`;
  });
}

async function shifts(ctx: CommandContext): Promise<void> {
  const schedule = required(ctx, 'schedule', 'which schedule');
  const from = str(ctx, 'from');
  const to = str(ctx, 'to');
  const result = await ctx.api.request<{
    shifts: Array<{ person: PersonRef; start: string; end: string; overrideId?: string }>;
  }>('GET', `/v1/schedules/${encodeURIComponent(schedule)}/shifts`, {
    query: { from: from && new Date(from).toISOString(), to: to && new Date(to).toISOString() },
  });
  print(ctx, result, () =>
    table(
      ['FROM', 'TO', 'WHO', 'OVERRIDE'],
      result.shifts.map((s) => [s.start, s.end, `${s.person.name} (${s.person.id})`, s.overrideId]),
    ),
  );
}

async function override(ctx: CommandContext): Promise<void> {
  const [action, id] = ctx.args;
  const schedule = required(ctx, 'schedule', 'the schedule the override is for');
  const base = `/v1/schedules/${encodeURIComponent(schedule)}/overrides`;
  if (action === 'create' || action === 'add') {
    const made = await ctx.api.request<RuntimeOverride>('POST', base, {
      body: {
        personId: required(ctx, 'person', 'who covers'),
        start: instant(ctx, 'start'),
        end: instant(ctx, 'end'),
        ...(str(ctx, 'note') ? { note: str(ctx, 'note') } : {}),
      },
    });
    print(
      ctx,
      made,
      () => `${made.id}: ${made.personId} covers ${schedule} from ${made.start} to ${made.end}\n`,
    );
    return;
  }
  if (action === 'ls' || action === 'list') {
    const { overrides } = await ctx.api.request<{ overrides: RuntimeOverride[] }>('GET', base);
    print(ctx, overrides, () =>
      table(
        ['ID', 'WHO', 'FROM', 'TO', 'BY', 'NOTE'],
        overrides.map((o) => [o.id, o.personId, o.start, o.end, o.createdBy, o.note]),
      ),
    );
    return;
  }
  if (action === 'delete' || action === 'rm') {
    if (!id)
      throw new CliError('say which: fireline oncall override delete OVR-… --schedule S', ExitCode.usage);
    await ctx.api.request('DELETE', `${base}/${encodeURIComponent(id)}`);
    print(ctx, { deleted: id }, () => `deleted ${id}\n`);
    return;
  }
  throw new CliError('oncall override takes create, ls or delete', ExitCode.usage);
}

/** `fireline oncall …`: who is on call, a schedule's shifts, and overrides. */
export const oncallCommands: Record<string, (ctx: CommandContext) => Promise<void>> = {
  '': whoIsOnCall,
  now: whoIsOnCall,
  shifts,
  override,
};
