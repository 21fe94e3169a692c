import type { ScheduleView } from '../api/oncall/schedules';
import { type FidelityDifference, renderingDifferences, renderingSpan } from '../domain/import-fidelity';
import type { Person } from '../domain/oncall';
import { scheduleShifts } from '../domain/oncall-overrides';
import type { ScheduleImport } from '../domain/schedule-import';
import { CliError, ExitCode } from './api-client';
import { apiAddressed } from './format';
import type { ContactImport } from '../domain/contact-import';
import type { HeartbeatImport } from '../domain/heartbeats';
import { type NotificationRules, type Urgency, urgencies } from '../domain/notification-rules';
import { type CommandContext, print, str } from './context';
import {
  readGrafanaOnCall,
  readOpsgenie,
  readPagerDuty,
  type VendorRead,
  type VendorUser,
} from './import-sources';
import { peopleByEmail } from '../domain/schedule-import';
import { isTimeZone } from '../domain/oncall-schedule';
import { canonical, type ModelKind } from './model-commands';
import { policyKind, serviceKind, teamKind } from './schedule-commands';
import type { ServiceImport } from '../domain/model-import';
import type { IntegrationType } from '../domain/runtime-services';
import type { ImportSource } from '../domain/runtime-schedules';

/** The tools an import reads, with their API's default host and the environment variable of their key. */
const VENDORS = {
  pagerduty: { read: readPagerDuty, url: 'https://api.pagerduty.com', keyEnv: 'PAGERDUTY_API_KEY' },
  opsgenie: { read: readOpsgenie, url: 'https://api.opsgenie.com', keyEnv: 'OPSGENIE_API_KEY' },
  // Every Grafana OnCall has its own address: --source-url is required.
  'grafana-oncall': { read: readGrafanaOnCall, url: undefined, keyEnv: 'GRAFANA_ONCALL_API_TOKEN' },
} as const;
export type Vendor = keyof typeof VENDORS;

/** A readable id for an imported object: its name as a slug, or with the source id when that is taken. */
function idFor(name: string, sourceId: string, taken: Set<string>): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  const base = slug || sourceId.toLowerCase();
  return taken.has(base)
    ? `${base}-${sourceId.toLowerCase().replace(/[^a-z0-9]+/g, '')}`.slice(0, 100)
    : base;
}

interface ScheduleOutcome {
  sourceId: string;
  name: string;
  action: 'create' | 'update' | 'unchanged' | 'skip';
  id?: string;
  problems: string[];
  /** The vendor's overrides still to come: made, or already there. */
  overrides: { added: number; present: number };
  /** Over the vendor's rendering, when it gave one. */
  fidelity?: { from: string; to: string; differences: FidelityDifference[] };
}

/** Who Fireline has on call against the vendor's rendering, its overrides applied on both sides. */
function fidelityOf(imported: ScheduleImport, id: string): ScheduleOutcome['fidelity'] {
  const span = renderingSpan(imported.rendering);
  if (!span || !imported.definition) return undefined;
  const overrides = (imported.overrides ?? []).map(({ personId, start, end }) => ({ personId, start, end }));
  const ours = scheduleShifts({ id, ...imported.definition, overrides }, span.from, span.to);
  return {
    from: span.from.toISOString(),
    to: span.to.toISOString(),
    differences: renderingDifferences(ours, imported.rendering, span.from, span.to),
  };
}

function verbOf(action: ScheduleOutcome['action'], plan: boolean): string {
  return {
    create: plan ? 'would create' : 'created',
    update: plan ? 'would update' : 'updated',
    unchanged: 'unchanged',
    skip: 'skipped',
  }[action];
}

function describe(outcome: ScheduleOutcome, vendor: string, plan: boolean): string {
  const verb = verbOf(outcome.action, plan);
  const lines = [
    `${verb.padEnd(12)} schedule ${outcome.id ?? '-'}  ← ${vendor} ${outcome.sourceId} "${outcome.name}"`,
  ];
  for (const problem of outcome.problems) lines.push(`    ! ${problem}`);
  const { added, present } = outcome.overrides;
  if (added + present > 0)
    lines.push(
      `    + ${added} override${added === 1 ? '' : 's'} ${plan ? 'to make' : 'made'}, ${present} already there`,
    );
  const f = outcome.fidelity;
  if (f && f.differences.length === 0)
    lines.push(`    = who is on call matches ${vendor}'s own rendering from ${f.from} to ${f.to}`);
  if (f && f.differences.length > 0) {
    lines.push(
      `    ≠ ${f.differences.length} differences from ${vendor}'s own rendering (${f.from} to ${f.to}):`,
    );
    for (const d of f.differences)
      lines.push(`      ${d.start} to ${d.end}: Fireline ${d.fireline}, ${vendor} ${d.vendor}`);
  }
  return lines.join('\n');
}

