import type { HeartbeatAnswer } from '../api/heartbeats/service';
import { describeSeconds } from '../domain/heartbeats';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';
import { ago, apiAddressed, durationSeconds as seconds, table } from './format';

const path = (name: string) => `/v1/heartbeats/${encodeURIComponent(name)}`;

function nameOf(ctx: CommandContext): string {
  const name = ctx.args[0];
  if (!name) throw new CliError('missing the heartbeat name', ExitCode.usage);
  return name;
}

function lines(h: HeartbeatAnswer): string {
  const state = h.state;
  return [
    `heartbeat  ${h.name} (service ${h.service}, ${h.severity})`,
    `expects    a ping every ${describeSeconds(h.intervalSeconds)}${h.graceSeconds ? `, grace ${describeSeconds(h.graceSeconds)}` : ''}`,
    `status     ${state ? state.status : `unknown (its workflow did not answer)${h.paused ? ', paused' : ''}`}`,
    ...(state?.lastPingAt ? [`last ping  ${state.lastPingAt} (${ago(state.lastPingAt)})`] : []),
    ...(state?.dueBy ? [`due by     ${state.dueBy}`] : []),
    ...(state?.incidentWorkflowId ? [`incident   ${state.incidentWorkflowId}`] : []),
    `token      …${h.tokenHint}`,
    '',
  ].join('\n');
}

/** `fireline heartbeats`: list, show, create, pause, resume and delete heartbeats. */
export const heartbeatCommands: Record<string, (ctx: CommandContext) => Promise<void>> = {
  async ''(ctx) {
    return heartbeatCommands.ls!(ctx);
  },
  async ls(ctx) {
    const { heartbeats } = await ctx.api.request<{ heartbeats: HeartbeatAnswer[] }>('GET', '/v1/heartbeats');
    print(
      ctx,
      heartbeats,
      () =>
        `${table(
          ['NAME', 'SERVICE', 'EVERY', 'STATUS', 'LAST PING'],
          heartbeats.map((h) => [
            h.name,
            h.service,
            describeSeconds(h.intervalSeconds),
            h.state?.status ?? 'unknown',
            h.state?.lastPingAt ? ago(h.state.lastPingAt) : '',
          ]),
        )}\n`,
    );
  },
  async show(ctx) {
    const h = await ctx.api.request<HeartbeatAnswer>('GET', path(nameOf(ctx)));
    print(ctx, h, () => lines(h));
  },
  async create(ctx) {
    const service = str(ctx, 'service');
    const intervalSeconds = seconds(str(ctx, 'interval'), '--interval');
    if (!service || intervalSeconds === undefined)
      throw new CliError('heartbeats create needs NAME, --service and --interval', ExitCode.usage);
    const graceSeconds = seconds(str(ctx, 'grace'), '--grace');
    const severity = str(ctx, 'severity');
    const made = await ctx.api.request<{ heartbeat: HeartbeatAnswer; pingUrl: string; token: string }>(
      'POST',
      '/v1/heartbeats',
      {
        body: {
          name: nameOf(ctx),
          service,
          intervalSeconds,
          ...(graceSeconds !== undefined ? { graceSeconds } : {}),
          ...(severity ? { severity } : {}),
        },
      },
    );
    const url = apiAddressed(made.pingUrl, ctx.api.baseUrl);
    print(
      ctx,
      { ...made, pingUrl: url },
      () => `${lines(made.heartbeat)}ping URL (shown this once): ${url}\n`,
    );
  },
  async pause(ctx) {
    const h = await ctx.api.request<HeartbeatAnswer>('PATCH', path(nameOf(ctx)), { body: { paused: true } });
    print(ctx, h, () => `paused ${h.name}: no incident opens until it is resumed\n`);
  },
  async resume(ctx) {
    const h = await ctx.api.request<HeartbeatAnswer>('PATCH', path(nameOf(ctx)), { body: { paused: false } });
    print(ctx, h, () => `resumed ${h.name}\n`);
  },
  async rm(ctx) {
    const name = nameOf(ctx);
    await ctx.api.request('DELETE', path(name));
    print(ctx, { deleted: name }, () => `deleted ${name}\n`);
  },
};
