import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ScheduleView } from '../api/oncall/schedules';
import { type FidelityDifference, renderingDifferences, renderingSpan } from '../domain/import-fidelity';
import type { Person } from '../domain/oncall';
import { scheduleShifts } from '../domain/oncall-overrides';
import {
  fromPagerDutySchedule,
  type PagerDutySchedule,
  type PagerDutyUser,
  type ScheduleImport,
} from '../domain/pagerduty-import';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';
import { canonical } from './schedule-commands';

/** How far ahead the vendor is asked for its own rendering, for the fidelity check. */
const FIDELITY_DAYS = 28;

/** What an import reads from PagerDuty: its users and its schedules, each with its final schedule. */
interface PagerDutyExport {
  users: PagerDutyUser[];
  schedules: PagerDutySchedule[];
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(
      `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`,
      ExitCode.usage,
    );
  }
}

/** A directory of the JSON PagerDuty's API returns: `users.json` (GET /users), and each GET /schedules/{id} answer. */
function pagerDutyFromDir(dir: string): PagerDutyExport {
  const users = readJson(path.join(dir, 'users.json')) as { users?: PagerDutyUser[] };
  if (!Array.isArray(users.users))
    throw new CliError(`${dir}/users.json has no "users" list`, ExitCode.usage);
  const schedules = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'users.json')
    .sort()
    .flatMap((f) => {
      const body = readJson(path.join(dir, f)) as { schedule?: PagerDutySchedule };
      return body.schedule ? [body.schedule] : [];
    });
  return { users: users.users, schedules };
}

/** PagerDuty's REST API v2 (`--url` for a stand-in), paged by offset; each schedule with its next four weeks rendered. */
async function pagerDutyFromApi(
  ctx: CommandContext,
  baseUrl: string,
  key: string,
  now: Date,
): Promise<PagerDutyExport> {
  const get = async <T>(route: string, query: Record<string, string> = {}): Promise<T> => {
    const url = new URL(route, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { authorization: `Token token=${key}`, accept: 'application/vnd.pagerduty+json;version=2' },
      });
    } catch (err) {
      throw new CliError(
        `cannot reach ${url.origin}: ${err instanceof Error ? err.message : String(err)}`,
        ExitCode.failure,
      );
    }
    if (!res.ok)
      throw new CliError(`PagerDuty answered ${res.status} to GET ${url.pathname}`, ExitCode.failure);
    return (await res.json()) as T;
  };
  const paged = async <T>(route: string, field: string): Promise<T[]> => {
    const all: T[] = [];
    for (let offset = 0; ;) {
      const page = await get<Record<string, unknown> & { more?: boolean }>(route, {
        limit: '100',
        offset: String(offset),
      });
      const items = (page[field] as T[] | undefined) ?? [];
      all.push(...items);
      ctx.info(`read ${all.length} ${field} from PagerDuty`);
      if (!page.more || items.length === 0) return all;
      offset += items.length;
    }
  };
  const users = await paged<PagerDutyUser>('users', 'users');
  const listed = await paged<{ id: string }>('schedules', 'schedules');
  const until = new Date(now.getTime() + FIDELITY_DAYS * 86_400_000);
  const schedules: PagerDutySchedule[] = [];
  for (const { id } of listed) {
    const { schedule } = await get<{ schedule: PagerDutySchedule }>(`schedules/${encodeURIComponent(id)}`, {
      since: now.toISOString(),
      until: until.toISOString(),
    });
    schedules.push(schedule);
  }
  return { users, schedules };
}

/** A readable id for an imported schedule: its name as a slug, or with the source id when that is taken. */
function scheduleIdFor(imported: ScheduleImport, taken: Set<string>): string {
  const slug = imported.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  const base = slug || imported.sourceId.toLowerCase();
  return taken.has(base) ? `${base}-${imported.sourceId.toLowerCase()}` : base;
}

interface ScheduleOutcome {
  sourceId: string;
  name: string;
  action: 'create' | 'update' | 'unchanged' | 'skip';
  id?: string;
  problems: string[];
  /** Over the vendor's rendering, when it gave one. */
  fidelity?: { from: string; to: string; differences: FidelityDifference[] };
}

function fidelityOf(imported: ScheduleImport, id: string): ScheduleOutcome['fidelity'] {
  const span = renderingSpan(imported.rendering);
  if (!span || !imported.definition) return undefined;
  const ours = scheduleShifts({ id, ...imported.definition }, span.from, span.to);
  return {
    from: span.from.toISOString(),
    to: span.to.toISOString(),
    differences: renderingDifferences(ours, imported.rendering, span.from, span.to),
  };
}