/** Makes (or finds) the vendor's overrides still to come on the imported schedule; a refusal is a problem, named. */
async function applyOverrides(
  ctx: CommandContext,
  imported: ScheduleImport,
  id: string,
  exists: boolean,
  plan: boolean,
  now: Date,
): Promise<{ counts: ScheduleOutcome['overrides']; problems: string[] }> {
  const coming = (imported.overrides ?? []).filter((o) => Date.parse(o.end) > now.getTime());
  const counts = { added: 0, present: 0 };
  const problems: string[] = [];
  if (coming.length === 0) return { counts, problems };
  const base = `/v1/schedules/${encodeURIComponent(id)}/overrides`;
  const current = exists
    ? (
        await ctx.api.request<{ overrides: Array<{ personId: string; start: string; end: string }> }>(
          'GET',
          base,
        )
      ).overrides
    : [];
  for (const o of coming) {
    if (current.some((c) => c.personId === o.personId && c.start === o.start && c.end === o.end)) {
      counts.present++;
      continue;
    }
    if (!plan) {
      try {
        await ctx.api.request('POST', base, { body: o });
      } catch (err) {
        problems.push(
          `${o.note} (${o.personId}, ${o.start} to ${o.end}) refused: ${err instanceof Error ? err.message : String(err)}`,
        );
        continue;
      }
    }
    counts.added++;
  }
  return { counts, problems };
}

/**
 * `fireline import pagerduty|opsgenie`: the tool's schedules (from its API or
 * a directory of its answers) made Fireline schedules through the API, people
 * matched by email, with the overrides to come. `--plan` says what would
 * change; applying again changes nothing; every schedule is checked against
 * the tool's own rendering.
 */
