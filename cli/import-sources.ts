import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  fromGrafanaOnCallSchedule,
  type GrafanaOnCallFinalShift,
  type GrafanaOnCallSchedule,
  type GrafanaOnCallShift,
  type GrafanaOnCallUser,
} from '../domain/grafana-oncall-import';
import type { Person } from '../domain/oncall';
import {
  fromOpsgenieSchedule,
  type OpsgenieOverride,
  type OpsgenieSchedule,
  type OpsgenieTimeline,
  type OpsgenieUser,
} from '../domain/opsgenie-import';
import {
  fromPagerDutySchedule,
  type PagerDutyOverride,
  type PagerDutySchedule,
  type PagerDutyUser,
} from '../domain/pagerduty-import';
import { OVERRIDE_LIMITS } from '../domain/oncall-overrides';
import {
  fromGrafanaOnCallChain,
  fromOpsgenieEscalation,
  fromPagerDutyPolicy,
  type GrafanaOnCallChain,
  type GrafanaOnCallStep,
  type ImportedScheduleId,
  type OpsgenieEscalation,
  type PagerDutyEscalationPolicy,
  type PolicyImport,
} from '../domain/policy-import';
import { peopleByEmail, type ScheduleImport } from '../domain/schedule-import';
import { fromOpsgenieHeartbeat, type HeartbeatImport, type OpsgenieHeartbeat } from '../domain/heartbeats';
import {
  type ContactImport,
  fromOpsgenieContacts,
  fromPagerDutyContacts,
  type OpsgenieContact,
  type OpsgenieNotificationRule,
  type PagerDutyContactMethod,
  type PagerDutyNotificationRule,
} from '../domain/contact-import';
import {
  fromGrafanaOnCallIntegration,
  fromGrafanaOnCallTeam,
  fromOpsgenieIntegration,
  type GrafanaOnCallTeam,
  fromOpsgenieTeam,
  type OpsgenieIntegration,
  type GrafanaOnCallIntegration,
  fromPagerDutyService,
  fromPagerDutyTeam,
  type ImportedId,
  type OpsgenieTeam,
  type PagerDutyService,
  type PagerDutyTeam,
  type PagerDutyTeamMember,
  type ServiceImport,
  type TeamImport,
} from '../domain/model-import';
import { CliError, ExitCode } from './api-client';
import type { CommandContext } from './context';

/** How far ahead a vendor is asked for its own rendering, for the fidelity check. */
export const FIDELITY_DAYS = 28;

/** A user of another tool, as a Fireline person would be made of them. */
export interface VendorUser {
  sourceId: string;
  name: string;
  email: string;
  timeZone?: string;
}

/** What a vendor's schedules and policies become, given Fireline's people (those made for its users included). */
export interface VendorConversion {
  imports: ScheduleImport[];
  /** The tool's teams, their members matched to people. */
  teams?: TeamImport[];
  /** The tool's escalation policies, once its schedules' (and teams') Fireline ids are known. */
  policies?: (scheduleIdOf: ImportedScheduleId, teamIdOf: ImportedId) => PolicyImport[];
  /** The tool's services and their integrations, once its policies' and teams' Fireline ids are known. */
  services?: (policyIdOf: ImportedId, teamIdOf: ImportedId) => ServiceImport[];
  /** Each person's contact methods and notification rules in the tool. */
  contacts?: ContactImport[];
  /** The tool's heartbeats, once its teams' Fireline ids are known. */
  heartbeats?: (teamIdOf: ImportedId) => HeartbeatImport[];
}

/** The person each user with an email became (matched, or made), with what the user had. */
function contactsOf<T>(
  people: Person[],
  users: Array<{ email: string } & T>,
  convert: (personId: string, user: T) => ContactImport,
): ContactImport[] {
  const byEmail = peopleByEmail(people);
  return users.flatMap((u) => {
    const person = byEmail.get(u.email.toLowerCase());
    return person ? [convert(person.id, u)] : [];
  });
}

