import type { RotationLayer, TeamMember } from '../domain/oncall';
import type { PersonRight } from '../domain/rights';
import type { ServiceIntegration } from '../domain/runtime-services';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';
import { type ModelKind, modelCommands } from './model-commands';

/** `fireline schedules …`: the schedules, and those made at run time changed from JSON files. */
export const scheduleKind: ModelKind = {
  command: 'schedules',
  noun: 'schedule',
  route: '/v1/schedules',
  list: 'schedules',
  fields: ['name', 'timeZone', 'layers'],
  columns: ['NAME', 'TIME ZONE', 'LAYERS'],
  row: (s) => [String(s.name), String(s.timeZone), (s.layers as RotationLayer[]).length],
};

export const scheduleCommands = modelCommands(scheduleKind);

/** `fireline policies …`: the escalation policies, and those made at run time changed from JSON files. */
export const policyKind: ModelKind = {
  command: 'policies',
  noun: 'policy',
  title: 'escalation policy',
  route: '/v1/escalation-policies',
  list: 'policies',
  fields: ['name', 'levels', 'repeat', 'fallback'],
  defaults: { repeat: 0, fallback: [] },
  columns: ['NAME', 'LEVELS', 'REPEAT'],
  row: (p) => [String(p.name), (p.levels as unknown[]).length, Number(p.repeat ?? 0)],
};

export const policyCommands = modelCommands(policyKind);

/** `fireline people …`: the people, and those made at run time changed from JSON files. */
export const personKind: ModelKind = {
  command: 'people',
  noun: 'person',
  route: '/v1/people',
  list: 'people',
  fields: ['name', 'email', 'timeZone', 'slackUserId', 'channels', 'rights'],
  defaults: { channels: [], rights: [] },
  columns: ['NAME', 'EMAIL', 'RIGHTS'],
  row: (p) => [
    String(p.name),
    typeof p.email === 'string' ? p.email : undefined,
    (p.rights as PersonRight[]).map((r) => r.role).join(', ') || 'observer',
  ],
};

export const peopleCommands = modelCommands(personKind);

/** `fireline teams …`: the teams, and those made at run time changed from JSON files. */
export const teamKind: ModelKind = {
  command: 'teams',
  noun: 'team',
  route: '/v1/teams',
  list: 'teams',
  fields: ['name', 'members'],
  columns: ['NAME', 'MEMBERS'],
  row: (t) => [String(t.name), (t.members as TeamMember[]).map((m) => m.personId).join(', ')],
};

export const teamCommands = modelCommands(teamKind);

/** `fireline services …`: the services, changed from JSON files, and the integrations that feed them. */
export const serviceKind: ModelKind = {
  command: 'services',
  noun: 'service',
  route: '/v1/services',
  list: 'services',
  fields: ['name', 'description', 'team', 'escalationPolicy'],
  columns: ['NAME', 'TEAM', 'POLICY', 'INTEGRATIONS'],
  row: (s) => [
    String(s.name),
    typeof s.team === 'string' ? s.team : undefined,
    typeof s.escalationPolicy === 'string' ? s.escalationPolicy : undefined,
    (s.integrations as ServiceIntegration[]).map((i) => `${i.type} …${i.secretHint}`).join(', '),
  ],
};

/** `fireline services …`: the services, changed from JSON files, and the integrations that feed them. */
export const serviceCommands = {
  ...modelCommands(serviceKind),

  /** `fireline services add-integration ID pagerduty|alertmanager|grafana [--name N]`: prints the secret once. */
  'add-integration': async (ctx: CommandContext) => {
    const [id, type] = ctx.args;
    if (!id || !type)
      throw new CliError(
        'say which service and type: fireline services add-integration ID pagerduty|alertmanager|grafana',
        ExitCode.usage,
      );
    const name = str(ctx, 'name');
    const made = await ctx.api.request<{
      integration: ServiceIntegration;
      secret: string;
      send: { url: string };
    }>('POST', `/v1/services/${encodeURIComponent(id)}/integrations`, {
      body: { type, ...(name ? { name } : {}) },
    });
    ctx.info(`added ${made.integration.id} (${type}) to ${id}; its secret is shown once:`);
    print(ctx, made, () => `${made.secret}\nsend to: ${made.send.url}\n`);
  },

  /** `fireline services remove-integration ID INT-…`. */
  'remove-integration': async (ctx: CommandContext) => {
    const [id, integrationId] = ctx.args;
    if (!id || !integrationId)
      throw new CliError(
        'say which service and integration: fireline services remove-integration ID INT-…',
        ExitCode.usage,
      );
    await ctx.api.request(
      'DELETE',
      `/v1/services/${encodeURIComponent(id)}/integrations/${encodeURIComponent(integrationId)}`,
    );
    print(ctx, { removed: integrationId }, () => `removed ${integrationId} from ${id}\n`);
  },
};