export async function importSchedules(
  ctx: CommandContext,
  vendor: Vendor,
  people: () => Promise<Person[]>,
): Promise<void> {
  const plan = Boolean(ctx.flags.plan);
  const dir = str(ctx, 'from-dir');
  const settings = VENDORS[vendor];
  const key = str(ctx, 'api-key') ?? process.env[settings.keyEnv];
  if (!dir && !key)
    throw new CliError(
      `give --from-dir DIR, or --api-key (or ${settings.keyEnv}) to read the API`,
      ExitCode.usage,
    );
  const baseUrl = str(ctx, 'source-url') ?? settings.url;
  if (!dir && !baseUrl)
    throw new CliError(`give --source-url: the address of your ${vendor} API`, ExitCode.usage);
  const now = new Date();
  const read: VendorRead = await settings.read(ctx, {
    ...(dir ? { dir } : { api: { baseUrl: baseUrl!, key: key! } }),
    now,
  });
  const known = await people();
  const users = await importUsers(ctx, vendor, read.users, known, plan);
  const converted = read.convert([...known, ...users.made]);
  const teams = await importObjects(ctx, teamKind, converted.teams ?? [], plan);
  const { schedules: existing } = await ctx.api.request<{ schedules: ScheduleView[] }>(
    'GET',
    '/v1/schedules',
  );
  const taken = new Set(existing.map((s) => s.id));
  const outcomes: ScheduleOutcome[] = [];
  for (const imported of converted.imports) {
    const base = { sourceId: imported.sourceId, name: imported.name, overrides: { added: 0, present: 0 } };
    if (!imported.definition) {
      outcomes.push({ ...base, problems: imported.problems, action: 'skip' });
      continue;
    }
    const { source, ...definition } = imported.definition;
    const mine = existing.find(
      (s) => s.managedBy !== 'file' && s.source?.system === source?.system && s.source?.id === source?.id,
    );
    let outcome: ScheduleOutcome;
    if (mine?.managedBy === 'config') {
      outcomes.push({
        ...base,
        problems: [...imported.problems, `${mine.id} is managed by a configuration file: change it there`],
        action: 'skip',
        id: mine.id,
      });
      continue;
    }
    if (mine && mine.managedBy === 'api') {
      const same =
        canonical({ name: mine.name, timeZone: mine.timeZone, layers: mine.layers }) ===
        canonical(definition);
      if (!same && !plan)
        await ctx.api.request('PUT', `/v1/schedules/${encodeURIComponent(mine.id)}`, {
          body: { revision: mine.revision, ...imported.definition },
        });
      outcome = { ...base, problems: imported.problems, action: same ? 'unchanged' : 'update', id: mine.id };
    } else {
      const id = idFor(imported.name, imported.sourceId, taken);
      taken.add(id);
      if (!plan) await ctx.api.request('POST', '/v1/schedules', { body: { id, ...imported.definition } });
      outcome = { ...base, problems: imported.problems, action: 'create', id };
    }
    const overrides = await applyOverrides(
      ctx,
      imported,
      outcome.id!,
      mine !== undefined || !plan,
      plan,
      now,
    );
    outcomes.push({
      ...outcome,
      problems: [...outcome.problems, ...overrides.problems],
      overrides: overrides.counts,
      fidelity: fidelityOf(imported, outcome.id!),
    });
  }
  const idOf = (list: Array<{ sourceId: string; id?: string }>) => (sourceId: string) =>
    list.find((o) => o.sourceId === sourceId && o.id)?.id;
  const policies = await importObjects(
    ctx,
    policyKind,
    converted.policies?.(idOf(outcomes), idOf(teams)) ?? [],
    plan,
  );
  const serviceImports = converted.services?.(idOf(policies), idOf(teams)) ?? [];
  const services = await importObjects(ctx, serviceKind, serviceImports, plan);
  const repoints = await importIntegrations(ctx, serviceImports, services, vendor, plan);
  const heartbeats = await importHeartbeats(ctx, converted.heartbeats?.(idOf(teams)) ?? [], plan);
  const madeNow = new Set(plan ? users.made.map((p) => p.id) : []);
  const contacts = await importContacts(ctx, converted.contacts ?? [], madeNow, plan);
  print(
    ctx,
    {
      plan,
      people: users.outcomes,
      teams,
      schedules: outcomes,
      policies,
      services,
      repoints,
      heartbeats,
      contacts,
    },
    () =>
      [
        `${read.vendor}: ${converted.imports.length} schedules, ${read.users.length} users (${read.users.length - users.outcomes.length} matched by email to Fireline people)`,
        ...users.outcomes.map((o) => describeObject('person', o, read.vendor, plan)),
        ...teams.map((o) => describeObject('team', o, read.vendor, plan)),
        ...outcomes.map((o) => describe(o, read.vendor, plan)),
        ...policies.map((o) => describeObject('escalation policy', o, read.vendor, plan)),
        ...services.map((o) => describeObject('service', o, read.vendor, plan)),
        ...heartbeats.map((o) => describeHeartbeat(o, read.vendor, plan, ctx.api.baseUrl)),
        ...contacts.map((o) => describeContacts(o, plan)),
        ...(repoints.length > 0
          ? [
              'senders to re-point (each secret is shown this once):',
              ...repoints.map((r) => describeRepoint(r, read.vendor, plan, ctx.api.baseUrl)),
            ]
          : []),
        plan ? 'plan only: nothing changed; run again without --plan to apply' : '',
      ].join('\n') + '\n',
  );
}

interface PolicyOutcome {
  sourceId: string;
  name: string;
  action: ScheduleOutcome['action'];
  id?: string;
  problems: string[];
}

/** An object of the model as the API lists it, with what finds an imported one again. */
type StoredView = {
  id: string;
  managedBy: 'file' | 'api' | 'config';
  revision?: number;
  source?: ImportSource;
};

/** What an importer makes of one of the tool's objects: a definition (none: skipped), and its problems. */
interface ObjectImport {
  sourceId: string;
  name: string;
  definition?: { source?: ImportSource; managedBy?: unknown } & Record<string, unknown>;
  problems: string[];
}

/**
 * Makes or updates the tool's objects of one kind (teams, policies, services),
 * each found again by its source, so a second run changes nothing.
 */