/** What an importer read from a vendor: its users, and how to convert the rest once they are people. */
export interface VendorRead {
  vendor: string;
  users: VendorUser[];
  convert: (people: Person[]) => VendorConversion;
}

/** Where a vendor's data comes from: a directory of its API's answers, or its API. */
export interface VendorAccess {
  dir?: string;
  api?: { baseUrl: string; key: string };
  now: Date;
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

/** A GET of a vendor's JSON API with its own auth header. */
function vendorGet(
  ctx: CommandContext,
  vendor: string,
  baseUrl: string,
  authorization: string,
  accept: string,
) {
  return async <T>(route: string, query: Record<string, string | string[]> = {}): Promise<T> => {
    const url = new URL(route, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    for (const [k, v] of Object.entries(query))
      for (const value of Array.isArray(v) ? v : [v]) url.searchParams.append(k, value);
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization, accept } });
    } catch (err) {
      throw new CliError(
        `cannot reach ${url.origin}: ${err instanceof Error ? err.message : String(err)}`,
        ExitCode.failure,
      );
    }
    if (!res.ok)
      throw new CliError(`${vendor} answered ${res.status} to GET ${url.pathname}`, ExitCode.failure);
    ctx.info(`read ${url.pathname} from ${vendor}`);
    return (await res.json()) as T;
  };
}

/**
 * PagerDuty: `users.json` (GET /users) and each GET /schedules/{id} answer `X.json`, with
 * `X-overrides.json` (GET /schedules/{id}/overrides) beside it; or its REST API v2 paged by offset.
 */
