#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { apiScopes } from '../domain/rights';
import { ApiClient, CliError, ExitCode } from './api-client';
import { commands, type CommandContext } from './commands';
import { stackDown, stackUp } from './stack';

const usage = `fireline — the Fireline command line

  fireline trigger --service S --summary TEXT [--severity critical|error|warning|info]
                   [--dedup-key K] [--label k=v]… [--resolve]
  fireline declare --service S --title TEXT --severity SEV1|SEV2|SEV3|SEV4 [--description TEXT]
  fireline incidents ls [--status S]… [--service S] [--severity SEVn] [--all] [--limit N]
  fireline incidents show|ack INCIDENT
  fireline incidents resolve INCIDENT [--note TEXT]
  fireline incidents note INCIDENT TEXT
  fireline runbooks ls
  fireline runbooks run INCIDENT RUNBOOK [--param k=v]… [--params JSON] [--wait]
  fireline runbooks dry-run RUNBOOK [--param k=v]… [--params JSON] [--real-http]
  fireline approvals ls [INCIDENT] [--all]
  fireline approvals approve|reject APPROVAL [--comment TEXT]
  fireline postmortem ls [--status S] [--service S]
  fireline postmortem show PM|INCIDENT [--format md|html|json]
  fireline postmortem update PM|INCIDENT [--root-cause T] [--summary T] [--lessons T] [--owner O]
                   [--factor T]… [--action-item "title@owner"]… [--status draft|in-review|published]
  fireline postmortem publish PM|INCIDENT
  fireline oncall [--at TIME] | oncall shifts --schedule S [--from TIME] [--to TIME]
  fireline oncall override create --schedule S --person P --start TIME --end TIME [--note TEXT]
  fireline oncall override ls --schedule S | oncall override delete OVR-… --schedule S
  fireline schedules [ls] | schedules show|history ID
  fireline schedules apply FILE.json          make or change a schedule from its JSON
  fireline schedules delete ID [--revision N]
  fireline policies [ls] | policies show|history ID | policies apply FILE.json
  fireline policies delete ID [--revision N]     escalation policies, as schedules
  fireline people|teams [ls] | people|teams show|history ID | people|teams apply FILE.json
  fireline people|teams delete ID [--revision N]  people and teams made at run time, as schedules
  fireline services [ls] | services show|history|apply|delete …  services, as schedules
  fireline services add-integration ID pagerduty|alertmanager|grafana [--name N]
  fireline services remove-integration ID INT-…  a routing key or token for a service (shown once)
  fireline config export [--file F] | config plan|apply --file F
                   the people, teams, schedules, policies and services made at run time as a file for git;
                   applied ones are then changed only by applying the file again
  fireline import pagerduty|opsgenie|grafana-oncall --from-dir DIR | --api-key KEY [--source-url URL] [--plan]
                   the tool's schedules (and Opsgenie's overrides) as Fireline's, people
                   matched by email, checked against the tool's own rendering
  fireline heartbeats [ls] | heartbeats show|pause|resume|rm NAME
  fireline heartbeats create NAME --service S --interval 1h [--grace 5m] [--severity critical|…]
                   an incident when a job stops pinging; create shows the ping URL once
  fireline maintenance [ls] [--all] | maintenance show|end|rm mw-…
  fireline maintenance create --service S [--service S2…] | --team T  --for 2h | --end TIME
                   [--start TIME] --reason TEXT [--silence-sev1] [--weekly TIME_ZONE [--until TIME]]
                   alerts of those services page nobody until the window ends
  fireline insights [--weeks N | --from TIME --to TIME] [--flap-count N] [--flap-window-hours H]
                   incidents per week, MTTA/MTTR against the SLA targets, pages per person
                   (at night in their zone), noisiest services and alerts, flapping alerts
  fireline status [show] | status components | status incidents | status incident PI-ID
  fireline status add-component ID --name N --service S… [--description D] | status rm-component ID
  fireline status override ID operational|degraded|partial_outage|major_outage | status clear-override ID
  fireline status open --title T --component C… [--incident ID] [--status S] --text "…"
  fireline status update PI-ID investigating|identified|monitoring|resolved "…" | status resolve PI-ID ["…"]
                   the public status page (/status): components, public incidents and their updates
  fireline me                                   who the key acts as, and their rights
  fireline me methods [ls] | methods add sms|voice NUMBER | methods add email ADDRESS
  fireline me methods add ntfy SERVER TOPIC [--label L]
  fireline me methods confirm ID CODE | methods resend|test|rm ID
  fireline me rules [show] | rules set high "push:0,sms:60,voice:300" [low "sms:300"]
                   (a method by its id, or by its type when you have one of it;
                   "default" for the default rules; an admin adds --person P)
  fireline keys create --name NAME --scopes SCOPE[,SCOPE…] [--person P] [--service S]…
  fireline keys revoke ID_OR_NAME | keys ls
  fireline stack up [--detach] | stack down

API commands read --url / FIRELINE_URL (default http://localhost:3000) and
--key / FIRELINE_API_KEY; --json prints JSON for scripts. \`keys\` talks to
MongoDB directly (MONGODB_URI); --person links a key to the catalog person it
acts as (a key acts on incidents only as a person, within their rights);
--service binds a key to those services (it may post alerts for and act on
their incidents only). Scopes: ${apiScopes.join(', ')}.
Exit codes: 0 ok, 1 failure, 2 bad usage or invalid request, 3 no key or
missing scope, 4 not found, 5 conflict (e.g. already resolved).`;