async function importObjects(
  ctx: CommandContext,
  kind: ModelKind,
  imports: ObjectImport[],
  plan: boolean,
): Promise<PolicyOutcome[]> {
  if (imports.length === 0) return [];
  const listed = await ctx.api.request<Record<string, Array<Record<string, unknown> & StoredView>>>(
    'GET',
    kind.route,
  );
  const existing = listed[kind.list] ?? [];
  const taken = new Set(existing.map((p) => p.id));
  const defined = (object: Record<string, unknown>) =>
    canonical(Object.fromEntries(kind.fields.map((f) => [f, object[f] ?? kind.defaults?.[f]])));
  const outcomes: PolicyOutcome[] = [];
  for (const imported of imports) {
    const base = { sourceId: imported.sourceId, name: imported.name, problems: imported.problems };
    if (!imported.definition) {
      outcomes.push({ ...base, action: 'skip' });
      continue;
    }
    const { source } = imported.definition;
    const mine = existing.find(
      (p) => p.managedBy !== 'file' && p.source?.system === source?.system && p.source?.id === source?.id,
    );
    if (mine?.managedBy === 'config') {
      outcomes.push({
        ...base,
        action: 'skip',
        id: mine.id,
        problems: [...base.problems, `${mine.id} is managed by a configuration file: change it there`],
      });
      continue;
    }
    if (mine && mine.managedBy === 'api') {
      const same = defined(mine) === defined(imported.definition);
      if (!same && !plan)
        await ctx.api.request('PUT', `${kind.route}/${encodeURIComponent(mine.id)}`, {
          body: { revision: mine.revision, ...imported.definition },
        });
      outcomes.push({ ...base, action: same ? 'unchanged' : 'update', id: mine.id });
      continue;
    }
    const id = idFor(imported.name, imported.sourceId, taken);
    taken.add(id);
    if (!plan) await ctx.api.request('POST', kind.route, { body: { id, ...imported.definition } });
    outcomes.push({ ...base, action: 'create', id });
  }
  return outcomes;
}

/** A sender to re-point: the tool's integration, and the Fireline one made (or found) for it. */
interface Repoint {
  service: string;
  type: IntegrationType;
  from: string;
  name: string;
  /** Made now: the secret (shown this once) and where to send. */
  made?: { integrationId: string; secret?: string; send?: unknown };
  /** Made by an earlier run: its id and the secret's last characters. */
  present?: { integrationId: string; secretHint: string };
}

/**
 * Gives each imported service the Fireline integrations its tool's
 * integrations become (found again by their origin), and lists the senders
 * to re-point; the secrets are shown in this answer only.
 */
async function importIntegrations(
  ctx: CommandContext,
  services: ServiceImport[],
  outcomes: PolicyOutcome[],
  vendor: Vendor,
  plan: boolean,
): Promise<Repoint[]> {
  const repoints: Repoint[] = [];
  for (const imported of services) {
    const outcome = outcomes.find((o) => o.sourceId === imported.sourceId);
    const id = outcome?.id;
    if (!id || imported.integrations.length === 0) continue;
    // A service this plan would make has no integrations yet.
    const current =
      outcome.action !== 'create' || !plan
        ? (
            await ctx.api.request<{
              integrations: Array<{ id: string; origin?: string; secretHint: string }>;
            }>('GET', `/v1/services/${encodeURIComponent(id)}`)
          ).integrations
        : [];
    for (const integration of imported.integrations) {
      const origin = `${vendor}:${integration.sourceId}`;
      const base = { service: id, type: integration.type, from: integration.sendsTo, name: integration.name };
      const found = current.find((c) => c.origin === origin);
      if (found) {
        repoints.push({ ...base, present: { integrationId: found.id, secretHint: found.secretHint } });
        continue;
      }
      if (plan) {
        repoints.push(base);
        continue;
      }
      const made = await ctx.api.request<{ integration: { id: string }; secret: string; send: unknown }>(
        'POST',
        `/v1/services/${encodeURIComponent(id)}/integrations`,
        { body: { type: integration.type, name: integration.name, origin } },
      );
      repoints.push({
        ...base,
        made: { integrationId: made.integration.id, secret: made.secret, send: made.send },
      });
    }
  }
  return repoints;
}

function describeRepoint(r: Repoint, vendor: string, plan: boolean, apiUrl: string): string {
  const what = `${vendor} integration "${r.name}" (${r.from}) → service ${r.service}`;
  const secret = r.type === 'pagerduty' ? 'routing key' : 'token';
  if (r.present)
    return `re-point    ${what}: Fireline integration ${r.present.integrationId} (${secret} …${r.present.secretHint}), made by an earlier import`;
  if (!r.made) return `${plan ? 'would make' : 'made'}  ${what}: a new ${secret}`;
  const at = apiAddressed((r.made.send as { url?: string } | undefined)?.url ?? '', apiUrl);
  if (r.type === 'pagerduty')
    return `re-point    ${what}: routing key ${r.made.secret} (${r.made.integrationId}), events to ${at}`;
  return `re-point    ${what}: token ${r.made.secret} (${r.made.integrationId}), webhook URL ${at}?token=${r.made.secret}`;
}

