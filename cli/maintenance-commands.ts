import type { MaintenanceWindowAnswer } from '../api/maintenance/service';
import { coveredText } from '../domain/maintenance';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';
import { durationSeconds, table } from './format';

const path = (id: string) => `/v1/maintenance-windows/${encodeURIComponent(id)}`;

function idOf(ctx: CommandContext): string {
  const id = ctx.args[0];
  if (!id) throw new CliError('missing the window id (mw-…)', ExitCode.usage);
  return id;
}

function when(w: MaintenanceWindowAnswer): string {
  const o = w.occurrence;
  if (!o) return `over (ended ${w.endsAt})`;
  return `${w.active ? 'now' : 'next'} ${o.startsAt} → ${o.endsAt}`;
}

function lines(w: MaintenanceWindowAnswer): string {
  return [
    `window     ${w.id}${w.active ? ' (under way)' : ''}`,
    `covers     ${coveredText(w)}${w.silenceSev1 ? ', SEV1 included' : ' (SEV1 still pages)'}`,
    `when       ${when(w)}`,
    ...(w.weekly
      ? [`repeats    every week (${w.weekly.timeZone})${w.weekly.until ? ` until ${w.weekly.until}` : ''}`]
      : []),
    `reason     ${w.reason}`,
    `by         ${w.createdBy}`,
    '',
  ].join('\n');
}

/** `fireline maintenance`: list, show, create, end and delete maintenance windows. */
export const maintenanceCommands: Record<string, (ctx: CommandContext) => Promise<void>> = {
  async ''(ctx) {
    return maintenanceCommands.ls!(ctx);
  },
  async ls(ctx) {
    const state = ctx.flags.all ? 'all' : 'current';
    const { windows } = await ctx.api.request<{ windows: MaintenanceWindowAnswer[] }>(
      'GET',
      `/v1/maintenance-windows?state=${state}`,
    );
    print(
      ctx,
      windows,
      () =>
        `${table(
          ['ID', 'COVERS', 'WHEN', 'REASON'],
          windows.map((w) => [w.id, coveredText(w), when(w), w.reason]),
        )}\n`,
    );
  },
  async show(ctx) {
    const w = await ctx.api.request<MaintenanceWindowAnswer>('GET', path(idOf(ctx)));
    print(ctx, w, () => lines(w));
  },
  async create(ctx) {
    const services = ctx.flags.service as string[] | undefined;
    const team = str(ctx, 'team');
    const reason = str(ctx, 'reason');
    const forSeconds = durationSeconds(str(ctx, 'for'), '--for');
    const end = str(ctx, 'end');
    if ((!services && !team) || !reason || (forSeconds === undefined && !end))
      throw new CliError(
        'maintenance create needs --service S (repeatable) or --team T, --for 2h or --end TIME, and --reason',
        ExitCode.usage,
      );
    const start = str(ctx, 'start');
    const weekly = str(ctx, 'weekly');
    const until = str(ctx, 'until');
    const w = await ctx.api.request<MaintenanceWindowAnswer>('POST', '/v1/maintenance-windows', {
      body: {
        ...(services ? { services } : {}),
        ...(team ? { team } : {}),
        ...(start ? { startsAt: start } : {}),
        ...(end ? { endsAt: end } : {}),
        ...(forSeconds !== undefined ? { durationMinutes: Math.max(1, Math.round(forSeconds / 60)) } : {}),
        reason,
        ...(ctx.flags['silence-sev1'] ? { silenceSev1: true } : {}),
        ...(weekly ? { weekly: { timeZone: weekly, ...(until ? { until } : {}) } } : {}),
      },
    });
    print(ctx, w, () => lines(w));
  },
  async end(ctx) {
    const w = await ctx.api.request<MaintenanceWindowAnswer>('POST', `${path(idOf(ctx))}/end`);
    print(ctx, w, () => `ended ${w.id}: what it held pages now if still triggered\n`);
  },
  async rm(ctx) {
    const id = idOf(ctx);
    await ctx.api.request('DELETE', path(id));
    print(ctx, { deleted: id }, () => `deleted ${id}\n`);
  },
};