function describe(outcome: ScheduleOutcome, plan: boolean): string {
  const verb = {
    create: plan ? 'would create' : 'created',
    update: plan ? 'would update' : 'updated',
    unchanged: 'unchanged',
    skip: 'skipped',
  }[outcome.action];
  const lines = [
    `${verb.padEnd(12)} schedule ${outcome.id ?? '-'}  ← PagerDuty ${outcome.sourceId} "${outcome.name}"`,
  ];
  for (const problem of outcome.problems) lines.push(`    ! ${problem}`);
  const f = outcome.fidelity;
  if (f && f.differences.length === 0)
    lines.push(`    = who is on call matches PagerDuty's final schedule from ${f.from} to ${f.to}`);
  if (f && f.differences.length > 0) {
    lines.push(
      `    ≠ ${f.differences.length} differences from PagerDuty's final schedule (${f.from} to ${f.to}):`,
    );
    for (const d of f.differences)
      lines.push(`      ${d.start} to ${d.end}: Fireline ${d.fireline}, PagerDuty ${d.vendor}`);
  }
  return lines.join('\n');
}

/**
 * `fireline import pagerduty`: PagerDuty's schedules (from its API or a
 * directory of its answers) made Fireline schedules through the API, people
 * matched by email. `--plan` says what would change; applying again changes
 * nothing; every schedule is checked against PagerDuty's own rendering.
 */
export async function importPagerDuty(ctx: CommandContext, people: () => Promise<Person[]>): Promise<void> {
  const plan = Boolean(ctx.flags.plan);
  const dir = str(ctx, 'from-dir');
  const now = new Date();
  let source: PagerDutyExport;
  if (dir) source = pagerDutyFromDir(dir);
  else {
    const key = str(ctx, 'api-key') ?? process.env.PAGERDUTY_API_KEY;
    if (!key)
      throw new CliError(
        'give --from-dir DIR, or --api-key (or PAGERDUTY_API_KEY) to read PagerDuty’s API',
        ExitCode.usage,
      );
    source = await pagerDutyFromApi(ctx, str(ctx, 'source-url') ?? 'https://api.pagerduty.com', key, now);
  }
  const catalogPeople = await people();
  const { schedules: existing } = await ctx.api.request<{ schedules: ScheduleView[] }>(
    'GET',
    '/v1/schedules',
  );
  const taken = new Set(existing.map((s) => s.id));
  const outcomes: ScheduleOutcome[] = [];
  for (const vendor of source.schedules) {
    const imported = fromPagerDutySchedule(vendor, source.users, catalogPeople, now);
    const base = { sourceId: imported.sourceId, name: imported.name, problems: imported.problems };
    if (!imported.definition) {
      outcomes.push({ ...base, action: 'skip' });
      continue;
    }
    const { source: origin, ...definition } = imported.definition;
    const mine = existing.find(
      (s) => s.managedBy === 'api' && s.source?.system === origin?.system && s.source?.id === origin?.id,
    );
    if (mine && mine.managedBy === 'api') {
      const same =
        canonical({ name: mine.name, timeZone: mine.timeZone, layers: mine.layers }) ===
        canonical(definition);
      const outcome: ScheduleOutcome = { ...base, action: same ? 'unchanged' : 'update', id: mine.id };
      if (!same && !plan)
        await ctx.api.request('PUT', `/v1/schedules/${encodeURIComponent(mine.id)}`, {
          body: { revision: mine.revision, ...imported.definition },
        });
      outcomes.push({ ...outcome, fidelity: fidelityOf(imported, mine.id) });
      continue;
    }
    const id = scheduleIdFor(imported, taken);
    taken.add(id);
    if (!plan) await ctx.api.request('POST', '/v1/schedules', { body: { id, ...imported.definition } });
    outcomes.push({ ...base, action: 'create', id, fidelity: fidelityOf(imported, id) });
  }
  const matched = source.users.filter((u) =>
    catalogPeople.some((p) => p.email?.toLowerCase() === u.email.toLowerCase()),
  ).length;
  print(
    ctx,
    { plan, schedules: outcomes },
    () =>
      [
        `PagerDuty: ${source.schedules.length} schedules, ${source.users.length} users (${matched} matched by email to Fireline people)`,
        ...outcomes.map((o) => describe(o, plan)),
        plan ? 'plan only: nothing changed; run again without --plan to apply' : '',
      ].join('\n') + '\n',
  );
}