export async function readPagerDuty(ctx: CommandContext, access: VendorAccess): Promise<VendorRead> {
  let users: PagerDutyUser[];
  let schedules: PagerDutySchedule[];
  let policies: PagerDutyEscalationPolicy[] = [];
  let teams: Array<{ team: PagerDutyTeam; members: PagerDutyTeamMember[] }> = [];
  let services: PagerDutyService[] = [];
  /** Each schedule's overrides, by its id. */
  const overrides = new Map<string, PagerDutyOverride[]>();
  if (access.dir) {
    const dir = access.dir;
    const listed = readJson(path.join(dir, 'users.json')) as { users?: PagerDutyUser[] };
    if (!Array.isArray(listed.users))
      throw new CliError(`${dir}/users.json has no "users" list`, ExitCode.usage);
    users = listed.users;
    schedules = readdirSync(dir)
      .filter((f) => f.endsWith('.json') && f !== 'users.json')
      .sort()
      .flatMap((f) => {
        const body = readJson(path.join(dir, f)) as { schedule?: PagerDutySchedule };
        if (!body.schedule) return [];
        const beside = path.join(dir, `${f.slice(0, -'.json'.length)}-overrides.json`);
        if (existsSync(beside))
          overrides.set(
            body.schedule.id,
            (readJson(beside) as { overrides?: PagerDutyOverride[] }).overrides ?? [],
          );
        return [body.schedule];
      });
    if (existsSync(path.join(dir, 'escalation-policies.json')))
      policies =
        (
          readJson(path.join(dir, 'escalation-policies.json')) as {
            escalation_policies?: PagerDutyEscalationPolicy[];
          }
        ).escalation_policies ?? [];
    const listOf = <T>(file: string, field: string): T[] =>
      existsSync(path.join(dir, file))
        ? ((readJson(path.join(dir, file)) as Record<string, T[] | undefined>)[field] ?? [])
        : [];
    teams = listOf<PagerDutyTeam>('teams.json', 'teams').map((team) => ({
      team,
      members: listOf<PagerDutyTeamMember>(`team-${team.id}-members.json`, 'members'),
    }));
    services = listOf<PagerDutyService>('services.json', 'services');
  } else {
    const { baseUrl, key } = access.api!;
    const get = vendorGet(
      ctx,
      'PagerDuty',
      baseUrl,
      `Token token=${key}`,
      'application/vnd.pagerduty+json;version=2',
    );
    const paged = async <T>(
      route: string,
      field: string,
      query: Record<string, string | string[]> = {},
    ): Promise<T[]> => {
      const all: T[] = [];
      for (let offset = 0; ;) {
        const page = await get<Record<string, unknown> & { more?: boolean }>(route, {
          ...query,
          limit: '100',
          offset: String(offset),
        });
        const items = (page[field] as T[] | undefined) ?? [];
        all.push(...items);
        if (!page.more || items.length === 0) return all;
        offset += items.length;
      }
    };
    // Each user with their contact methods and notification rules whole, not as references.
    users = await paged<PagerDutyUser>('users', 'users', {
      'include[]': ['contact_methods', 'notification_rules'],
    });
    const until = new Date(access.now.getTime() + FIDELITY_DAYS * 86_400_000);
    schedules = [];
    for (const { id } of await paged<{ id: string }>('schedules', 'schedules')) {
      const { schedule } = await get<{ schedule: PagerDutySchedule }>(`schedules/${encodeURIComponent(id)}`, {
        since: access.now.toISOString(),
        until: until.toISOString(),
      });
      schedules.push(schedule);
      // Overrides to come, as far ahead as a Fireline override may be made.
      const { overrides: coming } = await get<{ overrides: PagerDutyOverride[] }>(
        `schedules/${encodeURIComponent(id)}/overrides`,
        {
          since: access.now.toISOString(),
          until: new Date(access.now.getTime() + OVERRIDE_LIMITS.maxAheadDays * 86_400_000).toISOString(),
        },
      );
      overrides.set(schedule.id, coming);
    }
    policies = await paged<PagerDutyEscalationPolicy>('escalation_policies', 'escalation_policies');
    for (const team of await paged<PagerDutyTeam>('teams', 'teams'))
      teams.push({
        team,
        members: await paged<PagerDutyTeamMember>(`teams/${encodeURIComponent(team.id)}/members`, 'members'),
      });
    services = await paged<PagerDutyService>('services', 'services', { 'include[]': 'integrations' });
  }
  return {
    vendor: 'PagerDuty',
    users: users.map((u) => ({
      sourceId: u.id,
      name: u.name,
      email: u.email,
      ...(u.time_zone ? { timeZone: u.time_zone } : {}),
    })),
    convert: (people) => ({
      imports: schedules.map((s) => fromPagerDutySchedule(s, users, people, access.now, overrides.get(s.id))),
      teams: teams.map(({ team, members }) => fromPagerDutyTeam(team, members, users, people)),
      policies: (scheduleIdOf) => policies.map((p) => fromPagerDutyPolicy(p, users, people, scheduleIdOf)),
      services: (policyIdOf, teamIdOf) =>
        services.map((svc) => fromPagerDutyService(svc, policyIdOf, teamIdOf)),
      contacts: contactsOf(people, users, (personId, u) =>
        fromPagerDutyContacts(
          personId,
          // Without include[], the lists hold references: nothing to bring over.
          (u.contact_methods ?? []).filter((m): m is PagerDutyContactMethod => 'address' in m),
          (u.notification_rules ?? []).filter(
            (r): r is PagerDutyNotificationRule => 'start_delay_in_minutes' in r,
          ),
        ),
      ),
    }),
  };
}

/**
 * Opsgenie: `users.json` (GET /v2/users) and each GET /v2/schedules/{id} answer `X.json`, with
 * `X-overrides.json` and `X-timeline.json` beside it; or its REST API v2 paged by offset.
 */
