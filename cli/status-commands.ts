import type { ComponentAnswer, publicIncidentAnswer } from '../api/status/service';
import {
  componentStateText,
  publicUpdateStatusText,
  type ComponentState,
  type PublicUpdateStatus,
  type StatusSnapshot,
} from '../domain/status-page';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';
import { table } from './format';

type PublicIncidentAnswer = ReturnType<typeof publicIncidentAnswer>;

const componentPath = (id: string) => `/v1/status/components/${encodeURIComponent(id)}`;
const incidentPath = (id: string) => `/v1/status/incidents/${encodeURIComponent(id)}`;

function arg(ctx: CommandContext, index: number, what: string): string {
  const value = ctx.args[index];
  if (!value) throw new CliError(`missing ${what}`, ExitCode.usage);
  return value;
}

/** A repeatable flag's values. */
function all(ctx: CommandContext, name: string): string[] {
  const v = ctx.flags[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** The text of an update: --text, else the positionals from `from` on, as a sentence. */
function textOf(ctx: CommandContext, from: number): string | undefined {
  return str(ctx, 'text') ?? (ctx.args.slice(from).join(' ') || undefined);
}

const stateText = (state: ComponentState) => componentStateText[state] ?? state;

function incidentLines(i: PublicIncidentAnswer): string {
  return [
    `public incident  ${i.id}: ${i.title} (${publicUpdateStatusText[i.status]})`,
    `components       ${i.components.join(', ')}`,
    ...(i.incidentId ? [`about            ${i.incidentId}`] : []),
    ...[...i.updates].reverse().map((u) => `${u.at}  ${u.status.padEnd(13)} ${u.body} (${u.author})`),
    '',
  ].join('\n');
}

function componentLine(c: ComponentAnswer): string {
  const override = c.override ? ` (set by hand; the incidents say ${stateText(c.derived)})` : '';
  return `${c.id}: ${stateText(c.state)}${override}\n`;
}

/**
 * `fireline status`: the public status page as readers see it, its
 * components (and their overrides), and public incidents with their updates.
 */
export const statusCommands: Record<string, (ctx: CommandContext) => Promise<void>> = {
  async ''(ctx) {
    return statusCommands.show!(ctx);
  },
  async show(ctx) {
    const page = await ctx.api.request<StatusSnapshot>('GET', '/status.json');
    print(ctx, page, () =>
      [
        `${page.status.text} (as of ${page.generatedAt})`,
        table(
          ['COMPONENT', 'STATE', 'UPTIME 90D'],
          page.components.map((c) => [c.id, c.stateText, c.uptime]),
        ),
        ...page.incidents.map((i) => `${i.id}  ${i.statusText}: ${i.title}`),
        '',
      ].join('\n'),
    );
  },
  async components(ctx) {
    const { components } = await ctx.api.request<{ components: ComponentAnswer[] }>(
      'GET',
      '/v1/status/components',
    );
    print(
      ctx,
      components,
      () =>
        `${table(
          ['ID', 'NAME', 'SERVICES', 'STATE', 'OVERRIDE'],
          components.map((c) => [
            c.id,
            c.name,
            c.services.join(','),
            c.state,
            c.override ? `${c.override.state} by ${c.override.by ?? '?'}` : '',
          ]),
        )}\n`,
    );
  },
  async 'add-component'(ctx) {
    const name = str(ctx, 'name');
    const services = all(ctx, 'service');
    if (!name || services.length === 0)
      throw new CliError('status add-component needs ID, --name and --service (repeatable)', ExitCode.usage);
    const description = str(ctx, 'description');
    const made = await ctx.api.request<ComponentAnswer>('POST', '/v1/status/components', {
      body: { id: arg(ctx, 0, 'the component id'), name, services, ...(description ? { description } : {}) },
    });
    print(ctx, made, () => componentLine(made));
  },
  async 'rm-component'(ctx) {
    const id = arg(ctx, 0, 'the component id');
    await ctx.api.request('DELETE', componentPath(id));
    print(ctx, { deleted: id }, () => `removed ${id}\n`);
  },
  async override(ctx) {
    const id = arg(ctx, 0, 'the component id');
    const state = arg(ctx, 1, 'the state (operational, degraded, partial_outage, major_outage)');
    const c = await ctx.api.request<ComponentAnswer>('PUT', `${componentPath(id)}/override`, {
      body: { state },
    });
    print(ctx, c, () => componentLine(c));
  },
  async 'clear-override'(ctx) {
    const c = await ctx.api.request<ComponentAnswer>(
      'DELETE',
      `${componentPath(arg(ctx, 0, 'the component id'))}/override`,
    );
    print(ctx, c, () => componentLine(c));
  },
  async incidents(ctx) {
    const { incidents } = await ctx.api.request<{ incidents: PublicIncidentAnswer[] }>(
      'GET',
      '/v1/status/incidents',
    );
    print(
      ctx,
      incidents,
      () =>
        `${table(
          ['ID', 'STATUS', 'TITLE', 'COMPONENTS', 'UPDATED'],
          incidents.map((i) => [i.id, i.status, i.title, i.components.join(','), i.updates.at(-1)?.at]),
        )}\n`,
    );
  },
  async open(ctx) {
    const title = str(ctx, 'title');
    const components = all(ctx, 'component');
    const body = textOf(ctx, 0);
    if (!title || components.length === 0 || !body)
      throw new CliError('status open needs --title, --component (repeatable) and --text', ExitCode.usage);
    const status = all(ctx, 'status').at(-1);
    const incidentId = str(ctx, 'incident');
    const made = await ctx.api.request<PublicIncidentAnswer>('POST', '/v1/status/incidents', {
      body: { title, components, body, ...(status ? { status } : {}), ...(incidentId ? { incidentId } : {}) },
    });
    print(ctx, made, () => incidentLines(made));
  },
  async incident(ctx) {
    const i = await ctx.api.request<PublicIncidentAnswer>(
      'GET',
      incidentPath(arg(ctx, 0, 'the public incident id')),
    );
    print(ctx, i, () => incidentLines(i));
  },
  async update(ctx) {
    const id = arg(ctx, 0, 'the public incident id');
    const status = arg(
      ctx,
      1,
      'the status (investigating, identified, monitoring, resolved)',
    ) as PublicUpdateStatus;
    const body = textOf(ctx, 2);
    if (!body) throw new CliError('status update needs the text of the update (or --text)', ExitCode.usage);
    const i = await ctx.api.request<PublicIncidentAnswer>('POST', `${incidentPath(id)}/updates`, {
      body: { status, body },
    });
    print(ctx, i, () => incidentLines(i));
  },
  async resolve(ctx) {
    const id = arg(ctx, 0, 'the public incident id');
    const body = textOf(ctx, 1);
    const i = await ctx.api.request<PublicIncidentAnswer>('POST', `${incidentPath(id)}/resolve`, {
      body: body ? { body } : {},
    });
    print(ctx, i, () => incidentLines(i));
  },
};
