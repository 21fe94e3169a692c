// Types shared by runbooks, the runbook workflow, its activities and the API (JSON-safe).
import type { AlertSeverity, IncidentSeverity } from './severity';

/** A JSON Schema object describing a runbook's parameters. */
export type JsonSchema = Record<string, unknown>;

export interface RunbookMeta {
  id: string;
  title: string;
  description: string;
  version: string;
  owner: string;
  /** Incidents it applies to; triage adds matching runbooks to the incident's list. */
  appliesTo?: {
    service?: string[];
    severity?: AlertSeverity[];
    labels?: Record<string, string>;
  };
  /** JSON Schema of the parameters, derived by defineRunbook from its `params`; the API, the web UI and triage check runs against it. */
  parameters: JsonSchema;
  /**
   * Parameters an alert may supply, from an annotation or label of the same
   * name, when triage starts the runbook. Every other parameter comes only from
   * the triage rule or from whoever starts the run. None may say where Fireline
   * connects or what it reads (see steeringParameter): defineRunbook refuses that.
   */
  fromAlert?: string[];
  /**
   * Environment variables the runbook's actions may read, e.g. a webhook's
   * `urlEnv`. Actions of this runbook see these and no others.
   */
  secrets?: string[];
  /** `automatic` runs straight away; `approval` waits for a human before its first side effect. */
  mode: 'automatic' | 'approval';
  /** Resolve the incident when the runbook succeeds and verified the fix. */
  resolveOnSuccess?: boolean;
  /** Deadline for the whole run, in seconds (default 1 hour). */
  deadlineSeconds?: number;
  /** Whoever started a run may also approve it (default false); a step's own setting wins. */
  allowSelfApproval?: boolean;
}

/** What a runbook sees of its incident. */
export interface RunbookIncident {
  incidentId: string;
  service: string;
  severity: IncidentSeverity;
  title: string;
  labels: Record<string, string>;
}

export interface RunbookRunInput {
  runbookId: string;
  runId: string;
  incident: RunbookIncident;
  params: Record<string, unknown>;
  /** Drill: side effects replaced by recorded no-ops. */
  dryRun: boolean;
  /** In a drill, whether HTTP checks really run (else they are simulated as healthy). */
  realHttpInDryRun: boolean;
  /** The incident workflow to report steps to (absent for drills). */
  parentWorkflowId?: string;
  /** The actor who started the run (`user:alice`; `fireline` for triage's automatic runs). */
  requestedBy: string;
  /**
   * Who may approve when a step names no approvers: the people the incident's
   * escalation policy reaches who may decide approvals on it (their rights),
   * computed by the incident. Empty = nobody: the approval step fails at once.
   */
  policyApprovers?: string[];
  /** Task queue of the action and HTTP-check activities (absent: the run's own task queue). */
  actionsTaskQueue?: string;
}

export type StepKind =
  'http' | 'action' | 'approval' | 'verify' | 'wait' | 'notify' | 'note' | 'compensation';

export interface StepRecord {
  name: string;
  kind: StepKind;
  startedAt: string;
  endedAt?: string;
  attempts?: number;
  /** `outcome_unknown`: an action's attempt started and never reported back; it may or may not have happened. */
  outcome: 'running' | 'succeeded' | 'failed' | 'skipped' | 'simulated' | 'outcome_unknown';
  /** Short, secret-free description of what happened (or would have, in a drill). */
  summary: string;
}

export type RunbookStatus =
  'running' | 'succeeded' | 'failed' | 'rejected' | 'timed_out' | 'cancelled' | 'outcome_unknown';

/** An action that may or may not have run: what a person has to check before retrying it. */
export interface UnknownOutcome {
  step: string;
  action: string;
  /** Where to look, secret-free: `the receiver of TEST_SCALE_URL`. */
  target: string;
  idempotencyKey: string;
  /** Compensations of earlier steps that were held back (not run), newest first. */
  heldCompensations: string[];
}

export interface RunbookResult {
  runId: string;
  runbookId: string;
  status: RunbookStatus;
  reason?: string;
  /** The runbook verified its fix (a passing `verify` step). */
  verified: boolean;
  resolveIncident: boolean;
  dryRun: boolean;
  steps: StepRecord[];
  /** Set when the run ended `outcome_unknown`. */
  unknownOutcome?: UnknownOutcome;
  startedAt: string;
  endedAt: string;
}

export interface ApprovalRequest {
  approvalId: string;
  runId: string;
  runbookId: string;
  step: string;
  prompt: string;
  /** Actors allowed to decide (`user:alice`): the step's, else the escalation policy's; never empty. */
  approvers: string[];
  /** Who started the run; they may not approve it unless `allowSelfApproval`. */
  requestedBy: string;
  allowSelfApproval: boolean;
  /** The run's parameters: what the approver is approving. */
  params: Record<string, unknown>;
  requestedAt: string;
  expiresAt: string;
  onTimeout: 'reject' | 'escalate';
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
}

/** What a runbook run tells its incident as it goes. */
export type RunbookEvent =
  | { type: 'step'; runId: string; runbookId: string; step: StepRecord }
  | { type: 'approval'; runId: string; runbookId: string; approval: ApprovalRequest }
  | { type: 'notify'; runId: string; runbookId: string; message: string }
  | { type: 'note'; runId: string; runbookId: string; text: string }
  /** The run's outcome, sent by the run itself so it reaches its incident across continue-as-new. */
  | {
      type: 'finished';
      runId: string;
      runbookId: string;
      result: Pick<RunbookResult, 'status' | 'reason' | 'verified' | 'resolveIncident' | 'unknownOutcome'>;
    };