export async function readOpsgenie(ctx: CommandContext, access: VendorAccess): Promise<VendorRead> {
  let users: OpsgenieUser[];
  const schedules: Array<{
    schedule: OpsgenieSchedule;
    overrides?: OpsgenieOverride[];
    timeline?: OpsgenieTimeline;
  }> = [];
  let escalations: OpsgenieEscalation[] = [];
  const teams: OpsgenieTeam[] = [];
  let integrations: OpsgenieIntegration[] = [];
  let heartbeats: OpsgenieHeartbeat[] = [];
  /** Each user's contacts and notification rules (with their steps), by user id. */
  const contacts = new Map<string, { contacts: OpsgenieContact[]; rules: OpsgenieNotificationRule[] }>();
  if (access.dir) {
    const dir = access.dir;
    const listed = readJson(path.join(dir, 'users.json')) as { data?: OpsgenieUser[] };
    if (!Array.isArray(listed.data))
      throw new CliError(`${dir}/users.json has no "data" list`, ExitCode.usage);
    users = listed.data;
    const files = new Set(readdirSync(dir));
    for (const f of [...files].sort()) {
      if (!f.endsWith('.json') || f === 'users.json') continue;
      const body = readJson(path.join(dir, f)) as { data?: OpsgenieSchedule };
      if (!Array.isArray(body.data?.rotations)) continue;
      const base = f.slice(0, -'.json'.length);
      const beside = <T>(suffix: string) =>
        files.has(`${base}-${suffix}.json`)
          ? (readJson(path.join(dir, `${base}-${suffix}.json`)) as { data: T }).data
          : undefined;
      schedules.push({
        schedule: body.data,
        overrides: beside<OpsgenieOverride[]>('overrides'),
        timeline: beside<OpsgenieTimeline>('timeline'),
      });
    }
    if (files.has('escalations.json'))
      escalations =
        (readJson(path.join(dir, 'escalations.json')) as { data?: OpsgenieEscalation[] }).data ?? [];
    if (files.has('integrations.json'))
      integrations =
        (readJson(path.join(dir, 'integrations.json')) as { data?: OpsgenieIntegration[] }).data ?? [];
    if (files.has('heartbeats.json'))
      heartbeats =
        (readJson(path.join(dir, 'heartbeats.json')) as { data?: { heartbeats?: OpsgenieHeartbeat[] } }).data
          ?.heartbeats ?? [];
    // teams.json lists them (GET /v2/teams); team-<id>.json holds each with its members (GET /v2/teams/{id}).
    const teamList = files.has('teams.json')
      ? ((readJson(path.join(dir, 'teams.json')) as { data?: OpsgenieTeam[] }).data ?? [])
      : [];
    for (const team of teamList) {
      const file = `team-${team.id}.json`;
      teams.push(files.has(file) ? (readJson(path.join(dir, file)) as { data: OpsgenieTeam }).data : team);
    }
    // contacts-<user id>.json (GET /v2/users/{id}/contacts), notification-rules-<user id>.json
    // (GET …/notification-rules) and notification-rule-steps-<rule id>.json (GET …/{ruleId}/steps).
    const dataOf = <T>(file: string): T[] =>
      files.has(file) ? ((readJson(path.join(dir, file)) as { data?: T[] }).data ?? []) : [];
    for (const user of users) {
      if (!files.has(`contacts-${user.id}.json`)) continue;
      contacts.set(user.id, {
        contacts: dataOf<OpsgenieContact>(`contacts-${user.id}.json`),
        rules: dataOf<OpsgenieNotificationRule>(`notification-rules-${user.id}.json`).map((rule) => ({
          ...rule,
          steps: dataOf(`notification-rule-steps-${rule.id}.json`),
        })),
      });
    }
  } else {
    const { baseUrl, key } = access.api!;
    const get = vendorGet(ctx, 'Opsgenie', baseUrl, `GenieKey ${key}`, 'application/json');
    users = [];
    for (let offset = 0; ;) {
      const page = await get<{ data: OpsgenieUser[]; paging?: { next?: string } }>('v2/users', {
        limit: '100',
        offset: String(offset),
      });
      users.push(...page.data);
      if (!page.paging?.next || page.data.length === 0) break;
      offset += page.data.length;
    }
    const { data: listed } = await get<{ data: OpsgenieSchedule[] }>('v2/schedules', { expand: 'rotation' });
    for (const schedule of listed) {
      const id = encodeURIComponent(schedule.id);
      const { data: overrides } = await get<{ data: OpsgenieOverride[] }>(`v2/schedules/${id}/overrides`);
      const { data: timeline } = await get<{ data: OpsgenieTimeline }>(`v2/schedules/${id}/timeline`, {
        interval: String(FIDELITY_DAYS / 7),
        intervalUnit: 'weeks',
        date: access.now.toISOString(),
      });
      schedules.push({ schedule, overrides, timeline });
    }
    escalations = (await get<{ data: OpsgenieEscalation[] }>('v2/escalations')).data;
    integrations = (await get<{ data: OpsgenieIntegration[] }>('v2/integrations')).data;
    heartbeats = (await get<{ data: { heartbeats: OpsgenieHeartbeat[] } }>('v2/heartbeats')).data.heartbeats;
    for (const { id } of (await get<{ data: OpsgenieTeam[] }>('v2/teams')).data)
      teams.push((await get<{ data: OpsgenieTeam }>(`v2/teams/${encodeURIComponent(id)}`)).data);
    for (const user of users) {
      const userPath = `v2/users/${encodeURIComponent(user.id)}`;
      const rules = (await get<{ data: OpsgenieNotificationRule[] }>(`${userPath}/notification-rules`)).data;
      for (const rule of rules.filter((r) => r.actionType === 'create-alert'))
        rule.steps = (
          await get<{ data: NonNullable<OpsgenieNotificationRule['steps']> }>(
            `${userPath}/notification-rules/${encodeURIComponent(rule.id)}/steps`,
          )
        ).data;
      contacts.set(user.id, {
        contacts: (await get<{ data: OpsgenieContact[] }>(`${userPath}/contacts`)).data,
        rules,
      });
    }
  }
  return {
    vendor: 'Opsgenie',
    users: users.map((u) => ({
      sourceId: u.id,
      name: u.fullName ?? u.username,
      email: u.username,
      ...(u.timeZone ? { timeZone: u.timeZone } : {}),
    })),
    convert: (people) => ({
      imports: schedules.map(({ schedule, overrides, timeline }) =>
        fromOpsgenieSchedule(schedule, users, people, access.now, {
          ...(overrides ? { overrides } : {}),
          ...(timeline ? { timeline } : {}),
        }),
      ),
      teams: teams.map((team) => fromOpsgenieTeam(team, users, people)),
      policies: (scheduleIdOf, teamIdOf) =>
        escalations.map((e) => fromOpsgenieEscalation(e, users, people, scheduleIdOf, teamIdOf)),
      services: (policyIdOf, teamIdOf) =>
        integrations.map((i) =>
          fromOpsgenieIntegration(i, teamIdOf, policyIdOf, (teamId) =>
            escalations.filter((e) => e.ownerTeam?.id === teamId).map((e) => e.id),
          ),
        ),
      heartbeats: (teamIdOf) => heartbeats.map((h) => fromOpsgenieHeartbeat(h, teamIdOf)),
      contacts: contactsOf(
        people,
        users.flatMap((u) => {
          const read = contacts.get(u.id);
          return read ? [{ email: u.username, ...read }] : [];
        }),
        (personId, read) => fromOpsgenieContacts(personId, read.contacts, read.rules),
      ),
    }),
  };
}