function describeObject(noun: string, outcome: PolicyOutcome, vendor: string, plan: boolean): string {
  return [
    `${verbOf(outcome.action, plan).padEnd(12)} ${noun} ${outcome.id ?? '-'}  ← ${vendor} ${outcome.sourceId} "${outcome.name}"`,
    ...outcome.problems.map((p) => `    ! ${p}`),
  ].join('\n');
}

/**
 * The tool's users that match no Fireline person by email, made people (no
 * rights: observers until an admin gives some), so its schedules and
 * policies can name them; with --plan, as if made.
 */
async function importUsers(
  ctx: CommandContext,
  vendor: Vendor,
  users: VendorUser[],
  known: Person[],
  plan: boolean,
): Promise<{ made: Person[]; outcomes: PolicyOutcome[] }> {
  const byEmail = peopleByEmail(known);
  const taken = new Set(known.map((p) => p.id));
  const made: Person[] = [];
  const outcomes: PolicyOutcome[] = [];
  for (const user of users) {
    if (!user.email || byEmail.has(user.email.toLowerCase())) continue;
    const id = idFor(user.email.split('@')[0] ?? user.name, user.sourceId, taken);
    taken.add(id);
    const problems =
      user.timeZone && !isTimeZone(user.timeZone)
        ? [`time zone ${user.timeZone} is not an IANA one: left out`]
        : [];
    const person = {
      id,
      name: user.name,
      email: user.email,
      ...(user.timeZone && isTimeZone(user.timeZone) ? { timeZone: user.timeZone } : {}),
    };
    if (!plan)
      await ctx.api.request('POST', '/v1/people', {
        body: { ...person, source: { system: vendor, id: user.sourceId } },
      });
    byEmail.set(user.email.toLowerCase(), person);
    made.push(person);
    outcomes.push({ sourceId: user.sourceId, name: user.name, action: 'create', id, problems });
  }
  return { made, outcomes };
}

interface ContactOutcome {
  personId: string;
  methods: { added: number; present: number };
  /** What became of the tool's notification rules, per urgency. */
  rules: Record<Urgency, 'set' | 'unchanged' | 'kept' | 'none'>;
  problems: string[];
}

const ruleWords = {
  set: (plan: boolean) => (plan ? 'to set' : 'set'),
  unchanged: () => 'as in the tool already',
  kept: () => "kept: the person's own",
  none: () => 'none in the tool',
};

function describeContacts(outcome: ContactOutcome, plan: boolean): string {
  const { added, present } = outcome.methods;
  const lines = [
    `${'contacts'.padEnd(12)} person ${outcome.personId}: ${added} method${added === 1 ? '' : 's'} ${plan ? 'to make' : 'made'} unconfirmed, ${present} already there; rules high ${ruleWords[outcome.rules.high](plan)}, low ${ruleWords[outcome.rules.low](plan)}`,
  ];
  for (const problem of outcome.problems) lines.push(`    ! ${problem}`);
  return lines.join('\n');
}

/**
 * Makes each person's contact methods from the tool, unconfirmed and without
 * sending a code (the person asks for one and confirms), found again by their
 * origin; and the tool's notification rules for each urgency where the person
 * has set none of their own. A second run changes nothing.
 */