export interface HttpStepRequest {
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Accepted statuses (default: any 2xx). */
  expectStatus?: number[];
  /** The response body must contain this text. */
  expectBodyContains?: string;
  timeoutMs?: number;
}

/**
 * An HTTP step as its activity gets it. A POST, PUT, PATCH or DELETE carries
 * its step's idempotency key: it goes through the action ledger (sent at most
 * once) and is sent as the `Idempotency-Key` header.
 */
export interface RunbookHttpRequest extends HttpStepRequest {
  /** Same on every attempt, per runbook run and step. */
  idempotencyKey?: string;
  /** The target honours `Idempotency-Key`: an attempt after an unknown outcome re-sends with the same key. */
  idempotent?: boolean;
}

/** Methods that change something: sent at most once per step through the action ledger. */
export function isUnsafeMethod(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
}

export interface HttpStepResponse {
  ok: boolean;
  status: number;
  /** First 500 characters of the body. */
  body: string;
  /** Why it is not ok. */
  problem?: string;
  attempt: number;
  /** True when an earlier attempt already sent it (the action ledger answered). */
  replayed?: boolean;
}

export interface ActionRequest {
  /** The runbook asking: its `secrets` are all the action may read. */
  runbookId: string;
  /** Registered action id: `webhook`, `command`, or one of your own. */
  action: string;
  input: Record<string, unknown>;
  /** Same on every attempt, and per runbook run and step. */
  idempotencyKey: string;
  /**
   * The target honours `Idempotency-Key` (or repeating the action is harmless): an attempt
   * after one that never reported back re-sends with the same key. Otherwise that attempt
   * fails with `ActionOutcomeUnknown` instead of acting again.
   */
  idempotent?: boolean;
}

export interface ActionResponse {
  summary: string;
  output?: Record<string, unknown>;
  attempt: number;
  /** True when an earlier attempt already did it (the action ledger answered). */
  replayed: boolean;
}

/** Formats whose value names a place to connect to. */
const steeringFormats = new Set([
  'uri',
  'uri-reference',
  'iri',
  'iri-reference',
  'uri-template',
  'url',
  'hostname',
  'idn-hostname',
  'ipv4',
  'ipv6',
]);
/** Last words of a parameter name that say it is a URL, a host or an environment variable's name. */
const steeringWords = new Set(['url', 'uri', 'urls', 'env', 'host', 'hostname', 'hosts']);

/**
 * Why a parameter says where Fireline connects or which environment variable
 * it reads (so an alert must never supply it), or undefined. Judged by its
 * name's last word (`healthUrl`, `restartUrlEnv`, `db_host`) and by any
 * `format` in its schema (`uri`, `hostname`, …), nested ones included.
 */
export function steeringParameter(name: string, schema: unknown): string | undefined {
  const lastWord = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_-]/)
    .at(-1);
  if (lastWord && steeringWords.has(lastWord)) return `its name ends in "${lastWord}"`;
  const formats: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'format' && typeof inner === 'string') formats.push(inner);
        else visit(inner);
      }
    }
  };
  visit(schema);
  const format = formats.find((f) => steeringFormats.has(f));
  return format ? `its schema has format "${format}"` : undefined;
}

/** Environment variable names: upper case, digits and underscores. */
const envName = /^[A-Z_][A-Z0-9_]*$/;

/** What is wrong with a runbook's declarations (`fromAlert`, `secrets`); empty when nothing. */
export function runbookMetaProblems(meta: RunbookMeta): string[] {
  const problems: string[] = [];
  const properties = (meta.parameters.properties ?? {}) as Record<string, unknown>;
  for (const name of meta.fromAlert ?? []) {
    if (!Object.hasOwn(properties, name)) {
      problems.push(`fromAlert names ${name}, which is not one of its parameters`);
      continue;
    }
    const why = steeringParameter(name, properties[name]);
    if (why) problems.push(`parameter ${name} may not come from alerts: ${why}`);
  }
  for (const name of meta.secrets ?? []) {
    if (!envName.test(name))
      problems.push(`secrets names ${JSON.stringify(name)}, not an environment variable name`);
  }
  return problems;
}

/** How the timeline says which alert-supplied parameters a runbook did not take. */
export function ignoredFromAlertMessage(names: string[]): string {
  return `ignored the alert's ${names.join(', ')}: not accepted from alerts`;
}

/**
 * Why nobody may approve this request, or undefined when someone may: its
 * approvers, less the requester unless self-approval is allowed. An approval
 * nobody may decide is never opened to anyone, and never waits out its timeout.
 */
export function nobodyMayApprove(
  approval: Pick<ApprovalRequest, 'approvers' | 'requestedBy' | 'allowSelfApproval'>,
): string | undefined {
  const { approvers, requestedBy } = approval;
  const eligible = approval.allowSelfApproval ? approvers : approvers.filter((a) => a !== requestedBy);
  if (eligible.length > 0) return undefined;
  if (approvers.length === 0)
    return 'nobody may approve it: the escalation policy reaches no one whose rights let them decide approvals on this incident';
  return `nobody may approve it: its only approver, ${requestedBy}, started the run and may not approve it too`;
}