/**
 * Grafana OnCall: `users.json` (GET /api/v1/users/) and each GET /api/v1/schedules/{id}/ answer `X.json`,
 * with `X-shifts.json` (its on-call shifts) and `X-final-shifts.json` beside it; or its HTTP API v1 (`--source-url`
 * is required: every installation has its own), paged by `next`.
 */
export async function readGrafanaOnCall(ctx: CommandContext, access: VendorAccess): Promise<VendorRead> {
  let users: GrafanaOnCallUser[];
  const schedules: Array<{
    schedule: GrafanaOnCallSchedule;
    shifts: GrafanaOnCallShift[];
    finalShifts: GrafanaOnCallFinalShift[];
  }> = [];
  let chains: GrafanaOnCallChain[] = [];
  let steps: GrafanaOnCallStep[] = [];
  let integrations: GrafanaOnCallIntegration[] = [];
  let teams: GrafanaOnCallTeam[] = [];
  if (access.dir) {
    const dir = access.dir;
    const results = <T>(file: string) => {
      const body = readJson(path.join(dir, file)) as { results?: T[] };
      if (!Array.isArray(body.results))
        throw new CliError(`${dir}/${file} has no "results" list`, ExitCode.usage);
      return body.results;
    };
    users = results<GrafanaOnCallUser>('users.json');
    const files = new Set(readdirSync(dir));
    for (const f of [...files].sort()) {
      if (!f.endsWith('.json') || f === 'users.json') continue;
      const body = readJson(path.join(dir, f)) as Partial<GrafanaOnCallSchedule>;
      if (typeof body.type !== 'string' || typeof body.name !== 'string' || !('shifts' in body)) continue;
      const base = f.slice(0, -'.json'.length);
      const beside = <T>(suffix: string) =>
        files.has(`${base}-${suffix}.json`) ? results<T>(`${base}-${suffix}.json`) : [];
      schedules.push({
        schedule: body as GrafanaOnCallSchedule,
        shifts: beside<GrafanaOnCallShift>('shifts'),
        finalShifts: beside<GrafanaOnCallFinalShift>('final-shifts'),
      });
    }
    if (files.has('escalation-chains.json')) chains = results<GrafanaOnCallChain>('escalation-chains.json');
    if (files.has('escalation-policies.json')) steps = results<GrafanaOnCallStep>('escalation-policies.json');
    if (files.has('integrations.json')) integrations = results<GrafanaOnCallIntegration>('integrations.json');
    if (files.has('teams.json')) teams = results<GrafanaOnCallTeam>('teams.json');
  } else {
    const { baseUrl, key } = access.api!;
    const get = vendorGet(ctx, 'Grafana OnCall', baseUrl, key, 'application/json');
    const paged = async <T>(route: string, query: Record<string, string> = {}): Promise<T[]> => {
      const all: T[] = [];
      for (let page = 1; ; page++) {
        const body = await get<{ results: T[]; next?: string | null }>(route, {
          ...query,
          page: String(page),
        });
        all.push(...body.results);
        if (!body.next || body.results.length === 0) return all;
      }
    };
    users = await paged<GrafanaOnCallUser>('api/v1/users/');
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const until = new Date(access.now.getTime() + FIDELITY_DAYS * 86_400_000);
    for (const schedule of await paged<GrafanaOnCallSchedule>('api/v1/schedules/')) {
      schedules.push({
        schedule,
        shifts: await paged<GrafanaOnCallShift>('api/v1/on_call_shifts/', { schedule_id: schedule.id }),
        finalShifts: await paged<GrafanaOnCallFinalShift>(
          `api/v1/schedules/${encodeURIComponent(schedule.id)}/final_shifts`,
          {
            start_date: day(access.now),
            end_date: day(until),
          },
        ),
      });
    }
    chains = await paged<GrafanaOnCallChain>('api/v1/escalation_chains/');
    steps = await paged<GrafanaOnCallStep>('api/v1/escalation_policies/');
    integrations = await paged<GrafanaOnCallIntegration>('api/v1/integrations/');
    teams = await paged<GrafanaOnCallTeam>('api/v1/teams/');
  }
  return {
    vendor: 'Grafana OnCall',
    users: users.map((u) => ({
      sourceId: u.id,
      name: u.username ?? u.email,
      email: u.email,
      ...(u.timezone ? { timeZone: u.timezone } : {}),
    })),
    convert: (people) => ({
      imports: schedules.map(({ schedule, shifts, finalShifts }) =>
        fromGrafanaOnCallSchedule(schedule, shifts, users, people, access.now, finalShifts),
      ),
      policies: (scheduleIdOf) =>
        chains.map((chain) =>
          fromGrafanaOnCallChain(
            chain,
            steps.filter((step) => step.escalation_chain_id === chain.id),
            users,
            people,
            scheduleIdOf,
          ),
        ),
      teams: teams.map((team) => fromGrafanaOnCallTeam(team, users, people)),
      services: (policyIdOf, teamIdOf) =>
        integrations.map((i) => fromGrafanaOnCallIntegration(i, policyIdOf, teamIdOf)),
    }),
  };
}
