import type { Incident, TimelineEntry } from '../domain/incident';
import type { Person } from '../domain/oncall';
import type { Postmortem } from '../domain/postmortem';
import type { ApprovalRequest, RunbookMeta } from '../domain/runbook';
import { CliError, ExitCode } from './api-client';
import { type CommandContext, print, str } from './context';

export type { CommandContext } from './context';
import { ago, pairs, table } from './format';
import { postmortemIdOf } from '../workflows/postmortem/ids';
import { incidentIdPattern } from '../workflows/incident/ids';
import { oncallCommands } from './oncall-commands';
import {
  peopleCommands,
  policyCommands,
  scheduleCommands,
  serviceCommands,
  teamCommands,
} from './schedule-commands';
import { configCommands } from './config-commands';
import { meCommands } from './me-commands';
import { heartbeatCommands } from './heartbeat-commands';
import { maintenanceCommands } from './maintenance-commands';
import { insightsCommands } from './insights-command';
import { statusCommands } from './status-commands';

const list = (ctx: CommandContext, name: string): string[] => {
  const v = ctx.flags[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
};
function positional(ctx: CommandContext, index: number, what: string): string {
  const v = ctx.args[index];
  if (!v) throw new CliError(`missing ${what}`, ExitCode.usage);
  return v;
}
/** Runbook parameters from --params JSON and --param k=v (values parsed as JSON when they are, else strings). */
function runbookParams(ctx: CommandContext): Record<string, unknown> {
  let params: Record<string, unknown> = {};
  const raw = str(ctx, 'params');
  if (raw) {
    try {
      params = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new CliError('--params must be a JSON object', ExitCode.usage);
    }
  }
  for (const [k, v] of Object.entries(pairs(list(ctx, 'param'), '--param'))) {
    try {
      params[k] = JSON.parse(v);
    } catch {
      params[k] = v;
    }
  }
  return params;
}

/** Alerts `incidents show` lists (firing first, the latest first); --json has them all. */
const shownAlerts = 20;

function incidentLines(incident: Incident): string {
  const esc = incident.escalation;
  const level = esc.exhausted
    ? 'exhausted'
    : `level ${esc.level + 1}${esc.round > 0 ? ` (round ${esc.round + 1})` : ''}`;
  const rows: [string, string | undefined][] = [
    ['incident', incident.incidentId],
    ['title', incident.title],
    ['service', incident.service],
    ['status', incident.status],
    ['severity', `${incident.severity} ${incident.priority}${incident.major ? ' MAJOR' : ''}`],
    ['team', incident.team],
    [
      'escalation',
      `${esc.policy.name ?? esc.policy.id}: ${level}${esc.nextEscalationAt ? `, next ${esc.nextEscalationAt}` : ''}`,
    ],
    ['alerts', String(incident.alertCount)],
    ['opened', `${incident.openedAt} (${ago(incident.openedAt)})`],
    [
      'acknowledged',
      incident.acknowledgedAt ? `${incident.acknowledgedAt} by ${incident.acknowledgedBy}` : undefined,
    ],
    ['resolved', incident.resolvedAt ? `${incident.resolvedAt} by ${incident.resolvedBy}` : undefined],
  ];
  let text = rows
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k.padEnd(13)}${v}`)
    .join('\n');
  if (incident.runbookRuns.length > 0) {
    text += `\n\nrunbook runs\n${table(
      ['RUN', 'RUNBOOK', 'STATUS', 'BY', 'STARTED'],
      incident.runbookRuns.map((r) => [r.runId, r.runbookId, r.status, r.requestedBy, ago(r.startedAt)]),
    )}`;
  }
  const alerts = [...(incident.alerts ?? [])].sort(
    (a, b) =>
      Number(b.state === 'firing') - Number(a.state === 'firing') || b.lastSeenAt.localeCompare(a.lastSeenAt),
  );
  if (alerts.length > 0) {
    text += `\nalerts\n${table(
      ['DEDUP KEY', 'STATE', 'COUNT', 'FIRST SEEN', 'LAST SEEN', 'SUMMARY'],
      alerts
        .slice(0, shownAlerts)
        .map((a) => [a.dedupKey, a.state, a.count, ago(a.firstSeenAt), ago(a.lastSeenAt), a.summary]),
    )}`;
    if (alerts.length > shownAlerts)
      text += `… and ${alerts.length - shownAlerts} more (--json lists them all)\n`;
  }
  const pending = (incident.approvals ?? []).filter((a) => a.status === 'pending');
  if (pending.length > 0) {
    text += `\npending approvals\n${table(
      ['APPROVAL', 'STEP', 'EXPIRES'],
      pending.map((a) => [a.approvalId, a.prompt, a.expiresAt]),
    )}`;
  }
  return `${text}\n`;
}

export const commands: Record<string, Record<string, (ctx: CommandContext) => Promise<number | void>>> = {
  oncall: oncallCommands,
  schedules: scheduleCommands,
  policies: policyCommands,
  people: peopleCommands,
  teams: teamCommands,
  services: serviceCommands,
  config: configCommands,
  import: Object.fromEntries(
    (['pagerduty', 'opsgenie', 'grafana-oncall'] as const).map((vendor) => [
      vendor,
      async (ctx: CommandContext) => {
        const { importSchedules } = await import('./import-command');
        await importSchedules(ctx, vendor, async () => {
          const { people } = await ctx.api.request<{ people: Person[] }>('GET', '/v1/people');
          return people;
        });
      },
    ]),
  ),
  me: meCommands,
  heartbeats: heartbeatCommands,
  maintenance: maintenanceCommands,
  insights: insightsCommands,
  status: statusCommands,
  trigger: {
    async ''(ctx) {
      const service = str(ctx, 'service');
      const summary = str(ctx, 'summary') ?? ctx.args[0];
      if (!service || !summary) throw new CliError('trigger needs --service and --summary', ExitCode.usage);
      const result = await ctx.api.request<{ status: string; dedupKey: string; workflowId: string }>(
        'POST',
        '/v1/alerts',
        {
          body: {
            service,
            summary,
            severity: str(ctx, 'severity') ?? 'error',
            dedupKey: str(ctx, 'dedup-key'),
            source: str(ctx, 'source') ?? 'fireline-cli',
            labels: pairs(list(ctx, 'label'), '--label'),
            action: ctx.flags.resolve ? 'resolve' : 'trigger',
          },
        },
      );
      print(ctx, result, () => `${result.status}: ${result.workflowId} (dedup key ${result.dedupKey})\n`);
    },
  },

  // A person reports an incident: opened, triaged and paged as an alert's, the reporter on its timeline.
  declare: {
    async ''(ctx) {
      const service = str(ctx, 'service');
      const title = str(ctx, 'title') ?? ctx.args[0];
      const severity = str(ctx, 'severity');
      if (!service || !title || !severity)
        throw new CliError('declare needs --service, --title and --severity (SEV1…SEV4)', ExitCode.usage);
      const result = await ctx.api.request<{
        incidentId: string;
        service: string;
        severity: string;
        team?: string;
        state: string;
      }>('POST', '/v1/incidents', {
        body: { service, title, severity, description: str(ctx, 'description') },
      });
      print(
        ctx,
        result,
        () =>
          `declared ${result.incidentId}: ${result.severity} ${result.service}${result.team ? `, team ${result.team}` : ''}` +
          `${result.state === 'open' ? '; its first level is paged' : '; recorded, opening when a worker runs it'}\n`,
      );
    },
  },

  incidents: {
    async ls(ctx) {
      const all = Boolean(ctx.flags.all);
      const status = list(ctx, 'status');
      const result = await ctx.api.request<{ incidents: Incident[] }>('GET', '/v1/incidents', {
        query: {
          status: status.length > 0 ? status : all ? undefined : ['triggered', 'acknowledged', 'snoozed'],
          service: str(ctx, 'service'),
          severity: str(ctx, 'severity'),
          limit: str(ctx, 'limit'),
        },
      });
      print(ctx, result.incidents, () =>
        table(
          ['INCIDENT', 'SEV', 'STATUS', 'SERVICE', 'ALERTS', 'OPENED', 'TITLE'],
          result.incidents.map((i) => [
            i.incidentId,
            `${i.severity}${i.major ? '!' : ''}`,
            i.status,
            i.service,
            i.alertCount,
            ago(i.openedAt),
            i.title,
          ]),
        ),
      );
    },
    async show(ctx) {
      const id = positional(ctx, 0, 'incident id');
      const incident = await ctx.api.request<Incident>('GET', `/v1/incidents/${encodeURIComponent(id)}`);
      if (ctx.json) return print(ctx, incident, () => '');
      const timeline = await ctx.api.request<{ entries: TimelineEntry[] }>(
        'GET',
        `/v1/incidents/${encodeURIComponent(id)}/timeline`,
      );
      ctx.out(incidentLines(incident));
      ctx.out(
        `\ntimeline\n${table(
          ['AT', 'ACTOR', 'WHAT'],
          timeline.entries.map((e) => [e.at.slice(0, 19).replace('T', ' '), e.actor, e.message]),
        )}`,
      );
    },
    async ack(ctx) {
      const id = positional(ctx, 0, 'incident id');
      const incident = await ctx.api.request<Incident>(
        'POST',
        `/v1/incidents/${encodeURIComponent(id)}/acknowledge`,
        {
          body: {},
        },
      );
      print(ctx, incident, () => `${incident.incidentId} acknowledged by ${incident.acknowledgedBy}\n`);
    },
    async resolve(ctx) {
      const id = positional(ctx, 0, 'incident id');
      const incident = await ctx.api.request<Incident>(
        'POST',
        `/v1/incidents/${encodeURIComponent(id)}/resolve`,
        {
          body: { note: str(ctx, 'note') },
        },
      );
      print(ctx, incident, () => `${incident.incidentId} resolved by ${incident.resolvedBy}\n`);
    },
    async note(ctx) {
      const id = positional(ctx, 0, 'incident id');
      const text = ctx.args.slice(1).join(' ') || str(ctx, 'text');
      if (!text) throw new CliError('say the note: fireline incidents note ID "text"', ExitCode.usage);
      const result = await ctx.api.request('POST', `/v1/incidents/${encodeURIComponent(id)}/notes`, {
        body: { text },
      });
      print(ctx, result, () => `note added to ${id}\n`);
    },
  },

  runbooks: {
    async ls(ctx) {
      const result = await ctx.api.request<{ runbooks: RunbookMeta[] }>('GET', '/v1/runbooks');
      print(ctx, result.runbooks, () =>
        table(
          ['RUNBOOK', 'MODE', 'OWNER', 'TITLE'],
          result.runbooks.map((r) => [r.id, r.mode, r.owner, r.title]),
        ),
      );
    },
    async run(ctx) {
      const incidentId = positional(ctx, 0, 'incident id');
      const runbookId = positional(ctx, 1, 'runbook id');
      const started = await ctx.api.request<{ runId: string }>(
        'POST',
        `/v1/incidents/${encodeURIComponent(incidentId)}/runbooks`,
        { body: { runbookId, params: runbookParams(ctx) } },
      );
      if (!ctx.flags.wait) return print(ctx, started, () => `started ${started.runId}\n`);
      ctx.info(`started ${started.runId}; following its steps (Ctrl-C stops following, not the run)`);
      const run = await followRun(ctx, incidentId, started.runId);
      print(ctx, run, () => `${run.runId}: ${run.status}${run.reason ? ` (${run.reason})` : ''}\n`);
      return run.status === 'succeeded' ? ExitCode.ok : ExitCode.failure;
    },
    async 'dry-run'(ctx) {
      const runbookId = positional(ctx, 0, 'runbook id');
      ctx.info(`running a drill of ${runbookId} …`);
      const report = await ctx.api.request<{
        drillId: string;
        status: string;
        steps: { name: string; outcome: string; summary: string }[];
      }>('POST', `/v1/runbooks/${encodeURIComponent(runbookId)}/dry-run`, {
        body: { params: runbookParams(ctx), realHttp: Boolean(ctx.flags['real-http']) },
      });
      print(
        ctx,
        report,
        () =>
          `${report.drillId}: ${report.status}\n${table(
            ['STEP', 'OUTCOME', 'SUMMARY'],
            report.steps.map((s) => [s.name, s.outcome, s.summary]),
          )}`,
      );
      return report.status === 'succeeded' ? ExitCode.ok : ExitCode.failure;
    },
  },

  approvals: {
    async ls(ctx) {
      const incidentId = str(ctx, 'incident') ?? ctx.args[0];
      const incidents = incidentId
        ? [await ctx.api.request<Incident>('GET', `/v1/incidents/${encodeURIComponent(incidentId)}`)]
        : (
            await ctx.api.request<{ incidents: Incident[] }>('GET', '/v1/incidents', {
              query: { status: ['triggered', 'acknowledged', 'snoozed'], limit: '200' },
            })
          ).incidents;
      const approvals: ApprovalRequest[] = incidents.flatMap((i) =>
        (i.approvals ?? []).filter((a) => ctx.flags.all || a.status === 'pending'),
      );
      print(ctx, approvals, () =>
        table(
          ['APPROVAL', 'STATUS', 'RUNBOOK', 'PROMPT', 'EXPIRES'],
          approvals.map((a) => [a.approvalId, a.status, a.runbookId, a.prompt, a.expiresAt]),
        ),
      );
    },
    approve: (ctx) => decide(ctx, 'approve'),
    reject: (ctx) => decide(ctx, 'reject'),
  },

  postmortem: {
    async ls(ctx) {
      const result = await ctx.api.request<{ postmortems: Postmortem[] }>('GET', '/v1/postmortems', {
        query: { status: str(ctx, 'status'), service: str(ctx, 'service'), limit: str(ctx, 'limit') },
      });
      print(ctx, result.postmortems, () =>
        table(
          ['POST-MORTEM', 'STATUS', 'SEV', 'SERVICE', 'OWNER', 'TITLE'],
          result.postmortems.map((p) => [p.postmortemId, p.status, p.severity, p.service, p.owner, p.title]),
        ),
      );
    },
    async show(ctx) {
      const id = await postmortemId(ctx, positional(ctx, 0, 'post-mortem or incident id'));
      const format = str(ctx, 'format') ?? (ctx.json ? 'json' : 'md');
      const accept = { md: 'text/markdown', html: 'text/html', json: 'application/json' }[format];
      if (!accept) throw new CliError('--format must be md, html or json', ExitCode.usage);
      const body = await ctx.api.request<unknown>('GET', `/v1/postmortems/${encodeURIComponent(id)}`, {
        accept,
      });
      ctx.out(typeof body === 'string' ? body : `${JSON.stringify(body, null, 2)}\n`);
    },
    async update(ctx) {
      const id = await postmortemId(ctx, positional(ctx, 0, 'post-mortem or incident id'));
      const body: Record<string, unknown> = {};
      for (const [flag, field] of [
        ['summary', 'summary'],
        ['root-cause', 'rootCause'],
        ['lessons', 'lessonsLearned'],
        ['owner', 'owner'],
        ['status', 'status'],
      ] as const) {
        const v = str(ctx, flag);
        if (v !== undefined) body[field] = v;
      }
      if (list(ctx, 'factor').length > 0) body.contributingFactors = list(ctx, 'factor');
      const items = list(ctx, 'action-item');
      if (items.length > 0) {
        const current = await ctx.api.request<Postmortem>('GET', `/v1/postmortems/${encodeURIComponent(id)}`);
        body.actionItems = [
          ...current.actionItems,
          ...items.map((item) => {
            // "title" or "title@owner"
            const at = item.lastIndexOf('@');
            return at > 0
              ? { title: item.slice(0, at), owner: item.slice(at + 1) }
              : { title: item, owner: current.owner };
          }),
        ];
      }
      if (Object.keys(body).length === 0)
        throw new CliError('nothing to change: give --root-cause, --status, --action-item …', ExitCode.usage);
      const pm = await ctx.api.request<Postmortem>('PATCH', `/v1/postmortems/${encodeURIComponent(id)}`, {
        body,
      });
      print(ctx, pm, () => `${pm.postmortemId} updated (${pm.status})\n`);
    },
    async publish(ctx) {
      const id = await postmortemId(ctx, positional(ctx, 0, 'post-mortem or incident id'));
      let pm = await ctx.api.request<Postmortem>('GET', `/v1/postmortems/${encodeURIComponent(id)}`);
      // draft → in-review → published: the review's two steps, taken in order.
      for (const status of ['in-review', 'published'] as const) {
        if (pm.status === 'published') break;
        if (status === 'in-review' && pm.status === 'in-review') continue;
        pm = await ctx.api.request<Postmortem>('PATCH', `/v1/postmortems/${encodeURIComponent(id)}`, {
          body: { status },
        });
      }
      print(ctx, pm, () => `${pm.postmortemId} published\n`);
    },
  },
};

/** Accepts PM-… or the incident's INC-… id (a post-mortem is keyed by its incident). */
async function postmortemId(_ctx: CommandContext, id: string): Promise<string> {
  return incidentIdPattern.test(id) ? postmortemIdOf(id) : id;
}

async function decide(ctx: CommandContext, decision: 'approve' | 'reject'): Promise<void> {
  const approvalId = positional(ctx, 0, 'approval id');
  // Approval ids are <incident>.rbN.aN.
  const incidentId = approvalId.split('.')[0] ?? '';
  const result = await ctx.api.request<ApprovalRequest>(
    'POST',
    `/v1/incidents/${encodeURIComponent(incidentId)}/approvals/${encodeURIComponent(approvalId)}/${decision}`,
    { body: { comment: str(ctx, 'comment') } },
  );
  print(ctx, result, () => `${approvalId} ${result.status} by ${result.decidedBy}\n`);
}

/** Prints the run's steps as they happen and returns its summary once it has finished. */
async function followRun(ctx: CommandContext, incidentId: string, runId: string) {
  const seen = new Set<number>();
  const announced = new Set<string>();
  for (;;) {
    const incident = await ctx.api.request<Incident>(
      'GET',
      `/v1/incidents/${encodeURIComponent(incidentId)}`,
    );
    const timeline = await ctx.api.request<{ entries: TimelineEntry[] }>(
      'GET',
      `/v1/incidents/${encodeURIComponent(incidentId)}/timeline`,
    );
    for (const entry of timeline.entries) {
      if (
        seen.has(entry.seq) ||
        !entry.type.startsWith('runbook') ||
        !JSON.stringify(entry.data ?? {}).includes(runId)
      )
        continue;
      seen.add(entry.seq);
      ctx.info(`  ${entry.at.slice(11, 19)}  ${entry.message}`);
    }
    for (const approval of incident.approvals ?? []) {
      if (approval.runId === runId && approval.status === 'pending' && !announced.has(approval.approvalId)) {
        announced.add(approval.approvalId);
        ctx.info(`  waiting for approval: fireline approvals approve ${approval.approvalId}`);
      }
    }
    const run = incident.runbookRuns.find((r) => r.runId === runId);
    if (run && run.status !== 'running') return run;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