/** The flags every command accepts (exported for the test of the README's examples). */
export const options = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  // Repeatable for `keys create`; elsewhere the last one counts.
  service: { type: 'string', multiple: true },
  summary: { type: 'string' },
  title: { type: 'string' },
  description: { type: 'string' },
  severity: { type: 'string' },
  'dedup-key': { type: 'string' },
  source: { type: 'string' },
  label: { type: 'string', multiple: true },
  resolve: { type: 'boolean' },
  status: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  limit: { type: 'string' },
  note: { type: 'string' },
  text: { type: 'string' },
  param: { type: 'string', multiple: true },
  params: { type: 'string' },
  wait: { type: 'boolean' },
  'real-http': { type: 'boolean' },
  incident: { type: 'string' },
  comment: { type: 'string' },
  format: { type: 'string' },
  'root-cause': { type: 'string' },
  lessons: { type: 'string' },
  owner: { type: 'string' },
  factor: { type: 'string', multiple: true },
  'action-item': { type: 'string', multiple: true },
  name: { type: 'string' },
  scopes: { type: 'string' },
  detach: { type: 'boolean' },
  schedule: { type: 'string' },
  person: { type: 'string' },
  start: { type: 'string' },
  end: { type: 'string' },
  at: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  revision: { type: 'string' },
  'from-dir': { type: 'string' },
  plan: { type: 'boolean' },
  'api-key': { type: 'string' },
  'source-url': { type: 'string' },
  file: { type: 'string' },
  interval: { type: 'string' },
  grace: { type: 'string' },
  team: { type: 'string' },
  for: { type: 'string' },
  reason: { type: 'string' },
  'silence-sev1': { type: 'boolean' },
  weekly: { type: 'string' },
  until: { type: 'string' },
  weeks: { type: 'string' },
  'flap-count': { type: 'string' },
  'flap-window-hours': { type: 'string' },
  component: { type: 'string', multiple: true },
} as const;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`${err instanceof Error ? err.message : String(err)}\n\n${usage}`, ExitCode.usage);
  }
  const { values, positionals } = parsed;
  const [area, command, ...args] = positionals;
  if (values.help || !area) {
    process.stdout.write(`${usage}\n`);
    return area || values.help ? ExitCode.ok : ExitCode.usage;
  }
  if (area === 'keys') return (await import('./keys-command')).keys(command, args, values, usage);
  const info = (text: string) => process.stderr.write(`${text}\n`);
  if (area === 'stack') {
    const cache = process.env.FIRELINE_CACHE_DIR || undefined;
    if (command === 'up') return stackUp({ detach: Boolean(values.detach), cacheDir: cache, info });
    if (command === 'down') return stackDown({ cacheDir: cache, info });
    throw new CliError('stack takes up [--detach] or down', ExitCode.usage);
  }
  const group = commands[area];
  // `trigger` and `declare` have no sub-command: what follows is positional; `oncall` alone says who is on call.
  const single = area === 'trigger' || area === 'declare';
  const handler = group?.[single ? '' : (command ?? '')];
  if (!handler) throw new CliError(`unknown command: ${positionals.join(' ')}\n\n${usage}`, ExitCode.usage);
  const ctx: CommandContext = {
    api: new ApiClient(
      values.url ?? process.env.FIRELINE_URL ?? 'http://localhost:3000',
      values.key ?? process.env.FIRELINE_API_KEY,
    ),
    args: single ? [command, ...args].filter((a): a is string => a !== undefined) : args,
    flags: values,
    json: Boolean(values.json),
    out: (text) => process.stdout.write(text),
    info,
  };
  return (await handler(ctx)) ?? ExitCode.ok;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`fireline: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = err instanceof CliError ? err.exitCode : ExitCode.failure;
    },
  );
}