async function importContacts(
  ctx: CommandContext,
  imports: ContactImport[],
  /** People a --plan run has not made (yet): nothing to read of theirs. */
  notMadeYet: Set<string>,
  plan: boolean,
): Promise<ContactOutcome[]> {
  const outcomes: ContactOutcome[] = [];
  const anything = (i: ContactImport) =>
    i.methods.length > 0 || i.problems.length > 0 || urgencies.some((u) => i.rules[u].length > 0);
  for (const imported of imports.filter(anything)) {
    const base = `/v1/people/${encodeURIComponent(imported.personId)}`;
    const fresh = notMadeYet.has(imported.personId);
    const { methods } = fresh
      ? { methods: [] }
      : await ctx.api.request<{ methods: Array<{ id: string; origin?: string }> }>(
          'GET',
          `${base}/contact-methods`,
        );
    const idOf = new Map(methods.flatMap((m) => (m.origin ? [[m.origin, m.id] as const] : [])));
    const outcome: ContactOutcome = {
      personId: imported.personId,
      methods: { added: 0, present: 0 },
      rules: { high: 'none', low: 'none' },
      problems: [...imported.problems],
    };
    for (const method of imported.methods) {
      if (idOf.has(method.origin)) {
        outcome.methods.present++;
        continue;
      }
      if (!plan) {
        try {
          const made = await ctx.api.request<{ method: { id: string } }>('POST', `${base}/contact-methods`, {
            body: { ...method, sendCode: false },
          });
          idOf.set(method.origin, made.method.id);
        } catch (err) {
          outcome.problems.push(
            `${method.type} ${method.origin} refused: ${err instanceof Error ? err.message : String(err)}`,
          );
          continue;
        }
      } else idOf.set(method.origin, `(${method.origin})`);
      outcome.methods.added++;
    }
    const current = fresh
      ? { rules: { high: [], low: [] }, isDefault: { high: true, low: true } }
      : await ctx.api.request<{ rules: NotificationRules; isDefault: Record<Urgency, boolean> }>(
          'GET',
          `${base}/notification-rules`,
        );
    const next: NotificationRules = {
      high: current.isDefault.high ? [] : current.rules.high,
      low: current.isDefault.low ? [] : current.rules.low,
    };
    for (const urgency of urgencies) {
      const steps = imported.rules[urgency].flatMap((step) => {
        const methodId = idOf.get(step.methodOrigin);
        return methodId ? [{ methodId, afterSeconds: step.afterSeconds }] : [];
      });
      if (steps.length === 0) continue;
      if (!current.isDefault[urgency]) {
        outcome.rules[urgency] =
          canonical(sortedSteps(steps)) === canonical(sortedSteps(current.rules[urgency]))
            ? 'unchanged'
            : 'kept';
        continue;
      }
      next[urgency] = steps;
      outcome.rules[urgency] = 'set';
    }
    if (!plan && urgencies.some((u) => outcome.rules[u] === 'set')) {
      try {
        await ctx.api.request('PUT', `${base}/notification-rules`, { body: next });
      } catch (err) {
        outcome.problems.push(
          `notification rules refused: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    outcomes.push(outcome);
  }
  return outcomes;
}

const sortedSteps = (steps: Array<{ methodId: string; afterSeconds: number }>) =>
  [...steps].sort((a, b) => a.afterSeconds - b.afterSeconds || a.methodId.localeCompare(b.methodId));

interface HeartbeatOutcome {
  sourceId: string;
  id?: string;
  action: 'create' | 'unchanged' | 'skip';
  /** The new ping URL, shown this once. */
  pingUrl?: string;
  problems: string[];
}

function describeHeartbeat(o: HeartbeatOutcome, vendor: string, plan: boolean, apiUrl: string): string {
  const lines = [
    `${verbOf(o.action, plan).padEnd(12)} heartbeat ${o.id ?? '-'}  ← ${vendor} "${o.sourceId}"`,
  ];
  for (const problem of o.problems) lines.push(`    ! ${problem}`);
  if (o.pingUrl) lines.push(`    re-point its pings (shown this once) to ${apiAddressed(o.pingUrl, apiUrl)}`);
  return lines.join('\n');
}

/**
 * Makes the tool's heartbeats, each with a new ping URL to re-point its job
 * to (shown once); one whose name Fireline has already is left as it is.
 */
async function importHeartbeats(
  ctx: CommandContext,
  imports: HeartbeatImport[],
  plan: boolean,
): Promise<HeartbeatOutcome[]> {
  if (imports.length === 0) return [];
  const { heartbeats } = await ctx.api.request<{ heartbeats: Array<{ name: string }> }>(
    'GET',
    '/v1/heartbeats',
  );
  const outcomes: HeartbeatOutcome[] = [];
  for (const imported of imports) {
    const { sourceId, settings, problems } = imported;
    if (!settings) {
      outcomes.push({ sourceId, action: 'skip', problems });
      continue;
    }
    if (heartbeats.some((h) => h.name === settings.name)) {
      outcomes.push({ sourceId, id: settings.name, action: 'unchanged', problems });
      continue;
    }
    if (plan) {
      outcomes.push({ sourceId, id: settings.name, action: 'create', problems });
      continue;
    }
    const made = await ctx.api.request<{ pingUrl: string }>('POST', '/v1/heartbeats', { body: settings });
    outcomes.push({ sourceId, id: settings.name, action: 'create', pingUrl: made.pingUrl, problems });
  }
  return outcomes;
}
